import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApi, seedDemoUsers, type Api } from '../../api/index.ts';
import { randomIds, systemClock } from '../../domain/index.ts';
import { loadConfig } from '../../infra/config/index.ts';
import { createLogger } from '../../infra/log/index.ts';
import { createMetrics } from '../../infra/metrics/index.ts';
import { applyTopology } from '../../infra/nats/index.ts';
import { openTestClickHouse, startTestNats } from '../support/env.ts';

const log = createLogger('silent');
/** The seeded day, 2026-05-01 00:00 UTC. */
const DAY = Date.UTC(2026, 4, 1);
const MIN = 60_000;
const regions = ['BJ', 'GD', 'SH'];
const types = ['data', 'sms', 'voice'];

interface UsageRow {
  minute: number;
  region: string;
  type: string;
  cdrs: number;
  charge_fen: number;
  bytes: number;
  duration_sec: number;
}

/** A day of per-minute rows (3 regions × 3 services), plus one region with usage in one minute only. */
function dayRows(): UsageRow[] {
  const out: UsageRow[] = [];
  for (let i = 0; i < 1440; i++)
    regions.forEach((region, r) =>
      types.forEach((type, ty) =>
        out.push({
          minute: DAY + i * MIN,
          region,
          type,
          cdrs: 1 + ((i * 7 + r * 3 + ty) % 11),
          charge_fen: 10 * (i % 5) + r + ty,
          bytes: type === 'data' ? 1000 * (1 + ((i + r) % 13)) : 0,
          duration_sec: type === 'voice' ? 60 + (i % 7) : 0,
        }),
      ),
    );
  out.push({
    minute: DAY + 100 * MIN,
    region: 'XZ',
    type: 'voice',
    cdrs: 5,
    charge_fen: 7,
    bytes: 0,
    duration_sec: 9,
  });
  return out;
}

type Answer = {
  fromMs: number;
  toMs: number;
  stepSec: number;
  t: number[];
  series: { name: string; values: number[] }[];
};

/** The same sums computed here, bucket by bucket, from the rows inserted. */
function expected(
  rows: UsageRow[],
  fromMs: number,
  toMs: number,
  stepSec: number,
  by: 'region' | 'type',
  col: 'cdrs' | 'charge_fen' | 'bytes' | 'duration_sec',
) {
  const stepMs = stepSec * 1000;
  const sums = new Map<string, Map<number, number>>();
  for (const r of rows) {
    if (r.minute < fromMs || r.minute >= toMs) continue;
    const b = Math.floor(r.minute / stepMs) * stepMs;
    const m = sums.get(r[by]) ?? new Map<number, number>();
    sums.set(r[by], m);
    m.set(b, (m.get(b) ?? 0) + r[col]);
  }
  const t = [...new Set([...sums.values()].flatMap((m) => [...m.keys()]))].sort((a, b) => a - b);
  const series = [...sums.keys()].sort().map((name) => ({
    name,
    values: t.map((b) => sums.get(name)?.get(b) ?? 0),
  }));
  return { t, series };
}

