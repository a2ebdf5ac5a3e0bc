import {
  existsSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  unlinkSync,
  utimesSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DeliverPolicy } from '@nats-io/jetstream';
import { createApi, seedDemoUsers, type Api } from '../../api/index.ts';
import { decodeBatch, randomIds } from '../../domain/index.ts';
import { loadConfig } from '../../infra/config/index.ts';
import { createLogger } from '../../infra/log/index.ts';
import { createMetrics } from '../../infra/metrics/index.ts';
import { applyTopology, type Nats } from '../../infra/nats/index.ts';
import { INGEST_CONSUMER, processInboxOnce, runNatsIngest, type FileReport } from '../../ingest/index.ts';
import { openTestClickHouse, startTestNats, waitFor } from '../support/env.ts';

const log = createLogger('silent');
let offsetMs = 0;
const clock = { nowMs: () => Date.now() + offsetMs };

const cdr = (seq: number, extra: Record<string, unknown> = {}) => ({
  type: 'voice',
  neId: 'MSC-GD-07',
  recordSeq: seq,
  msisdn: '13800138000',
  imsi: '460001234567890',
  cellId: 'GD-GZ-0012-1',
  startMs: clock.nowMs() - 60_000,
  roaming: false,
  direction: 'mo',
  calledNumber: '075512345678',
  durationSec: 60 + seq,
  ...extra,
});

/** Every CDR id on the CDR stream (the stream is the log of record). */
async function cdrIdsOnStream(n: Nats): Promise<string[]> {
  const info = await n.jsm.streams.info('CDR');
  if (info.state.messages === 0) return [];
  const c = await n.js.consumers.get('CDR', { deliver_policy: DeliverPolicy.All });
  const ids: string[] = [];
  const iter = await c.fetch({ max_messages: info.state.messages, expires: 3000 });
  for await (const m of iter) {
    const env = decodeBatch(m.data);
    if (env.ok) for (const it of env.batch.items) ids.push((it as { cdrId: string }).cdrId);
    if (m.info.pending === 0) break;
  }
  return ids;
}

