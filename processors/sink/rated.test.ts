import { describe, expect, it } from 'vitest';
import type { RatedCdr } from '../../domain/index.ts';
import type { LedgerEntry, RatingNotification } from '../../domain/rating/index.ts';
import type { ArrayRows, SinkMessage, TableRows } from '../../infra/clickhouse/index.ts';
import { appendRated, usageEntryOf, type RatingOutput } from '../rating/index.ts';
import { ratedCdrSink } from './rated.ts';

const common = {
  neId: 'MSC-GD-01',
  msisdn: '+8613800138000',
  imsi: '460001234567890',
  cellId: 'GD-GZ-0012-1',
  startMs: 1_790_000_000_000,
  roaming: false,
  region: 'GD',
};
const plan = { planId: 'dazhongka-8', planVersion: 2, ratedAtMs: 1_790_000_090_000 };
const voice = {
  cdr: {
    ...common,
    type: 'voice',
    recordSeq: 1,
    direction: 'mo',
    calledNumber: '+8613900139000',
    durationSec: 75,
    cdrId: 'cdr-v',
  },
  ...plan,
  chargeFen: 30,
  billableUnits: 78,
  unit: 'sec',
  allowanceUsed: 0,
  balanceAfterFen: 970,
  // Quotes, a backslash, a newline and Chinese: the row encoding must carry them unchanged.
  explanation: 'dest=national;win=peak "q" \\ \n 通话',
  breakdownJson: '{"dest":"national"}',
} as RatedCdr;
const sms = {
  cdr: {
    ...common,
    type: 'sms',
    recordSeq: 2,
    direction: 'mt',
    calledNumber: '+8613900139001',
    cdrId: 'cdr-s',
  },
  ...plan,
  chargeFen: 0,
  billableUnits: 1,
  unit: 'sms',
  allowanceUsed: 1,
  balanceAfterFen: 970,
  explanation: 'win=peak;free=1',
} as RatedCdr;
const data = {
  cdr: {
    ...common,
    type: 'data',
    recordSeq: 3,
    roaming: true,
    apn: 'cmnet',
    durationSec: 600,
    bytesUp: 1_000,
    bytesDown: 2_000_000_000,
    cdrId: 'cdr-d',
  },
  ...plan,
  chargeFen: 250,
  billableUnits: 2_000_001_024,
  unit: 'byte',
  allowanceUsed: 0,
  balanceAfterFen: 720,
  explanation: 'win=peak;inc=1024/1024',
} as RatedCdr;

const usage = usageEntryOf;
const notice: RatingNotification = {
  key: 'n:1',
  msisdn: common.msisdn,
  kind: 'allowance_80',
  service: 'data',
  atMs: 1_790_000_000_000,
  params: { percent: 80 },
} as RatingNotification;

function message(items: unknown[], extra?: (o: RatingOutput) => void): SinkMessage {
  const o: RatingOutput = {
    v: 1,
    batchId: 'rt-p0-9',
    partition: 0,
    inputSeq: 9,
    items: [],
    ledger: [],
    notifications: [],
  };
  for (const r of items) appendRated(o, r as RatedCdr, [usage(r as RatedCdr)], []);
  extra?.(o);
  return { data: Buffer.from(JSON.stringify(o)), seq: 41 };
}

/** What ClickHouse would read from the lines the sink sends: rows keyed by column. */
function asObjects(rows: TableRows | undefined): Record<string, unknown>[] {
  const r = rows as ArrayRows;
  return r.values.map((v) => {
    const parsed = JSON.parse(JSON.stringify(v)) as unknown[];
    return Object.fromEntries(r.columns.map((c, i) => [c, parsed[i]]));
  });
}

