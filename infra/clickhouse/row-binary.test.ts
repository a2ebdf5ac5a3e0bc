import { describe, expect, it } from 'vitest';
import { RowEncodeError, kindOf, rowBinaryEncoder, rowBinaryWriter } from './row-binary.ts';

const enc = (types: string[], rows: unknown[][]) =>
  rowBinaryEncoder(
    't',
    types.map((type, i) => ({ name: `c${i}`, type })),
  )!(rows);
const hex = (b: Buffer) => b.toString('hex');

describe('RowBinary encoder', () => {
  it('writes integers little-endian in their width, negative ones in two’s complement', () => {
    expect(hex(enc(['UInt8', 'UInt16', 'UInt32'], [[255, 0x1234, 0xdeadbeef]]))).toBe('ff3412efbeadde');
    expect(hex(enc(['Int8', 'Int16', 'Int32'], [[-1, -2, -3]]))).toBe('fffefffdffffff');
    expect(hex(enc(['Int64'], [[-5]]))).toBe('fbffffffffffffff');
    expect(hex(enc(['UInt64'], [[2 ** 53 - 1]]))).toBe('ffffffffffff1f00');
    expect(hex(enc(['Int64'], [[-(2 ** 40) - 1]]))).toBe('fffffffffffeffff');
  });

  it('writes DateTime64(3) as epoch milliseconds and booleans as 0/1', () => {
    // 2026-11-27T00:00:00.123Z
    const ms = Date.UTC(2026, 10, 27, 0, 0, 0, 123);
    const b = enc(["DateTime64(3, 'UTC')", 'Bool', 'UInt8'], [[ms, true, false]]);
    expect(b.readBigInt64LE(0)).toBe(BigInt(ms));
    expect([b[8], b[9]]).toEqual([1, 0]);
  });

  it('writes strings as a varint byte length and their UTF-8 bytes', () => {
    expect(hex(enc(['String'], [['ab']]))).toBe('026162');
    const zh = '通话 3分12秒';
    const b = enc(['LowCardinality(String)'], [[zh]]);
    expect(b[0]).toBe(Buffer.byteLength(zh));
    expect(b.subarray(1).toString('utf8')).toBe(zh);
    // An emoji is two UTF-16 units and four bytes; a quote, backslash and newline are plain bytes.
    expect(hex(enc(['String'], [['😀"\\\n']]))).toBe(`07${Buffer.from('😀"\\\n').toString('hex')}`);
  });

  it('uses two varint bytes from 128 bytes on, counting bytes not characters', () => {
    const ascii = 'x'.repeat(200);
    const a = enc(['String'], [[ascii]]);
    expect([a[0], a[1], a.length]).toEqual([0xc8, 0x01, 202]);
    // 50 Chinese characters are 150 bytes: past the one-byte varint though the string is short.
    const zh = '话'.repeat(50);
    const z = enc(['String'], [[zh]]);
    expect([z[0], z[1]]).toEqual([0x96, 0x01]);
    expect(z.subarray(2).toString('utf8')).toBe(zh);
    const long = 'y'.repeat(20_000);
    const l = enc(['String', 'UInt8'], [[long, 7]]);
    expect([l[0], l[1], l[2]]).toEqual([0xa0, 0x9c, 0x01]);
    expect(l[l.length - 1]).toBe(7);
  });

  it('writes null and undefined as the column default, like the JSON path', () => {
    expect(hex(enc(['String', 'UInt32', 'Int64'], [[null, undefined, null]]))).toBe(
      '00000000000000000000000000',
    );
  });

  it('grows its buffer across many rows and keeps them in order', () => {
    const rows = Array.from({ length: 5000 }, (_, i) => [`row-${i}`, i]);
    const b = enc(['String', 'UInt32'], rows);
    let o = 0;
    for (const [s, n] of rows) {
      const len = b[o]!;
      expect(b.subarray(o + 1, o + 1 + len).toString()).toBe(s);
      expect(b.readUInt32LE(o + 1 + len)).toBe(n);
      o += 1 + len + 4;
    }
    expect(o).toBe(b.length);
  });

  it('refuses a value its column cannot hold, naming the table, column and row', () => {
    const cases: [string, unknown, RegExp][] = [
      ['UInt32', 'x', /t\.c0 \(row 1\): expected an integer from 0 to 4294967295 for UInt32, got "x"/],
      ['UInt8', 256, /expected an integer from 0 to 255/],
      ['Int32', 1.5, /expected an integer/],
      ['UInt64', -1, /expected a non-negative safe integer for UInt64, got -1/],
      ['Int64', 2 ** 53, /expected a safe integer/],
      ['String', 5, /expected a string for String, got 5/],
      ['Float64', '1', /expected a number/],
    ];
    for (const [type, bad, message] of cases) {
      const run = () => enc([type], [[type === 'String' ? 'ok' : 0], [bad]]);
      expect(run).toThrow(RowEncodeError);
      expect(run).toThrow(message);
    }
    expect(() => enc(['String', 'UInt8'], [['a']])).toThrow(/t \(row 0\): 1 values for 2 columns/);
  });

  it('knows only the types it writes; the others keep the JSON path', () => {
    for (const t of ['String', 'LowCardinality(String)', "DateTime64(3, 'UTC')", 'DateTime64(3)', 'Float64'])
      expect(kindOf(t)).not.toBeNull();
    for (const t of ['DateTime', 'DateTime64(6)', 'Nullable(String)', 'Array(String)', 'Decimal(18, 2)'])
      expect(kindOf(t)).toBeNull();
    expect(
      rowBinaryEncoder('t', [
        { name: 'a', type: 'String' },
        { name: 'b', type: 'Array(String)' },
      ]),
    ).toBeNull();
  });

  it('writes row by row the same bytes as a whole list, the last value given apart', () => {
    const cols = ['String', 'UInt32', "DateTime64(3, 'UTC')", 'UInt64'].map((type, i) => ({
      name: `c${i}`,
      type,
    }));
    const rows = Array.from({ length: 3000 }, (_, i) => [`行-${i}`, i, 1_790_000_000_000 + i, i * 7]);
    const w = rowBinaryWriter('t', cols, 16)!;
    for (const r of rows) w.row(r.slice(0, 3), r[3]);
    expect(w.rows).toBe(3000);
    const body = w.take();
    expect(hex(body)).toBe(hex(rowBinaryEncoder('t', cols)!(rows)));
    // take() hands the body over and starts again empty, without touching the body it gave.
    expect(w.rows).toBe(0);
    w.row(['x', 1, 0], 2);
    expect(hex(w.take())).toBe(hex(rowBinaryEncoder('t', cols)!([['x', 1, 0, 2]])));
    expect(hex(body)).toBe(hex(rowBinaryEncoder('t', cols)!(rows)));
  });

  it('names the row counted since the last take, and forgets a failed row on reset', () => {
    const w = rowBinaryWriter('t', [
      { name: 'a', type: 'String' },
      { name: 'n', type: 'UInt8' },
    ])!;
    w.row(['ok'], 1);
    expect(() => w.row(['bad'], 300)).toThrow(/t\.n \(row 1\): expected an integer from 0 to 255/);
    expect(() => w.row(['a', 1, 2])).toThrow(/t \(row 1\): 3 values for 2 columns/);
    w.reset();
    w.row(['z'], 9);
    expect(hex(w.take())).toBe('017a09');
  });
});
