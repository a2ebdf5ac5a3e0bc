import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openClickHouse, type ClickHouse } from './client.ts';
import { nativeBlockEncoder } from './native-block.ts';

let ch: ClickHouse;
let dir: string;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'sbss-ch-raw-'));
  ch = await openClickHouse({ database: 'streambss', embeddedPath: dir });
  await ch.client.command({
    query: `CREATE TABLE ${ch.db}.t (k String, n Int64, s String) ENGINE = ReplacingMergeTree ORDER BY k`,
  });
  // A background merge would collapse duplicates too and hide what an insert itself did.
  await ch.client.command({ query: `SYSTEM STOP MERGES ${ch.db}.t` });
});

afterAll(async () => {
  await ch.close();
  rmSync(dir, { recursive: true, force: true });
});

const lines = (rows: unknown[][]) => Buffer.from(rows.map((r) => JSON.stringify(r)).join('\n'));
const read = async (sql: string) => (await ch.client.query({ query: sql, format: 'JSONEachRow' })).json();

describe('insertRaw (embedded)', () => {
  it('stores text with newlines, tabs, quotes and Chinese as sent, in the named columns', async () => {
    const s = '通话 3分12秒\n"本地"\t\\ 高峰';
    await ch.insertRaw({ table: `${ch.db}.t`, columns: ['s', 'k', 'n'], body: lines([[s, 'a', -5]]) });
    expect(await read(`SELECT k, toString(n) AS n, s FROM ${ch.db}.t WHERE k = 'a'`)).toEqual([
      { k: 'a', n: '-5', s },
    ]);
  });

  it('applies its settings to that insert only, not to the session', async () => {
    const dup = lines([
      ['d', 1, 'x'],
      ['d', 2, 'y'],
    ]);
    await ch.insertRaw({
      table: `${ch.db}.t`,
      columns: ['k', 'n', 's'],
      body: dup,
      settings: { optimize_on_insert: 0 },
    });
    // Without collapsing at insert time both rows are in the new part.
    expect(await read(`SELECT toString(n) AS n FROM ${ch.db}.t WHERE k = 'd' ORDER BY n`)).toEqual([
      { n: '1' },
      { n: '2' },
    ]);
    await ch.insertRaw({
      table: `${ch.db}.t`,
      columns: ['k', 'n', 's'],
      body: lines([
        ['e', 1, 'x'],
        ['e', 2, 'y'],
      ]),
    });
    // The next insert, without the setting, collapses its block as ClickHouse does by default.
    expect(await read(`SELECT toString(n) AS n FROM ${ch.db}.t WHERE k = 'e'`)).toEqual([{ n: '2' }]);
  });

  it('refuses a malformed body with a ClickHouse error and inserts nothing of it', async () => {
    const body = Buffer.from('["f",1,"ok"]\n["g","not a number","x"]');
    await expect(ch.insertRaw({ table: `${ch.db}.t`, columns: ['k', 'n', 's'], body })).rejects.toThrow();
    expect(await read(`SELECT k FROM ${ch.db}.t WHERE k IN ('f', 'g')`)).toEqual([]);
  });
});

