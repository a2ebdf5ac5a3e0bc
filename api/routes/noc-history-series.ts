import { Type, type Static } from '@sinclair/typebox';
import type { ClickHouse } from '../../infra/clickhouse/index.ts';
import { UnavailableError, ValidationError } from '../errors.ts';

/** At most this many buckets per series in one answer (a day at 60 s is 1,440). */
export const MAX_POINTS = 1500;
/** The longest window one answer covers. */
export const MAX_RANGE_MS = 7 * 86_400_000;
const DAY_SEC = 86_400;

/** Steps the series accept: whole minutes (the table is per minute) that divide a day evenly. */
export const allowedSteps: readonly number[] = Array.from(
  { length: DAY_SEC / 60 },
  (_, i) => (i + 1) * 60,
).filter((s) => DAY_SEC % s === 0);

/** The smallest allowed step giving at most MAX_POINTS buckets over `rangeMs`. */
export function stepFor(rangeMs: number): number {
  const need = Math.ceil(rangeMs / 1000 / MAX_POINTS);
  return allowedSteps.find((s) => s >= need) ?? DAY_SEC;
}

const metricColumn = {
  cdrs: 'cdrs',
  chargeFen: 'charge_fen',
  bytes: 'bytes',
  durationSec: 'duration_sec',
} as const;
const byColumn = { type: 'type', region: 'region' } as const;

export const SeriesBy = Type.Union([Type.Literal('type'), Type.Literal('region')], {
  description: 'group series by service type or by region',
});
export const SeriesMetric = Type.Union(
  [Type.Literal('cdrs'), Type.Literal('chargeFen'), Type.Literal('bytes'), Type.Literal('durationSec')],
  { description: 'what each bucket sums' },
);

/** The columnar, already-grouped part of the history answer (present when `from` is given). */
export const SeriesFields = {
  stepSec: Type.Optional(Type.Integer({ description: 'bucket width in seconds' })),
  by: Type.Optional(SeriesBy),
  metric: Type.Optional(SeriesMetric),
  t: Type.Optional(
    Type.Array(Type.Integer(), {
      description: 'bucket starts (epoch ms), oldest first; only buckets that hold usage',
    }),
  ),
  series: Type.Optional(
    Type.Array(
      Type.Object({
        name: Type.String({ description: 'service type or region' }),
        values: Type.Array(Type.Integer(), { description: 'sum of the metric per bucket, aligned with t' }),
      }),
    ),
  ),
};

export interface SeriesQuery {
  from: number;
  to?: number | undefined;
  step?: number | undefined;
  by: Static<typeof SeriesBy>;
  metric: Static<typeof SeriesMetric>;
}

export interface SeriesAnswer {
  fromMs: number;
  toMs: number;
  stepSec: number;
  by: Static<typeof SeriesBy>;
  metric: Static<typeof SeriesMetric>;
  t: number[];
  series: { name: string; values: number[] }[];
}

/**
 * Checks the window and step together (each alone is checked by the route schema) and returns
 * the window aligned to whole buckets: [from rounded down to the step, to).
 */
export function seriesWindow(
  q: SeriesQuery,
  nowMs: number,
): { fromSec: number; toSec: number; stepSec: number } {
  const to = q.to ?? nowMs;
  if (to <= q.from) throw new ValidationError('/to', 'must be after from');
  if (to - q.from > MAX_RANGE_MS) throw new ValidationError('/from', 'the window may span at most 7 days');
  const stepSec = q.step ?? stepFor(to - q.from);
  if (!allowedSteps.includes(stepSec))
    throw new ValidationError(
      '/step',
      'must be a whole number of minutes that divides a day (60, 300, 900, 3600, …)',
    );
  const fromSec = Math.floor(q.from / 1000 / stepSec) * stepSec;
  const toSec = Math.ceil(to / 1000);
  if (Math.ceil((toSec - fromSec) / stepSec) > MAX_POINTS)
    throw new ValidationError(
      '/step',
      `too fine for this window: at most ${MAX_POINTS} points, use ${stepFor(to - q.from)} or more`,
    );
  return { fromSec, toSec, stepSec };
}

const int = (v: unknown): number => {
  const n = Number(v);
  if (!Number.isSafeInteger(n)) throw new UnavailableError('usage store returned a non-integer');
  return n;
};

/**
 * Usage summed per bucket of `stepSec` and per service or region, in ClickHouse
 * (`GROUP BY toStartOfInterval`), then laid out as columns: one shared time axis and one array
 * per series, zero where a series had no usage in a bucket that others had.
 */
export async function querySeries(ch: ClickHouse, q: SeriesQuery, nowMs: number): Promise<SeriesAnswer> {
  const { fromSec, toSec, stepSec } = seriesWindow(q, nowMs);
  const col = metricColumn[q.metric];
  const key = byColumn[q.by];
  const rs = await ch.client.query({
    query: `SELECT toUnixTimestamp(toStartOfInterval(minute, toIntervalSecond({step:UInt32}))) AS b,
                   ${key} AS k, sum(${col}) AS v
            FROM ${ch.db}.usage_minute
            WHERE minute >= toDateTime({from:UInt32}, 'UTC') AND minute < toDateTime({to:UInt32}, 'UTC')
            GROUP BY b, k ORDER BY b, k`,
    query_params: { step: stepSec, from: fromSec, to: toSec },
    format: 'JSONCompactEachRow',
  });
  const raw = await rs.json<unknown[]>();
  const t: number[] = [];
  const names = new Map<string, number[]>();
  const cells: [number, string, number][] = [];
  for (const r of raw) {
    if (!Array.isArray(r) || r.length !== 3) throw new UnavailableError('usage store returned a bad row');
    const b = int(r[0]) * 1000;
    if (t[t.length - 1] !== b) t.push(b);
    const name = String(r[1]);
    if (!names.has(name)) names.set(name, []);
    cells.push([t.length - 1, name, int(r[2])]);
  }
  for (const values of names.values()) for (let i = 0; i < t.length; i++) values.push(0);
  for (const [i, name, v] of cells) (names.get(name) as number[])[i] = v;
  const series = [...names.entries()]
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([name, values]) => ({ name, values }));
  return { fromMs: fromSec * 1000, toMs: toSec * 1000, stepSec, by: q.by, metric: q.metric, t, series };
}
