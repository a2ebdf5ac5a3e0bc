import { describe, expect, it } from 'vitest';
import { readCsv } from './csv.ts';

describe('readCsv', () => {
  it('types cells by column, accepts ISO start times and quoted fields, and skips blank lines', () => {
    const f = readCsv(
      Buffer.from(
        '\uFEFFtype,neId,recordSeq,msisdn,imsi,cellId,startMs,roaming,apn,durationSec,bytesUp,bytesDown\r\n' +
          'data,PGW-GD-01,7,13800138000,460001234567890,GD-GZ-0012-1,2026-11-26T01:02:03Z,1,"cm,net",60,10,20\r\n' +
          '\r\n',
      ),
    );
    expect(f.ok && f.records).toEqual([
      {
        line: 2,
        original: expect.any(Buffer) as unknown,
        value: {
          type: 'data',
          neId: 'PGW-GD-01',
          recordSeq: 7,
          msisdn: '13800138000',
          imsi: '460001234567890',
          cellId: 'GD-GZ-0012-1',
          startMs: Date.UTC(2026, 10, 26, 1, 2, 3),
          roaming: true,
          apn: 'cm,net',
          durationSec: 60,
          bytesUp: 10,
          bytesDown: 20,
        },
      },
    ]);
  });
  it('refuses a file whole only for a missing or unknown header', () => {
    expect(readCsv(Buffer.from(''))).toMatchObject({ ok: false, code: 'empty_file' });
    expect(readCsv(Buffer.from('type,neId\n'))).toMatchObject({ ok: false, code: 'bad_header' });
    expect(readCsv(Buffer.from([0xff, 0xfe, 0x00, 0x41, 0x0a]))).toMatchObject({
      ok: false,
      code: 'bad_header',
    });
  });
  it('refuses a line with a broken quote or the wrong number of fields, alone', () => {
    const f = readCsv(
      Buffer.from('type,neId,recordSeq,msisdn,imsi,cellId,startMs,roaming\n"sms,x\nsms,a,1\n'),
    );
    expect(f.ok && f.records.map((r) => ('rejection' in r ? r.rejection.code : 'ok'))).toEqual([
      'bad_csv',
      'bad_csv',
    ]);
  });
});
