import type { JsMsg } from '@nats-io/jetstream';
import { decodeBatch, validators } from '../../domain/index.ts';
import type { SinkSpec } from '../../infra/clickhouse/index.ts';

/** RATED stream → `cdr_rated`: one row per rated CDR (times as epoch ms into DateTime64(3)). */
export const ratedCdrSink: SinkSpec = {
  table: 'cdr_rated',
  toRows(msg: JsMsg) {
    const env = decodeBatch(msg.data);
    if (!env.ok) return { reject: env.reason };
    const rows: Record<string, unknown>[] = [];
    const rejected: { index: number; reason: string }[] = [];
    for (const [i, item] of env.batch.items.entries()) {
      const v = validators.ratedCdr(item);
      if (!v.ok) {
        rejected.push({ index: i, reason: `${v.error.field} ${v.error.message}` });
        continue;
      }
      const r = v.value;
      const c = r.cdr;
      rows.push({
        cdr_id: c.cdrId,
        msisdn: c.msisdn,
        type: c.type,
        start_time: c.startMs,
        duration_sec: c.type === 'sms' ? 0 : c.durationSec,
        bytes_up: c.type === 'data' ? c.bytesUp : 0,
        bytes_down: c.type === 'data' ? c.bytesDown : 0,
        called: c.type === 'data' ? '' : c.calledNumber,
        region: c.region,
        cell_id: c.cellId,
        roaming: c.roaming ? 1 : 0,
        plan_id: r.planId,
        plan_version: r.planVersion,
        charge_fen: r.chargeFen,
        billable_units: r.billableUnits,
        allowance_used: r.allowanceUsed,
        explanation: r.explanation,
        rated_at: r.ratedAtMs,
      });
    }
    return { rows, rejected };
  },
};
