import { describe, it, expect } from 'vitest';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { EXIT_REFUSED_LINES, main } from './offline.ts';

const CATALOG = fileURLToPath(new URL('../../catalog/default.json', import.meta.url));
const T = Date.UTC(2025, 2, 3, 2, 0, 0); // 10:00 Shanghai, 3 March 2025
const base = {
  neId: 'msc-bj-1',
  imsi: '460001234567890',
  cellId: 'BJ-BJ-0001-1',
  region: 'BJ',
  roaming: false,
};
const A = '+8613800138000';
const B = '+8613900139000';

function run(args: string[]) {
  const out: string[] = [];
  const err: string[] = [];
  return main(args, { out: (l) => out.push(l), err: (l) => err.push(l) }).then((code) => ({
    code,
    out,
    err,
  }));
}

describe('offline rater', () => {
  const dir = mkdtempSync(join(tmpdir(), 'rate-'));
  const cdrs = join(dir, 'cdrs.ndjson');
  const state = join(dir, 'state.json');
  writeFileSync(
    state,
    JSON.stringify([
      { msisdn: A, planId: 'changxiang-128', activatedAtMs: Date.UTC(2025, 1, 28, 16) },
      { msisdn: B, planId: 'dazhongka-8', activatedAtMs: Date.UTC(2025, 1, 28, 16), openingBalanceFen: 2000 },
    ]),
  );
  const lines = [
    {
      ...base,
      type: 'voice',
      recordSeq: 1,
      cdrId: 'c1',
      msisdn: A,
      startMs: T,
      direction: 'mo',
      calledNumber: '+8613912345678',
      durationSec: 192,
    },
    {
      ...base,
      type: 'sms',
      recordSeq: 2,
      cdrId: 'c2',
      msisdn: B,
      startMs: T + 1000,
      direction: 'mo',
      calledNumber: '+442071234567',
    },
    {
      ...base,
      type: 'voice',
      recordSeq: 3,
      cdrId: 'c3',
      msisdn: A,
      startMs: T,
      direction: 'mo',
      calledNumber: '+8613912345678',
      durationSec: -5,
    },
    {
      ...base,
      type: 'voice',
      recordSeq: 1,
      cdrId: 'c1',
      msisdn: A,
      startMs: T,
      direction: 'mo',
      calledNumber: '+8613912345678',
      durationSec: 192,
    },
    {
      ...base,
      type: 'data',
      recordSeq: 4,
      cdrId: 'c4',
      msisdn: '+8613700137000',
      startMs: T,
      apn: 'cmnet',
      durationSec: 60,
      bytesUp: 1,
      bytesDown: 2,
    },
  ].map((l) => JSON.stringify(l));
  writeFileSync(cdrs, [...lines.slice(0, 3), 'not json', ...lines.slice(3)].join('\n') + '\n');

  it('prints one rated record per good line and a JSON error per bad line, then carries on', async () => {
    const r = await run(['--catalog', CATALOG, '--cdrs', cdrs, '--state', state]);
    // rated to the end, but a script must notice the refused lines
    expect(r.code).toBe(EXIT_REFUSED_LINES);
    expect(EXIT_REFUSED_LINES).not.toBe(0);
    const rated = r.out.map(
      (l) => JSON.parse(l) as { cdr: { cdrId: string }; chargeFen: number; sentence: { en: string } },
    );
    expect(rated.map((x) => [x.cdr.cdrId, x.chargeFen])).toEqual([
      ['c1', 0],
      ['c2', 100],
    ]);
    const errs = r.err.map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(errs).toEqual([
      expect.objectContaining({ type: 'error', line: 3, code: 'schema', field: '/durationSec' }),
      expect.objectContaining({ type: 'error', line: 4, code: 'json' }),
      { type: 'duplicate', line: 5, cdrId: 'c1' },
      expect.objectContaining({ type: 'error', line: 6, code: 'unknown_subscriber', field: '/msisdn' }),
      { type: 'summary', lines: 6, rated: 2, errors: 3, duplicates: 1, chargeFen: 100 },
    ]);
  });

  it('is deterministic and can provision unknown subscribers with a default plan', async () => {
    const out = join(dir, 'final.json');
    const a = await run([
      '--catalog',
      CATALOG,
      '--cdrs',
      cdrs,
      '--state',
      state,
      '--default-plan',
      'liuliangwang-39',
      '--out-state',
      out,
    ]);
    const b = await run([
      '--catalog',
      CATALOG,
      '--cdrs',
      cdrs,
      '--state',
      state,
      '--default-plan',
      'liuliangwang-39',
    ]);
    expect(a.out).toEqual(b.out);
    expect(a.out).toHaveLength(3);
    const states = JSON.parse(readFileSync(out, 'utf8')) as { msisdn: string }[];
    expect(states.map((s) => s.msisdn)).toEqual(['+8613700137000', A, B]);
  });

  it('exits 0 when every line is rated, and names the option of a file it cannot read', async () => {
    const good = join(dir, 'good.ndjson');
    writeFileSync(good, readFileSync(cdrs, 'utf8').split('\n').slice(0, 2).join('\n') + '\n');
    const ok = await run(['--catalog', CATALOG, '--cdrs', good, '--state', state]);
    expect(ok.code).toBe(0);
    expect(ok.out).toHaveLength(2);
    const missing = await run(['--catalog', CATALOG, '--cdrs', join(dir, 'nope.ndjson'), '--state', state]);
    expect(missing.code).toBe(2);
    expect(JSON.parse(missing.err[0]!)).toMatchObject({ type: 'input_error', option: '--cdrs' });
    const notJson = join(dir, 'state.txt');
    writeFileSync(notJson, 'msisdn,plan\n');
    const badState = await run(['--catalog', CATALOG, '--cdrs', good, '--state', notJson]);
    expect(badState.code).toBe(2);
    expect(JSON.parse(badState.err[0]!)).toMatchObject({
      type: 'input_error',
      option: '--state',
      file: notJson,
    });
    const wrongShape = join(dir, 'shape.json');
    writeFileSync(wrongShape, JSON.stringify([{ msisdn: A }]));
    const shape = await run(['--catalog', CATALOG, '--cdrs', good, '--state', wrongShape]);
    expect(JSON.parse(shape.err[0]!)).toMatchObject({ type: 'input_error', option: '--state' });
    expect(JSON.parse(shape.err[0]!).message).toMatch(/state entry 0/);
    const noCatalog = await run(['--catalog', join(dir, 'none.json'), '--cdrs', good]);
    expect(noCatalog.code).toBe(2);
    expect(JSON.parse(noCatalog.err[0]!)).toMatchObject({ type: 'input_error', option: '--catalog' });
  });

  it('refuses an invalid catalog with the path at fault', async () => {
    const bad = join(dir, 'bad.json');
    const c = JSON.parse(readFileSync(CATALOG, 'utf8')) as { windowSchedule: { startMinute: number }[] };
    c.windowSchedule[1]!.startMinute = 430;
    writeFileSync(bad, JSON.stringify(c));
    const r = await run(['--catalog', bad, '--cdrs', cdrs]);
    expect(r.code).toBe(2);
    expect(JSON.parse(r.err[0]!)).toMatchObject({
      type: 'catalog_error',
      code: 'WINDOW_GAP',
      path: '/windowSchedule/1/startMinute',
    });
  });
});
