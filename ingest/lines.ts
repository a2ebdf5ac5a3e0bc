import { type Cdr, encodeCdrBatch, partitionOf, stableId, type DeadLetterInfo } from '../domain/index.ts';
import { subjects, type PublishItem } from '../infra/nats/index.ts';
import type { RejectedItem } from './batch.ts';
import { normaliseCdr, type Rejection } from './normalize.ts';

/** A line longer than this is refused whole (its start is kept in the dead letter). */
export const MAX_LINE_BYTES = 64 * 1024;
/** CDRs per published message from the HTTP and file adapters. */
const PUBLISH_CHUNK = 500;

/** One input line after the adapter read it: a value to validate, or why it could not be read. */
export type LineRecord =
  | { line: number; value: unknown; original: Uint8Array }
  | { line: number; rejection: Rejection; original: Uint8Array };

export type LineOutcome =
  | { line: number; status: 'accepted'; cdrId: string }
  | { line: number; status: 'rejected'; code: string; reason: string; field?: string };

export interface LinesDecision {
  publishes: PublishItem[];
  rejected: RejectedItem[];
  outcomes: LineOutcome[];
  accepted: number;
}

const utf8 = new TextDecoder('utf-8', { fatal: true });

/** Splits bytes on LF (a CR before it is dropped); a missing final newline still ends a line. */
export function splitLines(buf: Uint8Array): Uint8Array[] {
  const out: Uint8Array[] = [];
  let start = 0;
  for (;;) {
    const nl = buf.indexOf(10, start);
    const end = nl === -1 ? buf.length : nl;
    let e = end;
    if (e > start && buf[e - 1] === 13) e--;
    out.push(buf.subarray(start, e));
    if (nl === -1) break;
    start = nl + 1;
  }
  if (out.length > 0 && out[out.length - 1]!.length === 0) out.pop();
  return out;
}

/** The text of one line, or why it is not a readable line (too long, not UTF-8, binary). */
export function lineText(
  bytes: Uint8Array,
): { ok: true; text: string } | { ok: false; rejection: Rejection } {
  if (bytes.length > MAX_LINE_BYTES)
    return {
      ok: false,
      rejection: {
        code: 'line_too_long',
        field: '/',
        reason: `line is ${bytes.length} bytes; at most ${MAX_LINE_BYTES}`,
      },
    };
  for (const b of bytes)
    if ((b < 0x20 && b !== 0x09) || b === 0x7f)
      return {
        ok: false,
        rejection: { code: 'binary', field: '/', reason: 'line holds control bytes (binary data?)' },
      };
  try {
    return { ok: true, text: utf8.decode(bytes) };
  } catch {
    return {
      ok: false,
      rejection: { code: 'bad_encoding', field: '/', reason: 'line is not valid UTF-8 (wrong encoding?)' },
    };
  }
}

/** NDJSON: each non-blank line one JSON object. */
export function parseNdjson(buf: Uint8Array): LineRecord[] {
  const out: LineRecord[] = [];
  splitLines(buf).forEach((bytes, i) => {
    const line = i + 1;
    const t = lineText(bytes);
    if (!t.ok) return out.push({ line, rejection: t.rejection, original: bytes.slice(0, 4096) });
    if (t.text.trim() === '') return;
    try {
      out.push({ line, value: JSON.parse(t.text) as unknown, original: bytes });
    } catch {
      out.push({
        line,
        rejection: { code: 'bad_json', field: '/', reason: 'not valid JSON (truncated line?)' },
        original: bytes,
      });
    }
  });
  return out;
}

/**
 * Pure decision of the HTTP and file adapters: validate and normalise each record, group the
 * good ones by subscriber partition into messages whose id is derived from their CDR ids (the
 * same input again is dropped by the stream's dedup, and its CDR ids stay the same beyond it),
 * and describe every bad line as a dead letter with a stable id (scope + line number).
 */
export function decideLines(
  records: LineRecord[],
  ctx: { source: string; scope: string; partitions: number; nowMs: number },
): LinesDecision {
  const groups = new Map<number, Cdr[]>();
  const outcomes: LineOutcome[] = [];
  const rejected: RejectedItem[] = [];
  const originalSubject = subjects.rawCdr(ctx.source);
  for (const rec of records) {
    const n = 'rejection' in rec ? null : normaliseCdr(rec.value, ctx.nowMs);
    const rej = 'rejection' in rec ? rec.rejection : n && !n.ok ? n.rejection : null;
    if (n?.ok) {
      const p = partitionOf(n.cdr.msisdn, ctx.partitions);
      let g = groups.get(p);
      if (!g) groups.set(p, (g = []));
      g.push(n.cdr);
      outcomes.push({ line: rec.line, status: 'accepted', cdrId: n.cdr.cdrId });
    } else if (rej) {
      outcomes.push({ line: rec.line, status: 'rejected', ...rej });
      const info: DeadLetterInfo = {
        id: stableId('dl', ctx.source, ctx.scope, rec.line),
        source: ctx.source,
        code: rej.code,
        reason: `line ${rec.line}: ${rej.reason}`.slice(0, 500),
        field: rej.field,
        originalSubject,
        atMs: ctx.nowMs,
      };
      // Readable records are kept as JSON (reprocess can wrap them); unreadable lines as bytes.
      const original = 'value' in rec ? Buffer.from(JSON.stringify(rec.value)) : rec.original;
      rejected.push({ info, original });
    }
  }
  const publishes: PublishItem[] = [];
  for (const [p, cdrs] of [...groups].sort((a, b) => a[0] - b[0])) {
    for (let i = 0; i < cdrs.length; i += PUBLISH_CHUNK) {
      const chunk = cdrs.slice(i, i + PUBLISH_CHUNK);
      const id = `in-${stableId(ctx.source, ...chunk.map((c) => c.cdrId))}`;
      publishes.push({ subject: subjects.cdr(p), data: encodeCdrBatch(id, chunk), msgId: id });
    }
  }
  return { publishes, rejected, outcomes, accepted: outcomes.length - rejected.length };
}