describe('rated sink rows', () => {
  it('writes each CDR type into cdr_rated with the fields of its own type and zero or empty for the rest', () => {
    const out = ratedCdrSink.toRows(message([voice, sms, data]));
    if ('reject' in out) throw new Error(out.reject);
    const [v, s, d] = asObjects(out.rows);
    expect(v).toEqual({
      cdr_id: 'cdr-v',
      msisdn: '+8613800138000',
      type: 'voice',
      start_time: 1_790_000_000_000,
      duration_sec: 75,
      bytes_up: 0,
      bytes_down: 0,
      called: '+8613900139000',
      region: 'GD',
      cell_id: 'GD-GZ-0012-1',
      roaming: 0,
      plan_id: 'dazhongka-8',
      plan_version: 2,
      charge_fen: 30,
      billable_units: 78,
      allowance_used: 0,
      explanation: 'dest=national;win=peak "q" \\ \n 通话',
      breakdown: '{"dest":"national"}',
      direction: 'mo',
      apn: '',
      ne_id: 'MSC-GD-01',
      rated_at: 1_790_000_090_000,
    });
    expect(s).toMatchObject({
      type: 'sms',
      duration_sec: 0,
      called: '+8613900139001',
      direction: 'mt',
      breakdown: '',
    });
    expect(d).toMatchObject({
      type: 'data',
      duration_sec: 600,
      bytes_up: 1_000,
      bytes_down: 2_000_000_000,
      called: '',
      direction: '',
      apn: 'cmnet',
      roaming: 1,
    });
  });

  it('writes one ledger row per entry in the order the balance moved, and notices as they came', () => {
    const fee: LedgerEntry = { ...usage(voice), key: 'fee:+8613800138000:1', kind: 'fee', amountFen: 800 };
    delete fee.service;
    delete fee.allowanceUnits;
    const out = ratedCdrSink.toRows(
      message([voice, data], (o) => {
        o.ledger.push(fee);
        o.notifications.push(notice);
      }),
    );
    if ('reject' in out) throw new Error(out.reject);
    const ledger = asObjects(out.also?.ledger);
    expect(ledger.map((l) => [l.ord, l.key, l.amount_fen, l.balance_after_fen, l.service])).toEqual([
      [0, 'cdr:cdr-v', 30, 970, 'voice'],
      [1, 'cdr:cdr-d', 250, 720, 'data'],
      [2, 'fee:+8613800138000:1', 800, 970, ''],
    ]);
    expect(ledger[2]).toMatchObject({
      kind: 'fee',
      direction: 'debit',
      allowance_units: 0,
      at: 1_790_000_000_000,
    });
    expect(out.refused).toEqual([]);
    expect(out.also?.charging_notifications).toEqual([
      {
        key: 'n:1',
        msisdn: common.msisdn,
        kind: 'allowance_80',
        service: 'data',
        at: 1_790_000_000_000,
        params: '{"percent":80}',
      },
    ]);
  });

  it('refuses a ledger entry or notice that fails its schema, naming it, and writes the rest', () => {
    const fee: LedgerEntry = { ...usage(voice), key: 'fee:+8613800138000:1', kind: 'fee', amountFen: -800 };
    const out = ratedCdrSink.toRows(
      message([voice, data], (o) => {
        o.ledger.push(fee);
        o.notifications.push(notice, { ...notice, key: 'n:2', kind: 'no_such_kind' } as never);
      }),
    );
    if ('reject' in out) throw new Error(out.reject);
    expect(asObjects(out.also?.ledger).map((l) => l.key)).toEqual(['cdr:cdr-v', 'cdr:cdr-d']);
    expect(out.also?.charging_notifications).toHaveLength(1);
    expect(out.refused).toEqual([
      { table: 'ledger', reason: expect.stringContaining('ledger[2]/amountFen') as string },
      { table: 'charging_notifications', reason: expect.stringContaining('notifications[1]/kind') as string },
    ]);
    expect(asObjects(out.rows)).toHaveLength(2);
    expect(out.rejected).toEqual([]);
  });

  it('rejects a bad item by index, naming the field, and keeps the good rows beside it', () => {
    const bad = { ...sms, chargeFen: -5 };
    const out = ratedCdrSink.toRows(message([voice, bad, data]));
    if ('reject' in out) throw new Error(out.reject);
    expect(asObjects(out.rows).map((r) => r.cdr_id)).toEqual(['cdr-v', 'cdr-d']);
    expect(out.rejected).toEqual([{ index: 1, reason: expect.stringContaining('/chargeFen') as string }]);
  });

  it('rejects a message that is not a rating output at all', () => {
    const out = ratedCdrSink.toRows({ data: Buffer.from('{"v":1,"items":'), seq: 1 });
    expect(out).toMatchObject({ reject: expect.any(String) as string });
  });
});
