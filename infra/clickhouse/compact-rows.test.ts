import { describe, expect, it } from 'vitest';
import { compactRows } from './sink.ts';

describe('compactRows', () => {
  it('puts every row under one column list, first-seen order, null where a row lacks a key', () => {
    const r = compactRows([
      { id: 'a', n: 1, stream_seq: 7 },
      { id: 'b', extra: 'x', stream_seq: 8 },
      { n: 3, id: 'c', stream_seq: 9, gone: undefined },
    ]);
    expect(r.columns).toEqual(['id', 'n', 'stream_seq', 'extra', 'gone']);
    expect(r.values).toEqual([
      ['a', 1, 7, null, null],
      ['b', null, 8, 'x', null],
      ['c', 3, 9, null, null],
    ]);
  });
});