describe('insertRaw as a Native block (embedded)', () => {
  const cols = [
    ['id', 'String'],
    ['who', 'LowCardinality(String)'],
    ['at', "DateTime64(3, 'UTC')"],
    ['n', 'Int64'],
    ['u', 'UInt64'],
    ['small', 'UInt8'],
    ['d', 'UInt32'],
  ] as const;
  const ddl = cols.map(([c, t]) => `${c} ${t}`).join(', ');
  const names = cols.map(([c]) => c);
  const encode = nativeBlockEncoder(
    'r',
    cols.map(([name, type]) => ({ name, type })),
  )!;
  const text = '通话 3分12秒\n"本地"\t\\ 高峰 😀 \'q\'';
  const sample: unknown[][] = [
    ['a', '+8613800000001', Date.UTC(2026, 10, 27, 8, 30, 0, 123), -12345, 2 ** 53 - 1, 1, 4_000_000_000],
    [text, text, Date.UTC(2000, 0, 1), 0, 0, 0, 0],
    ['x'.repeat(300), '', Date.UTC(2099, 11, 31, 23, 59, 59, 999), 2 ** 40, 7, 255, 1],
  ];
  const insertBinary = (body: Buffer) =>
    ch.insertRaw({ table: `${ch.db}.r_bin`, columns: names, body, format: 'Native' });
  const dump = async (t: string) =>
    (
      await ch.client.query({
        query: `SELECT * FROM ${ch.db}.${t} ORDER BY id`,
        format: 'JSONCompactEachRow',
      })
    ).json();

  beforeAll(async () => {
    for (const t of ['r_json', 'r_bin'])
      await ch.client.command({
        query: `CREATE TABLE ${ch.db}.${t} (${ddl}) ENGINE = MergeTree ORDER BY id`,
      });
  });

  it('stores the same values as the same rows sent as JSON', async () => {
    await ch.insertRaw({ table: `${ch.db}.r_json`, columns: names, body: lines(sample) });
    await insertBinary(encode(sample));
    const json = await dump('r_json');
    expect(json).toHaveLength(3);
    expect(await dump('r_bin')).toEqual(json);
    expect(await read(`SELECT toString(at) AS at FROM ${ch.db}.r_bin WHERE id = 'a'`)).toEqual([
      { at: '2026-11-27 08:30:00.123' },
    ]);
  });

  it('writes the bytes ClickHouse itself writes for the same block', async () => {
    // ClickHouse's own Native output of the rows, LowCardinality read as String (as we send it).
    const plain = cols.map(([c, t]) => (t.startsWith('LowCardinality') ? `CAST(${c} AS String) AS ${c}` : c));
    const out = join(dir, 'oracle.native');
    await ch.client.command({
      query: `INSERT INTO FUNCTION file('${out}', 'Native') SELECT ${plain.join(', ')} FROM ${ch.db}.r_json ORDER BY id`,
    });
    const sorted = [...sample].sort((a, b) =>
      Buffer.compare(Buffer.from(String(a[0])), Buffer.from(String(b[0]))),
    );
    expect(encode(sorted).toString('hex')).toBe(readFileSync(out).toString('hex'));
  });

  it('lands a large insert as one part, and leaves no spool file behind', async () => {
    await ch.client.command({ query: `TRUNCATE TABLE ${ch.db}.r_bin` });
    await ch.client.command({ query: `SYSTEM STOP MERGES ${ch.db}.r_bin` });
    const many = Array.from({ length: 150_000 }, (_, i) => [
      `k${i}`,
      'w',
      1_800_000_000_000 + i,
      i,
      i,
      i % 2,
      i,
    ]);
    await insertBinary(encode(many));
    expect(
      await read(
        `SELECT toString(count()) AS parts, toString(sum(rows)) AS rows FROM system.parts
         WHERE database = '${ch.db}' AND table = 'r_bin' AND active`,
      ),
    ).toEqual([{ parts: '1', rows: '150000' }]);
    expect(readdirSync(join(dir, 'insert-spool'))).toEqual([]);
    await ch.client.command({ query: `SYSTEM START MERGES ${ch.db}.r_bin` });
  });

  it('refuses a truncated body with a ClickHouse error, inserts nothing of it and removes its file', async () => {
    await ch.client.command({ query: `TRUNCATE TABLE ${ch.db}.r_bin` });
    const body = encode(sample);
    await expect(insertBinary(body.subarray(0, body.length - 3))).rejects.toThrow(/Cannot read all data/);
    expect(await read(`SELECT toString(count()) AS n FROM ${ch.db}.r_bin`)).toEqual([{ n: '0' }]);
    expect(readdirSync(join(dir, 'insert-spool'))).toEqual([]);
  });

  it('refuses a column name that is not a plain identifier before running anything', async () => {
    await expect(
      ch.insertRaw({
        table: `${ch.db}.r_bin`,
        columns: ['id); DROP TABLE x; --'],
        body: Buffer.from([0]),
        format: 'Native',
      }),
    ).rejects.toThrow(/is not a plain name/);
  });

  it('removes spool files of a process that is gone when ClickHouse is opened', async () => {
    await ch.close();
    const spool = join(dir, 'insert-spool');
    // pid 2^22+1 is above Linux's pid_max: no such process.
    writeFileSync(join(spool, '4194305-1.native'), 'left by a crash');
    writeFileSync(join(spool, `${process.pid}-999999.native`), 'in flight here');
    ch = await openClickHouse({ database: 'streambss', embeddedPath: dir });
    expect(readdirSync(spool)).toEqual([`${process.pid}-999999.native`]);
  });
});