describe('NOC history as columns per bucket (real embedded ClickHouse)', () => {
  let nats: Awaited<ReturnType<typeof startTestNats>>;
  let chEnv: Awaited<ReturnType<typeof openTestClickHouse>>;
  let api: Api;
  const cookies: Record<string, string> = {};
  const rows = dayRows();
  // the newest minutes, for the rows-per-minute shape that reads back from now
  const recent = Math.floor(Date.now() / MIN) * MIN - 5 * MIN;
  const recentRows: UsageRow[] = types.map((type, i) => ({
    minute: recent,
    region: 'BJ',
    type,
    cdrs: 3 + i,
    charge_fen: 40,
    bytes: 0,
    duration_sec: 0,
  }));

  const get = (url: string, user = 'noc') =>
    api.app.inject({ url, headers: { cookie: cookies[user] ?? '' } });
  const history = async (q: string): Promise<Answer> => {
    const res = await get(`/api/v1/noc/history?${q}`);
    expect(res.statusCode, res.body).toBe(200);
    return res.json() as Answer;
  };

  beforeAll(async () => {
    nats = await startTestNats();
    chEnv = await openTestClickHouse();
    await applyTopology(nats.nats.nc, nats.nats.jsm, []);
    await seedDemoUsers(nats.nats, log);
    api = await createApi({
      config: { ...loadConfig({}), PORT: 0, LOG_LEVEL: 'silent' },
      nats: nats.nats,
      ch: chEnv.ch,
      metrics: createMetrics(),
      log,
      clock: systemClock,
      ids: randomIds,
      dashboardDir: '/nonexistent',
    });
    for (const u of ['noc', 'agent']) {
      const res = await api.app.inject({
        method: 'POST',
        url: '/api/v1/auth/login',
        payload: { username: u, password: `${u}-demo-2026` },
      });
      cookies[u] = `sbss_session=${res.cookies.find((c) => c.name === 'sbss_session')?.value}`;
    }
    const toRow = (r: UsageRow) => ({ ...r, minute: Math.floor(r.minute / 1000) });
    // two inserts: the second repeats one hour, as unmerged SummingMergeTree parts would hold it
    const repeat = rows.filter((r) => r.minute >= DAY + 600 * MIN && r.minute < DAY + 660 * MIN);
    // usage just outside the day on both sides must not count
    const outside = [DAY - MIN, DAY + 1440 * MIN].map((minute) => ({ ...rows[0], minute }) as UsageRow);
    for (const batch of [[...rows, ...outside, ...recentRows], repeat])
      await chEnv.ch.client.insert({
        table: `${chEnv.ch.db}.usage_minute`,
        values: batch.map(toRow),
        format: 'JSONEachRow',
      });
    rows.push(...repeat);
  });
  afterAll(async () => {
    await api?.close();
    await chEnv?.close();
    await nats?.close();
  });

  it('sums a day into 5-minute buckets per service, exactly, in at most 1,500 points', async () => {
    const a = await history(`from=${DAY}&to=${DAY + 86_400_000}&step=300&by=type&metric=cdrs`);
    expect(a.stepSec).toBe(300);
    expect([a.fromMs, a.toMs]).toEqual([DAY, DAY + 86_400_000]);
    expect(a.t).toHaveLength(288);
    expect(a.t.slice(0, 3)).toEqual([DAY, DAY + 300_000, DAY + 600_000]);
    expect(a.series.map((s) => s.name)).toEqual(types);
    expect({ t: a.t, series: a.series }).toEqual(expected(rows, DAY, DAY + 86_400_000, 300, 'type', 'cdrs'));
    // the repeated hour counts twice, as its two parts say
    const k = a.t.indexOf(DAY + 600 * MIN);
    const once = expected(rows.slice(0, 1440 * 9 + 1), DAY, DAY + 86_400_000, 300, 'type', 'cdrs');
    expect(a.series[0]?.values[k]).toBe(2 * (once.series[0]?.values[k] ?? 0));
  });

  it('by region with hourly buckets and charge; a region seen in one minute is zero elsewhere', async () => {
    const a = await history(`from=${DAY}&to=${DAY + 86_400_000}&step=3600&by=region&metric=chargeFen`);
    expect(a.t).toHaveLength(24);
    expect(a.series.map((s) => s.name)).toEqual([...regions, 'XZ']);
    expect({ t: a.t, series: a.series }).toEqual(
      expected(rows, DAY, DAY + 86_400_000, 3600, 'region', 'charge_fen'),
    );
    const xz = a.series.find((s) => s.name === 'XZ')?.values ?? [];
    expect(xz.filter((v) => v !== 0)).toEqual([7]);
    expect(xz[1]).toBe(7); // minute 100 is in the second hour
  });

  it('aligns an uneven window down to whole buckets and picks the finest step by itself', async () => {
    const from = DAY + 90 * MIN + 17_000;
    const to = DAY + 180 * MIN;
    const a = await history(`from=${from}&to=${to}&step=900&by=region&metric=bytes`);
    expect(a.fromMs).toBe(DAY + 90 * MIN);
    expect(a.t).toEqual([90, 105, 120, 135, 150, 165].map((m) => DAY + m * MIN));
    expect({ t: a.t, series: a.series }).toEqual(expected(rows, DAY + 90 * MIN, to, 900, 'region', 'bytes'));
    const day = await history(`from=${DAY}&to=${DAY + 86_400_000}&metric=durationSec`);
    expect(day.stepSec).toBe(60);
    expect(day.t).toHaveLength(1440);
    expect({ t: day.t, series: day.series }).toEqual(
      expected(rows, DAY, DAY + 86_400_000, 60, 'type', 'duration_sec'),
    );
    const week = await history(`from=${DAY - 6 * 86_400_000}&to=${DAY + 86_400_000}`);
    expect(week.stepSec).toBe(480);
    expect(week.t.length).toBeLessThanOrEqual(1500);
  });

  it('keeps the rows-per-minute shape for `minutes` back from now', async () => {
    const res = await get('/api/v1/noc/history?minutes=30');
    expect(res.statusCode).toBe(200);
    const body = res.json() as { rows: { minuteMs: number; region: string; type: string; cdrs: number }[] };
    expect(body.rows.map((r) => [r.minuteMs, r.region, r.type, r.cdrs])).toEqual(
      recentRows.map((r) => [recent, 'BJ', r.type, r.cdrs]),
    );
  });

  it('answers bad parameters with 400 naming the field, and other roles with 403', async () => {
    const bad: [string, string][] = [
      [`from=${DAY}&to=${DAY + 86_400_000}&step=90`, '/step'],
      [`from=${DAY}&to=${DAY + 86_400_000}&step=30`, '/step'],
      [`from=${DAY - 6 * 86_400_000}&to=${DAY + 86_400_000}&step=60`, '/step'],
      [`from=${DAY}&to=${DAY - 1}`, '/to'],
      [`from=${DAY - 8 * 86_400_000}&to=${DAY}`, '/from'],
      [`from=yesterday`, '/from'],
      [`from=-5&to=${DAY}`, '/from'],
      [`from=${DAY}&to=${DAY + MIN}&by=cell`, '/by'],
      [`from=${DAY}&to=${DAY + MIN}&metric=profit`, '/metric'],
      [`from=${DAY}&to=${DAY + MIN}&colour=red`, '/colour'],
      [`from=${DAY}&minutes=60`, '/minutes'],
      [`step=300`, '/from'],
      [`minutes=0`, '/minutes'],
    ];
    for (const [q, field] of bad) {
      const res = await get(`/api/v1/noc/history?${q}`);
      expect([q, res.statusCode]).toEqual([q, 400]);
      const body = res.json() as { error: { code: string; field?: string } };
      expect([q, body.error.code, body.error.field]).toEqual([q, 'VALIDATION_FAILED', field]);
    }
    const agent = await get(`/api/v1/noc/history?from=${DAY}&to=${DAY + MIN}`, 'agent');
    expect(agent.statusCode).toBe(403);
  });
});
