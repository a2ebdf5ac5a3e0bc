import type { JsMsg } from '@nats-io/jetstream';
import { validators } from '../../domain/index.ts';
import {
  checkAlarmPlace,
  emptySite,
  reduceAlarm,
  type AlarmEffect,
  type AlarmRules,
  type RelatedEntity,
  type SiteState,
} from '../../domain/noc/index.ts';
import { checkSite, keys } from './store.ts';
import type { HandlerCtx } from './context.ts';
import { groupValid } from './group.ts';
import { causeDescription, causeTitle, reasons } from './text.ts';

const PROCESSOR = 'noc-processor';

/**
 * NETWORK alarm batches → site state, tickets, detections. Bad input rules (docs/noc.md):
 * unreadable envelope, schema failure, unknown NE/site, region mismatch → dead-lettered with the
 * reason; clear without raise, duplicate clear, out-of-order → kept in the stream (and ClickHouse),
 * counted as flagged, state unchanged. Per site: effects first (idempotent), then the state (CAS),
 * so a crash in between replays the same effects with the same ids.
 */
export async function handleAlarmMessages(ctx: HandlerCtx, msgs: JsMsg[], rules?: AlarmRules): Promise<void> {
  const bySite = await groupValid(ctx, msgs, validators.neAlarm, checkAlarmPlace, (a) => a.siteId);
  for (const [siteId, alarms] of bySite) {
    const cur = await ctx.store.get(keys.site(siteId), checkSite);
    let site: SiteState = cur?.value ?? emptySite(siteId, alarms[0]?.region ?? '');
    const effects: AlarmEffect[] = [];
    for (const a of alarms) {
      const r = reduceAlarm(site, a, rules);
      site = r.site;
      effects.push(...r.effects);
    }
    await applyEffects(ctx, site, effects);
    await ctx.store.put(keys.site(siteId), site, cur?.revision ?? 0);
  }
  ctx.metrics.processed.inc({ processor: 'noc-alarms' }, msgs.length);
}

async function applyEffects(ctx: HandlerCtx, site: SiteState, effects: AlarmEffect[]): Promise<void> {
  const children = new Map<string, { rootKey: string; atMs: number; entities: RelatedEntity[] }>();
  for (const e of effects) {
    switch (e.kind) {
      case 'open': {
        const a = e.alarm;
        const related: RelatedEntity[] = [
          { role: 'rootAlarm', id: e.rootKey },
          { role: 'site', id: a.siteId },
          ...(a.cellId ? [{ role: 'cell' as const, id: a.cellId }] : []),
          ...e.childKeys.map((id) => ({ role: 'childAlarm' as const, id })),
          ...e.mergedTicketIds.map((id) => ({ role: 'mergedTicket' as const, id })),
        ];
        await ctx.svc.publishDetection({
          detectionId: ctx.svc.newDetectionId('alarm_root', e.ticketId),
          kind: e.alarm.flapping ? 'alarm_flapping' : 'alarm_root',
          rule: a.cellId ? 'cell alarm without site root' : 'site-level alarm explains its cells',
          region: a.region,
          siteId: a.siteId,
          ...(a.cellId ? { cellId: a.cellId } : {}),
          ticketId: e.ticketId,
          evidence: { alarmIds: a.evidence, samples: [] },
          atMs: a.lastChangeMs,
        });
        await ctx.svc.open({
          id: e.ticketId,
          ticketType: 'network',
          faultType: e.faultType,
          severity: a.severity === 'critical' ? 'critical' : 'major',
          priority: e.priority,
          channel: 'system',
          name: causeTitle(a.probableCause, a.cellId ?? a.siteId),
          description: causeDescription(a.probableCause, a.neId, a.cellId ?? a.siteId),
          region: a.region,
          siteId: a.siteId,
          ...(a.cellId ? { cellId: a.cellId } : {}),
          rootKey: e.rootKey,
          flapping: a.flapping,
          childCount: e.childKeys.length,
          related,
          by: PROCESSOR,
          atMs: a.lastChangeMs,
        });
        for (const id of e.mergedTicketIds)
          await ctx.svc.close(id, PROCESSOR, a.lastChangeMs, reasons.merged(e.ticketId));
        break;
      }
      case 'reopen':
        await ctx.svc.reopen(e.ticketId, e.alarm.lastChangeMs, reasons.faultReturned);
        break;
      case 'close':
        await ctx.svc.close(e.ticketId, PROCESSOR, e.alarm.lastChangeMs, reasons.alarmCleared);
        break;
      case 'flapping':
        await ctx.svc.publishDetection({
          detectionId: ctx.svc.newDetectionId('alarm_flapping', e.ticketId, e.alarm.lastChangeMs),
          kind: 'alarm_flapping',
          rule: 'raises within the flapping window reached the threshold',
          region: e.alarm.region,
          siteId: e.alarm.siteId,
          ticketId: e.ticketId,
          evidence: { alarmIds: e.alarm.evidence, samples: [] },
          atMs: e.alarm.lastChangeMs,
        });
        await ctx.svc.flapping(e.ticketId, e.alarm.lastChangeMs);
        break;
      case 'child': {
        const c = children.get(e.ticketId) ?? {
          rootKey: e.rootKey,
          atMs: e.alarm.lastChangeMs,
          entities: [],
        };
        c.entities.push({ role: 'childAlarm', id: e.alarm.key });
        c.atMs = Math.max(c.atMs, e.alarm.lastChangeMs);
        children.set(e.ticketId, c);
        break;
      }
      case 'flag':
        ctx.flagged.inc({ code: e.code });
        break;
    }
  }
  for (const [ticketId, c] of children) {
    const count = Object.values(site.alarms).filter((a) => a.rootKey === c.rootKey).length;
    await ctx.svc.relate(ticketId, c.entities, c.atMs, count);
  }
}
