import { describe, expect, it } from 'vitest';
import { decodeBatch, encodeBatch } from '../../domain/index.ts';
import { decodeHeader, decodeLine, encodeLine, RecordingError } from './format.ts';
import { restampPayload } from './restamp.ts';

describe('recording lines', () => {
  it('round-trip JSON payloads byte for byte, and binary ones through base64', () => {
    const data = encodeBatch('b-1', [{ a: 'x,"d":y' }]);
    const line = encodeLine({ t: 12, subject: 'raw.cdr.MSC-1', msgId: 'm"1', n: 1, data }, true);
    expect(() => JSON.parse(line) as unknown).not.toThrow();
    const back = decodeLine(line.trimEnd(), 2);
    expect(back).toMatchObject({ t: 12, subject: 'raw.cdr.MSC-1', msgId: 'm"1', n: 1 });
    expect(Buffer.from(back.data).equals(Buffer.from(data))).toBe(true);
    const bin = new Uint8Array([0, 255, 10, 13]);
    const b = decodeLine(encodeLine({ t: 0, subject: 's', msgId: 'i', n: 0, data: bin }, false).trimEnd(), 3);
    expect([...b.data]).toEqual([0, 255, 10, 13]);
  });
  it('names the line that is broken, and refuses a file that is not a recording', () => {
    expect(() => decodeLine('{"t":1,"s":"x"', 7)).toThrow(/line 7/);
    expect(() => decodeHeader('{"hello":1}')).toThrow(RecordingError);
  });
});

describe('restamping', () => {
  it('moves times (never into the future) and renames batch and event ids', () => {
    const data = encodeBatch('b-1', [
      { startMs: 1000, recordSeq: 1 },
      { atMs: 5000, eventId: 'dev-1' },
    ]);
    const r = restampPayload(data, 2000, 6000, 'r1');
    const env = decodeBatch(r!.data);
    expect(env.ok && env.batch).toEqual({
      v: 1,
      batchId: 'b-1~r1',
      items: [
        { startMs: 3000, recordSeq: 1 },
        { atMs: 6000, eventId: 'dev-1~r1' },
      ],
    });
    expect(restampPayload(new Uint8Array([1, 2]), 0, 0, 'x')).toBeNull();
  });
});
