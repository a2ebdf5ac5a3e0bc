import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openClickHouse, type ClickHouse } from './client.ts';

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
