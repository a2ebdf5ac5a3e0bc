import { describe, expect, it } from 'vitest';
import { RowEncodeError, kindOf, nativeBlockEncoder, nativeBlockWriter } from './native-block.ts';

const named = (types: string[]) => types.map((type, i) => ({ name: `c${i}`, type }));
const enc = (types: string[], rows: unknown[][]) => nativeBlockEncoder('t', named(types))!(rows);

/** Reads a block back: header and each column's raw bytes (the layout ClickHouse reads). */
function parse(b: Buffer) {
  let o = 0;
  const varint = () => {
    let n = 0;
    let shift = 1;
    for (;;) {
      const x = b[o++]!;
      n += (x & 0x7f) * shift;
      if (x < 0x80) return n;
      shift *= 0x80;
    }
  };
  const str = () => {
    const n = varint();
    o += n;
    return b.subarray(o - n, o).toString('utf8');
  };
  const ncols = varint();
  const rows = varint();
  const cols: { name: string; type: string; data: Buffer }[] = [];
  for (let c = 0; c < ncols; c++) {
    const name = str();
    const type = str();
    const start = o;
    const k = kindOf(type)!;
    if (k.k === 'string') for (let r = 0; r < rows; r++) str();
    else o += rows * (k.k === 'int' ? k.bytes : 8);
    cols.push({ name, type, data: b.subarray(start, o) });
  }
  expect(o).toBe(b.length);
  return { rows, cols };
}
const data = (b: Buffer, col = 0) => parse(b).cols[col]!.data.toString('hex');

