import { Type, type TSchema } from '@sinclair/typebox';
import { Ajv } from 'ajv';
import { describe, expect, it } from 'vitest';
import { RatedCdr, RawCdr, VoiceCdr } from './cdr.ts';
import { NeAlarm } from './network.ts';
import { patternReadAlike, quickAccept } from './quick-accept.ts';
import { addFormats, compile } from './validate.ts';

const ratedData = {
  cdr: {
    type: 'data',
    neId: 'PGW-SN-01',
    recordSeq: 5,
    msisdn: '+8618711062844',
    imsi: '460000000018172',
    imei: '860010000018172',
    cellId: 'SN-XA-0016-2',
    startMs: 1795757429170,
    roaming: false,
    apn: 'cmnet',
    durationSec: 440,
    bytesUp: 18435049,
    bytesDown: 230438108,
    termination: 'normal',
    cdrId: 'cdr-o-PGF1bGATmm9f047xfrpp',
    region: 'SN',
  },
  planId: 'duanxinbao-5',
  planVersion: 1,
  chargeFen: 116,
  billableUnits: 248873984,
  unit: 'byte',
  allowanceUsed: 0,
  ratedAtMs: 1795757869170,
  explanation: 'win=peak;inc=1024/1024',
  balanceAfterFen: 9384,
};
const ratedVoice = {
  ...ratedData,
  cdr: {
    type: 'voice',
    neId: 'MSC-GD-01',
    recordSeq: 1,
    msisdn: '+8613506549014',
    imsi: '460000000010753',
    cellId: 'GD-SZ-0039-2',
    startMs: 1795757429166,
    roaming: true,
    direction: 'mt',
    calledNumber: '+8618805963008',
    durationSec: 599,
    cdrId: 'cdr-smrQ_rsIIRGFMCOm5OnPWd',
    region: 'GD',
  },
  unit: 'sec',
};

/** Values that probe each keyword: wrong types, bounds, lengths counted in units or code points. */
const probes: unknown[] = [
  undefined,
  null,
  '',
  'x',
  '😀',
  '😀😀',
  'a😀',
  '😀'.repeat(40),
  'x'.repeat(65),
  '+86138000000001234567',
  '460000000018172',
  '46000000001817😀',
  -1,
  0,
  1.5,
  2 ** 53,
  946_684_799_999,
  4_102_444_800_001,
  NaN,
  true,
  [],
  {},
  'voice',
  'mo',
];

/** Every input one change away from `base`: each field (at any depth) replaced, removed, or one added. */
function* mutations(base: Record<string, unknown>): Generator<unknown> {
  for (const key of Object.keys(base)) {
    const value = base[key];
    const { [key]: _removed, ...without } = base;
    yield without;
    for (const p of probes) yield { ...base, [key]: p };
    if (typeof value === 'object' && value !== null && !Array.isArray(value))
      for (const inner of mutations(value as Record<string, unknown>)) yield { ...base, [key]: inner };
  }
  yield { ...base, extra: 1 };
}

/** ajv alone, as `compile` configures it (a fresh instance: schema ids repeat across cases). */
function ajvAlone(schema: TSchema) {
  const ajv = new Ajv({ allErrors: false, strict: true, allowUnionTypes: true });
  addFormats(ajv);
  return ajv.compile(schema);
}

describe('quickAccept (TypeBox check in front of ajv)', () => {
  it('never accepts what ajv rejects, for every one-field change of real records', () => {
    const cases: [TSchema, Record<string, unknown>][] = [
      [RatedCdr, ratedData],
      [RatedCdr, ratedVoice],
      [VoiceCdr, ratedVoice.cdr],
    ];
    let quickYes = 0;
    let ajvNo = 0;
    for (const [schema, base] of cases) {
      const quick = quickAccept(schema);
      const strict = ajvAlone(schema);
      expect(quick, 'the hot wire schemas get the quick check').not.toBeNull();
      expect(quick?.(base)).toBe(true);
      for (const input of mutations(base)) {
        const q = quick?.(input) ?? false;
        if (q) quickYes++;
        if (!strict(input)) ajvNo++;
        if (q) expect(strict(input), JSON.stringify(input)).toBe(true);
      }
    }
    // The sweep exercised both answers (it is not vacuous).
    expect(quickYes).toBeGreaterThan(50);
    expect(ajvNo).toBeGreaterThan(500);
  });

  it('counts lengths as ajv does: the decision stays ajv’s where TypeBox counts UTF-16 units', () => {
    // '😀😀' is 4 UTF-16 units but 2 characters: TypeBox alone would refuse it; ajv accepts.
    expect(compile(Type.String({ maxLength: 2 }))('😀😀').ok).toBe(true);
    // '😀' would pass TypeBox's minLength 2; ajv counts one character. No quick check there.
    expect(quickAccept(Type.String({ minLength: 2 }))).toBeNull();
    expect(compile(Type.String({ minLength: 2 }))('😀').ok).toBe(false);
  });

  it('skips schemas with keywords the two compilers read differently', () => {
    expect(quickAccept(Type.String({ format: 'email' }))).toBeNull();
    expect(quickAccept(Type.String({ pattern: '^.{2}$' }))).toBeNull();
    expect(quickAccept(Type.Array(Type.Number(), { uniqueItems: true }))).toBeNull();
    expect(quickAccept({ type: 'object', required: ['a'], properties: {} } as unknown as TSchema)).toBeNull();
    expect(quickAccept(RawCdr)).not.toBeNull();
    expect(quickAccept(NeAlarm)).not.toBeNull();
  });

  it('knows which patterns match the same strings with and without the u flag', () => {
    // Why it matters: without u, '.' matches each half of an emoji.
    expect([new RegExp('^.{2}$').test('😀'), new RegExp('^.{2}$', 'u').test('😀')]).toEqual([true, false]);
    for (const p of ['^\\+[1-9][0-9]{5,14}$', '^[A-Za-z0-9._:-]+$', '^[0-9]{15}$', '^\\d+(\\s\\w)?$'])
      expect(patternReadAlike(p), p).toBe(true);
    for (const p of ['^.$', '[^a]', '\\D', '\\S', '\\u0041', '(?=a)', '^中$', '\\p{L}', '[a'])
      expect(patternReadAlike(p), p).toBe(false);
  });
});
