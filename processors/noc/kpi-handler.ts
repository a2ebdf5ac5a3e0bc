import type { JsMsg } from '@nats-io/jetstream';
import { validators, type KpiSample } from '../../domain/index.ts';
import {
  checkKpiSample,
  emptyRegionKpi,
  reduceKpi,
  TREND_SAMPLES,
  type KpiEffect,
  type RegionKpiState,
} from '../../domain/noc/index.ts';
import { placeOfCell } from '../../domain/index.ts';
import type { HandlerCtx } from './context.ts';
import { groupValid } from './group.ts';
import { checkRegionKpi, keys } from './store.ts';
import { congestionDescription, metricDescription, metricTitle, reasons } from './text.ts';

const PROCESSOR = 'noc-processor';

/**
 * NETWORK KPI batches → per-region KPI state, detections and KPI tickets. Bad input: values out
 * of the metric's range, unknown cells and region mismatches are dead-lettered with the reason;
 * samples older than the cell's last one are flagged and ignored.
 */
export async function handleKpiMessages(ctx: HandlerCtx, msgs: JsMsg[]): Promise<void> {
  const byRegion = await groupValid(ctx, msgs, validators.kpiSample, checkKpiSample, (s) => s.region);
  for (const [region, samples] of byRegion) {
    const cur = await ctx.store.get(keys.kpi(region), checkRegionKpi);
    let st: RegionKpiState = cur?.value ?? emptyRegionKpi(region);
    const effects: { e: KpiEffect; s: KpiSample }[] = [];
    for (const s of samples) {
      const r = reduceKpi(st, s);
      st = r.state;
      for (const e of r.effects) effects.push({ e, s });
    }
    for (const { e, s } of effects) await apply(ctx, region, e, s);
    await ctx.store.put(keys.kpi(region), st, cur?.revision ?? 0);
  }
  ctx.metrics.processed.inc({ processor: 'noc-kpi' }, msgs.length);
}

async function apply(ctx: HandlerCtx, region: string, e: KpiEffect, s: KpiSample): Promise<void> {
  const sample = { cellId: s.cellId, metric: s.metric, value: s.value, atMs: s.atMs };
  switch (e.kind) {
    case 'breach':
    case 'recover': {
      await ctx.svc.publishDetection({
        detectionId: ctx.svc.newDetectionId(e.kind, e.cellId, e.metric, e.atMs),
        kind: e.kind === 'breach' ? 'kpi_breach' : 'kpi_recovered',
        rule: `${e.metric} threshold with hysteresis`,
        region,
        cellId: e.cellId,
        ...(placeOfCell(e.cellId) ? { siteId: placeOfCell(e.cellId)?.siteId } : {}),
        ...(e.ticketId ? { ticketId: e.ticketId } : {}),
        evidence: { alarmIds: [], samples: [sample] },
        atMs: e.atMs,
      });
      if (e.kind === 'breach' && e.ticketId) {
        const siteId = placeOfCell(e.cellId)?.siteId;
        await ctx.svc.open({
          id: e.ticketId,
          ticketType: 'network',
          faultType: 'radio',
          severity: 'minor',
          priority: 'P3',
          channel: 'system',
          name: metricTitle(e.metric, e.cellId),
          description: metricDescription(e.metric, e.value, e.cellId),
          region,
          ...(siteId ? { siteId } : {}),
          cellId: e.cellId,
          related: [{ role: 'cell', id: e.cellId }],
          by: PROCESSOR,
          atMs: e.atMs,
        });
      }
      if (e.kind === 'recover' && e.ticketId)
        await ctx.svc.close(e.ticketId, PROCESSOR, e.atMs, reasons.kpiRecovered);
      return;
    }
    case 'region_congestion':
      await ctx.svc.publishDetection({
        detectionId: ctx.svc.newDetectionId('region_congestion', e.ticketId),
        kind: 'region_congestion',
        rule: 'congested cells in one region reached the threshold',
        region,
        ticketId: e.ticketId,
        evidence: { alarmIds: [], samples: [sample] },
        atMs: e.atMs,
      });
      await ctx.svc.open({
        id: e.ticketId,
        ticketType: 'network',
        faultType: 'congestion',
        severity: 'major',
        priority: 'P2',
        channel: 'system',
        name: metricTitle('congestion_rate', region),
        description: congestionDescription(region, e.cellIds.length),
        region,
        related: e.cellIds.map((id) => ({ role: 'cell' as const, id })),
        by: PROCESSOR,
        atMs: e.atMs,
      });
      return;
    case 'trend':
      await ctx.svc.publishDetection({
        detectionId: ctx.svc.newDetectionId('kpi_trend', e.cellId, e.metric, e.atMs),
        kind: 'kpi_trend',
        rule: `${e.metric} worsened on ${TREND_SAMPLES} consecutive samples before reaching its threshold (early warning, no ticket)`,
        region,
        cellId: e.cellId,
        evidence: { alarmIds: [], samples: [sample] },
        atMs: e.atMs,
      });
      return;
    case 'region_congestion_cleared':
      await ctx.svc.close(e.ticketId, PROCESSOR, e.atMs, reasons.congestionCleared);
      return;
    case 'flag':
      ctx.flagged.inc({ code: e.code });
  }
}
