import { parse } from 'csv-parse/sync';
import { RAW_CDR_FIELDS } from '../../domain/index.ts';
import type { Rejection } from '../normalize.ts';
import { lineText, splitLines, type LineRecord } from '../lines.ts';

/** Every column a CDR file may have (a raw CDR's fields); the header names which ones it has, in any order. */
export const CSV_COLUMNS = RAW_CDR_FIELDS;
const REQUIRED = ['type', 'neId', 'recordSeq', 'msisdn', 'imsi', 'cellId', 'startMs', 'roaming'];
const INTEGERS = new Set(['recordSeq', 'durationSec', 'bytesUp', 'bytesDown']);

export type CsvFile =
  | { ok: true; columns: string[]; records: LineRecord[] }
  | { ok: false; code: 'empty_file' | 'bad_header'; reason: string };

function cells(text: string): string[] | Rejection {
  try {
    const rows = parse(text, { relax_column_count: true, trim: true }) as string[][];
    if (rows.length !== 1 || !rows[0]) return { code: 'bad_csv', field: '/', reason: 'not one CSV record' };
    return rows[0];
  } catch (err) {
    return {
      code: 'bad_csv',
      field: '/',
      reason: `not a CSV record: ${(err as Error).message}`.slice(0, 300),
    };
  }
}

/** A cell to its typed value: integers, booleans, epoch ms or ISO times for startMs; '' is absent. */
function typed(column: string, raw: string): unknown {
  if (column === 'roaming')
    return raw === 'true' || raw === '1' ? true : raw === 'false' || raw === '0' ? false : raw;
  if (INTEGERS.has(column)) return /^-?\d+$/.test(raw) ? Number(raw) : raw;
  if (column === 'startMs') {
    if (/^\d+$/.test(raw)) return Number(raw);
    const ms = Date.parse(raw);
    return Number.isFinite(ms) && /\d{4}-\d{2}-\d{2}T/.test(raw) ? ms : raw;
  }
  return raw;
}

/**
 * Reads a CDR file: a header line naming the columns, then one CDR per line. Lines are read one
 * by one, so a truncated, binary, wrongly encoded or huge line is refused alone and the good
 * lines around it still count. A quoted field may not span lines (CDR fields never need it).
 */
export function readCsv(buf: Uint8Array): CsvFile {
  const lines = splitLines(buf);
  const headerIdx = lines.findIndex((l) => l.length > 0);
  if (headerIdx === -1) return { ok: false, code: 'empty_file', reason: 'the file has no lines' };
  const head = lineText(lines[headerIdx]!);
  if (!head.ok) return { ok: false, code: 'bad_header', reason: `header line: ${head.rejection.reason}` };
  const columns = cells(head.text.replace(/^\uFEFF/, ''));
  if (!Array.isArray(columns)) return { ok: false, code: 'bad_header', reason: columns.reason };
  const unknown = columns.filter((c) => !(CSV_COLUMNS as readonly string[]).includes(c));
  if (unknown.length)
    return {
      ok: false,
      code: 'bad_header',
      reason: `unknown column(s) ${unknown.join(', ')}; known: ${CSV_COLUMNS.join(', ')}`,
    };
  const missing = REQUIRED.filter((c) => !columns.includes(c));
  if (missing.length)
    return { ok: false, code: 'bad_header', reason: `missing column(s) ${missing.join(', ')}` };
  const records: LineRecord[] = [];
  for (let i = headerIdx + 1; i < lines.length; i++) {
    const bytes = lines[i]!;
    const line = i + 1;
    const t = lineText(bytes);
    if (!t.ok) {
      records.push({ line, rejection: t.rejection, original: bytes.slice(0, 4096) });
      continue;
    }
    if (t.text.trim() === '') continue;
    const row = cells(t.text);
    if (!Array.isArray(row)) {
      records.push({ line, rejection: row, original: bytes });
      continue;
    }
    if (row.length !== columns.length) {
      records.push({
        line,
        rejection: {
          code: 'bad_csv',
          field: '/',
          reason: `has ${row.length} fields, the header has ${columns.length} (truncated line?)`,
        },
        original: bytes,
      });
      continue;
    }
    const value: Record<string, unknown> = {};
    columns.forEach((c, j) => {
      const raw = row[j] ?? '';
      if (raw !== '') value[c] = typed(c, raw);
    });
    records.push({ line, value, original: bytes });
  }
  return { ok: true, columns, records };
}