describe('Native block encoder', () => {
  it('writes a header of column count, row count, and each column’s name and type before its values', () => {
    const b = enc(
      ['UInt8', 'String'],
      [
        [1, 'ab'],
        [2, 'c'],
      ],
    );
    const h = (s: string) => Buffer.from(s).toString('hex');
    expect(b.toString('hex')).toBe(
      `0202` + `02${h('c0')}05${h('UInt8')}0102` + `02${h('c1')}06${h('String')}02${h('ab')}01${h('c')}`,
    );
  });

  it('writes integers little-endian in their width, negative ones in two’s complement, column by column', () => {
    const b = enc(
      ['UInt8', 'UInt16', 'UInt32'],
      [
        [255, 0x1234, 0xdeadbeef],
        [1, 2, 3],
      ],
    );
    expect([data(b, 0), data(b, 1), data(b, 2)]).toEqual(['ff01', '34120200', 'efbeadde03000000']);
    expect(data(enc(['Int8', 'Int16', 'Int32'], [[-1, -2, -3]]), 2)).toBe('fdffffff');
    expect(data(enc(['Int64'], [[-5]]))).toBe('fbffffffffffffff');
    expect(data(enc(['UInt64'], [[2 ** 53 - 1]]))).toBe('ffffffffffff1f00');
    expect(data(enc(['Int64'], [[-(2 ** 40) - 1]]))).toBe('fffffffffffeffff');
  });

  it('writes DateTime64(3) as epoch milliseconds under its own type name, booleans as 0/1', () => {
    const ms = Date.UTC(2026, 10, 27, 0, 0, 0, 123);
    const p = parse(enc(["DateTime64(3, 'UTC')", 'Bool', 'UInt8'], [[ms, true, false]]));
    expect(p.cols.map((c) => c.type)).toEqual(["DateTime64(3, 'UTC')", 'Bool', 'UInt8']);
    expect(p.cols[0]!.data.readBigInt64LE(0)).toBe(BigInt(ms));
    expect([p.cols[1]!.data[0], p.cols[2]!.data[0]]).toEqual([1, 0]);
  });

  it('writes strings as a varint byte length and their UTF-8 bytes; LowCardinality goes as String', () => {
    const zh = '通话 3分12秒';
    const p = parse(enc(['LowCardinality(String)'], [[zh]]));
    expect(p.cols[0]!.type).toBe('String');
    expect(p.cols[0]!.data[0]).toBe(Buffer.byteLength(zh));
    expect(p.cols[0]!.data.subarray(1).toString('utf8')).toBe(zh);
    // An emoji is two UTF-16 units and four bytes; a quote, backslash and newline are plain bytes.
    expect(data(enc(['String'], [['😀"\\\n']]))).toBe(`07${Buffer.from('😀"\\\n').toString('hex')}`);
    // 200 ASCII bytes need two varint bytes; so do 50 Chinese characters (150 bytes).
    expect(data(enc(['String'], [['x'.repeat(200)]])).slice(0, 4)).toBe('c801');
    expect(data(enc(['String'], [['话'.repeat(50)]])).slice(0, 4)).toBe('9601');
    const l = parse(enc(['String', 'UInt8'], [['y'.repeat(20_000), 7]]));
    expect(l.cols[0]!.data.subarray(0, 3).toString('hex')).toBe('a09c01');
    expect(l.cols[1]!.data[0]).toBe(7);
  });

  it('writes null and undefined as the column default, like the JSON path', () => {
    const b = enc(['String', 'UInt32', 'Int64'], [[null, undefined, null]]);
    expect([data(b, 0), data(b, 1), data(b, 2)]).toEqual(['00', '00000000', '0000000000000000']);
  });

  it('grows its column buffers across many rows and keeps them in order', () => {
    const rows = Array.from({ length: 5000 }, (_, i) => [`row-${i}`, i]);
    const p = parse(enc(['String', 'UInt32'], rows));
    expect(p.rows).toBe(5000);
    let o = 0;
    rows.forEach(([s, n], i) => {
      const len = p.cols[0]!.data[o]!;
      expect(p.cols[0]!.data.subarray(o + 1, o + 1 + len).toString()).toBe(s);
      expect(p.cols[1]!.data.readUInt32LE(i * 4)).toBe(n);
      o += 1 + len;
    });
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
    expect(nativeBlockEncoder('t', named(['String', 'Array(String)']))).toBeNull();
  });

  it('writes row by row the same block as a whole list, the last value given apart', () => {
    const cols = named(['String', 'UInt32', "DateTime64(3, 'UTC')", 'UInt64']);
    const rows = Array.from({ length: 3000 }, (_, i) => [`行-${i}`, i, 1_790_000_000_000 + i, i * 7]);
    const w = nativeBlockWriter('t', cols, 4)!;
    for (const r of rows) w.row(r.slice(0, 3), r[3]);
    expect(w.rows).toBe(3000);
    const block = w.take();
    expect(block.toString('hex')).toBe(nativeBlockEncoder('t', cols)!(rows).toString('hex'));
    // take() hands the block over and starts again empty, without touching the block it gave.
    expect(w.rows).toBe(0);
    w.row(['x', 1, 0], 2);
    expect(w.take().toString('hex')).toBe(nativeBlockEncoder('t', cols)!([['x', 1, 0, 2]]).toString('hex'));
    expect(block.toString('hex')).toBe(nativeBlockEncoder('t', cols)!(rows).toString('hex'));
  });

  it('names the row counted since the last take, and forgets a failed row on reset', () => {
    const w = nativeBlockWriter('t', named(['String', 'UInt8']))!;
    w.row(['ok'], 1);
    expect(() => w.row(['bad'], 300)).toThrow(/t\.c1 \(row 1\): expected an integer from 0 to 255/);
    expect(() => w.row(['a', 1, 2])).toThrow(/t \(row 1\): 3 values for 2 columns/);
    w.reset();
    w.row(['z'], 9);
    const p = parse(w.take());
    expect([p.rows, data(w.take(), 0)]).toEqual([1, '']);
    expect([p.cols[0]!.data.toString('hex'), p.cols[1]!.data.toString('hex')]).toEqual(['017a', '09']);
  });
});