describe('ingest edge: HTTP batch, CSV inbox, dead letters (real nats-server and ClickHouse)', () => {
  let nats: Awaited<ReturnType<typeof startTestNats>>;
  let chEnv: Awaited<ReturnType<typeof openTestClickHouse>>;
  let api: Api;
  let n: Nats;
  let admin = '';
  const metrics = createMetrics();
  const ac = new AbortController();
  let ingest: Promise<void>;
  const inbox = mkdtempSync(join(tmpdir(), 'sbss-inbox-'));

  beforeAll(async () => {
    nats = await startTestNats();
    n = nats.nats;
    chEnv = await openTestClickHouse();
    await applyTopology(n.nc, n.jsm, [INGEST_CONSUMER]);
    await seedDemoUsers(n, log);
    ingest = runNatsIngest({ nats: n, partitions: 2, clock, log, metrics }, ac.signal);
    api = await createApi({
      config: { ...loadConfig({}), PORT: 0, LOG_LEVEL: 'silent', CDR_PARTITIONS: 2 },
      nats: n,
      ch: chEnv.ch,
      metrics,
      log,
      clock,
      ids: randomIds,
      dashboardDir: '/nonexistent-dashboard',
    });
    admin = await login('admin');
  });
  afterAll(async () => {
    ac.abort();
    await ingest;
    await api?.close();
    await chEnv?.close();
    await nats?.close();
    rmSync(inbox, { recursive: true, force: true });
  });

  async function login(username: string): Promise<string> {
    const res = await api.app.inject({
      method: 'POST',
      url: '/api/v1/auth/login',
      payload: { username, password: `${username}-demo-2026` },
    });
    expect(res.statusCode).toBe(200);
    return res.cookies.find((c) => c.name === 'sbss_session')!.value;
  }
  const post = (body: Buffer | string, cookie = admin) =>
    api.app.inject({
      method: 'POST',
      url: '/api/v1/ingest/cdrs',
      headers: { 'content-type': 'application/x-ndjson' },
      cookies: { sbss_session: cookie },
      payload: body,
    });

  it('HTTP: accepts the good lines, names the reason and field of each bad one, and a re-post changes nothing', async () => {
    const body = Buffer.concat([
      Buffer.from(`${JSON.stringify(cdr(1))}\n`),
      Buffer.from(`${JSON.stringify(cdr(2)).slice(0, 40)}\n`), // truncated
      Buffer.from([0x00, 0xff, 0x13, 0x37, 0x0a]), // binary junk
      Buffer.from([0x7b, 0xc3, 0x28, 0x7d, 0x0a]), // not UTF-8
      Buffer.from(`${JSON.stringify({ ...cdr(3), imei: '1'.repeat(100_000) })}\n`), // huge line
      Buffer.from(`${JSON.stringify(cdr(4, { durationSec: -5 }))}\n`),
      Buffer.from('\n'),
      Buffer.from(`${JSON.stringify(cdr(5))}\r\n`),
    ]);
    const res = await post(body);
    expect(res.statusCode).toBe(200);
    const a = res.json<{ accepted: number; rejected: number; lines: Record<string, unknown>[] }>();
    expect(a).toMatchObject({ accepted: 2, rejected: 5 });
    expect(a.lines.map((l) => [l.line, l.status, l.code ?? null])).toEqual([
      [1, 'accepted', null],
      [2, 'rejected', 'bad_json'],
      [3, 'rejected', 'binary'],
      [4, 'rejected', 'bad_encoding'],
      [5, 'rejected', 'line_too_long'],
      [6, 'rejected', 'schema'],
      [8, 'accepted', null],
    ]);
    expect(a.lines[5]).toMatchObject({ field: '/durationSec' });
    const ids = await cdrIdsOnStream(n);
    expect(ids).toHaveLength(2);

    const again = await post(body);
    expect(again.json()).toMatchObject({ accepted: 2, rejected: 5 });
    expect(await cdrIdsOnStream(n)).toEqual(ids);
    expect((await n.jsm.streams.info('DLQ')).state.messages).toBe(5);
  });

  it('HTTP: refuses callers without an ingest role, and empty or oversized bodies', async () => {
    expect((await post(`${JSON.stringify(cdr(9))}\n`, await login('agent'))).statusCode).toBe(403);
    expect((await post(`${JSON.stringify(cdr(9))}\n`, 'nope')).statusCode).toBe(401);
    const empty = await post('\n\n');
    expect(empty.statusCode).toBe(400);
    expect(empty.json()).toMatchObject({ error: { code: 'VALIDATION_FAILED' } });
    const big = await post(Buffer.alloc(9 * 1024 * 1024, 0x41));
    expect(big.statusCode).toBe(413);
  });

  const drop = (name: string, content: string | Buffer) => {
    const p = join(inbox, name);
    writeFileSync(p, content);
    utimesSync(p, new Date(Date.now() - 10_000), new Date(Date.now() - 10_000));
  };
  const pass = () =>
    processInboxOnce({ nats: n, partitions: 2, clock, log, metrics, dir: inbox, settleMs: 1000 });

  const header = 'type,neId,recordSeq,msisdn,imsi,cellId,startMs,roaming,direction,calledNumber,durationSec';
  const row = (seq: number, cell = 'ZJ-HZ-0003-2') =>
    `voice,MSC-ZJ-02,${seq},13900000001,460001234567891,${cell},${clock.nowMs() - 5000},false,mo,10086,${seq}`;

  it('CSV inbox: imports the good lines of a messy file, moves it to done/ with a report, never twice', async () => {
    const before = (await cdrIdsOnStream(n)).length;
    const content = Buffer.concat([
      Buffer.from(`${header}\n${row(1)}\n${row(2)}\n`),
      Buffer.from(`${row(3).slice(0, 30)}\n`), // truncated
      Buffer.from([0xde, 0xad, 0xbe, 0xef, 0x00, 0x0a]), // binary
      Buffer.from(`${row(4, 'XX-YY-0001-1')}\n`), // unknown cell
      Buffer.from(`voice,MSC-ZJ-02,5,${'9'.repeat(70_000)}\n`), // huge
      Buffer.from(`${row(6)}`), // no final newline
    ]);
    drop('day1.csv', content);
    const [report] = (await pass()) as [FileReport];
    expect(report).toMatchObject({ status: 'done', accepted: 3, rejected: 4 });
    expect(report.rejections.map((r) => [r.line, r.code])).toEqual([
      [4, 'bad_csv'],
      [5, 'binary'],
      [6, 'unknown_cell'],
      [7, 'line_too_long'],
    ]);
    expect(existsSync(join(inbox, 'day1.csv'))).toBe(false);
    expect(existsSync(join(inbox, 'done', 'day1.csv'))).toBe(true);
    const saved = JSON.parse(readFileSync(join(inbox, 'done', 'day1.csv.report.json'), 'utf8')) as FileReport;
    expect(saved.accepted).toBe(3);
    expect(await cdrIdsOnStream(n)).toHaveLength(before + 3);

    drop('day1-copy.csv', content);
    const [dup] = (await pass()) as [FileReport];
    expect(dup).toMatchObject({ status: 'duplicate', duplicateOf: 'day1.csv', accepted: 0 });
    expect(await cdrIdsOnStream(n)).toHaveLength(before + 3);
  });

  it('CSV inbox: a crash before the file was marked imports it again without doubling anything', async () => {
    const before = await cdrIdsOnStream(n);
    const dlqBefore = (await n.jsm.streams.info('DLQ')).state.messages;
    const content = `${header}\n${row(10)}\n${row(11)}\n${row(12, 'nowhere')}\n`;
    drop('day2.csv', content);
    const [first] = (await pass()) as [FileReport];
    expect(first).toMatchObject({ status: 'done', accepted: 2, rejected: 1 });
    // As if the process died after publishing, before marking and moving the file:
    unlinkSync(join(inbox, '.processed', `${first.sha256}.json`));
    drop('day2.csv', content);
    const [second] = (await pass()) as [FileReport];
    expect(second).toMatchObject({ status: 'done', accepted: 2, rejected: 1 });
    expect(await cdrIdsOnStream(n)).toHaveLength(before.length + 2);
    expect((await n.jsm.streams.info('DLQ')).state.messages).toBe(dlqBefore + 1);
    expect(readdirSync(join(inbox, 'done')).filter((f) => f.startsWith('day2'))).toHaveLength(4);
  });

  it('CSV inbox: an empty file and a file with an unknown header fail whole, with the reason', async () => {
    drop('empty.csv', '');
    drop('weird.csv', 'foo,bar\n1,2\n');
    const reports = await pass();
    expect(reports.map((r) => [r.file, r.status, r.code])).toEqual([
      ['empty.csv', 'failed', 'empty_file'],
      ['weird.csv', 'failed', 'bad_header'],
    ]);
    expect(existsSync(join(inbox, 'failed', 'empty.csv.report.json'))).toBe(true);
  });

  it('dead letters: listed by reason with counts, in /metrics, and reprocessed once the record became valid', async () => {
    const list = await api.app.inject({
      method: 'GET',
      url: '/api/v1/dead-letters?source=http',
      cookies: { sbss_session: admin },
    });
    expect(list.statusCode).toBe(200);
    const l = list.json<{
      total: number;
      counts: { code: string; count: number }[];
      entries: { code: string }[];
    }>();
    expect(l.total).toBe(5);
    expect(l.counts.map((c) => c.code).sort()).toEqual([
      'bad_encoding',
      'bad_json',
      'binary',
      'line_too_long',
      'schema',
    ]);
    const metricsText = (await api.app.inject({ method: 'GET', url: '/metrics' })).body;
    expect(metricsText).toMatch(/streambss_dead_letters_pending\{source="file",code="unknown_cell"\} 2/);

    // A CDR from 10 minutes in the future is refused; once the clock caught up it is valid.
    const future = cdr(77, { startMs: clock.nowMs() + 600_000 });
    const res = await post(`${JSON.stringify(future)}\n`);
    expect(res.json()).toMatchObject({ rejected: 1, lines: [{ code: 'future_time', field: '/startMs' }] });
    const before = await cdrIdsOnStream(n);
    offsetMs += 700_000;
    const rp = await api.app.inject({
      method: 'POST',
      url: '/api/v1/dead-letters/reprocess',
      cookies: { sbss_session: admin },
      payload: { code: 'future_time' },
    });
    expect(rp.json()).toEqual({ republished: 1, failed: [] });
    await waitFor(async () => (await cdrIdsOnStream(n)).length === before.length + 1, 20_000);
    const after = await api.app.inject({
      method: 'GET',
      url: '/api/v1/dead-letters?code=future_time',
      cookies: { sbss_session: admin },
    });
    expect(after.json()).toMatchObject({ total: 0, entries: [] });

    // Junk stays junk: refusing to reprocess it says why.
    const junk = await api.app.inject({
      method: 'GET',
      url: '/api/v1/dead-letters?code=binary&source=http',
      cookies: { sbss_session: admin },
    });
    const seq = junk.json<{ entries: { seq: number }[] }>().entries[0]!.seq;
    const refused = await api.app.inject({
      method: 'POST',
      url: '/api/v1/dead-letters/reprocess',
      cookies: { sbss_session: await login('noc') },
      payload: { seq },
    });
    expect(refused.statusCode).toBe(400);
    expect(refused.json()).toMatchObject({ error: { field: '/seq' } });
    const agent = await api.app.inject({
      method: 'POST',
      url: '/api/v1/dead-letters/reprocess',
      cookies: { sbss_session: await login('agent') },
      payload: { seq },
    });
    expect(agent.statusCode).toBe(403);
  });
});
