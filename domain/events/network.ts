import { Type, type Static } from '@sinclair/typebox';
import { Closed, EpochMs, Id, Region, ShortText } from './common.ts';

export const Severity = Type.Union(
  ['critical', 'major', 'minor', 'warning', 'indeterminate'].map((v) => Type.Literal(v)),
);
export type Severity = Static<typeof Severity>;

/** A network element alarm raise or clear (告警), X.733 style. */
export const NeAlarm = Closed(
  {
    alarmId: Id,
    neId: Id,
    siteId: Id,
    cellId: Type.Optional(Id),
    region: Region,
    /** X.733 probable cause, e.g. 'power_failure', 'link_down', 'cell_unavailable'. */
    probableCause: ShortText,
    severity: Severity,
    state: Type.Union([Type.Literal('raise'), Type.Literal('clear')]),
    text: Type.Optional(Type.String({ maxLength: 500 })),
    atMs: EpochMs,
  },
  { $id: 'NeAlarm' },
);
export type NeAlarm = Static<typeof NeAlarm>;

export const KpiMetric = Type.Union(
  ['call_drop_rate', 'attach_success_rate', 'throughput_mbps', 'congestion_rate'].map((v) => Type.Literal(v)),
);
export type KpiMetric = Static<typeof KpiMetric>;

/** One KPI sample for a cell over a measurement period. Rates are 0..1, throughput in Mbit/s. */
export const KpiSample = Closed(
  {
    neId: Id,
    cellId: Id,
    region: Region,
    metric: KpiMetric,
    value: Type.Number({ minimum: 0, maximum: 100_000 }),
    periodSec: Type.Integer({ minimum: 1, maximum: 86_400 }),
    atMs: EpochMs,
  },
  { $id: 'KpiSample' },
);
export type KpiSample = Static<typeof KpiSample>;
