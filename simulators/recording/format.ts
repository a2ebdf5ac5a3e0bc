/**
 * Recording format: gzip-compressed NDJSON. The first line is a header; every other line is one
 * published message with its send time: `{"t":ms,"s":subject,"id":msgId,"n":items,"d":payload}`.
 * JSON payloads are embedded as-is under "d" (last key, so a replay slices the bytes out without
 * re-serialising them); anything else is base64 under "b".
 */
export interface RecordingHeader {
  kind: 'streambss-recording';
  v: 1;
  createdAtMs: number;
  /** Virtual time of the first recorded event (restamping shifts from here). */
  startMs: number;
  /** What produced it, e.g. 'sim' with its options, for the operator. */
  source: string;
  options?: Record<string, unknown>;
}

export interface RecordedMessage {
  /** Milliseconds since the recording started, when the message was sent. */
  t: number;
  subject: string;
  msgId: string;
  /** Events inside the message (items of a batch). */
  n: number;
  data: Uint8Array;
}

export class RecordingError extends Error {
  constructor(
    readonly code: 'RECORDING_BAD_HEADER' | 'RECORDING_BAD_LINE' | 'RECORDING_IO',
    message: string,
  ) {
    super(message);
  }
}

const D_KEY = ',"d":';

export function encodeHeader(h: RecordingHeader): string {
  return `${JSON.stringify(h)}\n`;
}

/** One line. `json` says the payload is JSON text (true for every batch the simulators publish). */
export function encodeLine(m: RecordedMessage, json: boolean): string {
  const meta = JSON.stringify({ t: m.t, s: m.subject, id: m.msgId, n: m.n });
  const payload = Buffer.from(m.data.buffer, m.data.byteOffset, m.data.byteLength);
  if (json) return `${meta.slice(0, -1)}${D_KEY}${payload.toString('utf8')}}\n`;
  return `${meta.slice(0, -1)},"b":${JSON.stringify(payload.toString('base64'))}}\n`;
}

export function decodeHeader(line: string): RecordingHeader {
  let h: unknown;
  try {
    h = JSON.parse(line);
  } catch {
    throw new RecordingError('RECORDING_BAD_HEADER', 'first line is not JSON: not a StreamBSS recording');
  }
  const r = h as Partial<RecordingHeader> | null;
  if (!r || r.kind !== 'streambss-recording' || r.v !== 1 || typeof r.startMs !== 'number')
    throw new RecordingError('RECORDING_BAD_HEADER', 'not a StreamBSS recording (v1 header missing)');
  return r as RecordingHeader;
}

interface Meta {
  t: number;
  s: string;
  id: string;
  n: number;
  b?: string;
}

function checkMeta(m: unknown, lineNo: number): Meta {
  const x = m as Partial<Meta> | null;
  if (
    !x ||
    typeof x.t !== 'number' ||
    typeof x.s !== 'string' ||
    typeof x.id !== 'string' ||
    typeof x.n !== 'number'
  )
    throw new RecordingError('RECORDING_BAD_LINE', `line ${lineNo}: missing t, s, id or n`);
  return x as Meta;
}

const D_KEY_BYTES = Buffer.from(D_KEY);
const CLOSE = 0x7d; // '}'

/**
 * Parses one message line. The payload bytes are a view into the line (never decoded to a
 * string and re-encoded): only the short meta prefix is parsed — this is what lets a replay
 * keep up with the raw transport.
 */
export function decodeLine(line: string | Buffer, lineNo: number): RecordedMessage {
  const buf = typeof line === 'string' ? Buffer.from(line, 'utf8') : line;
  // A structural `,"d":` cannot occur inside the meta strings (their quotes are escaped).
  const at = buf.indexOf(D_KEY_BYTES);
  try {
    if (at > 0 && buf[buf.length - 1] === CLOSE) {
      const meta = checkMeta(JSON.parse(`${buf.toString('utf8', 0, at)}}`), lineNo);
      const data = buf.subarray(at + D_KEY_BYTES.length, buf.length - 1);
      return { t: meta.t, subject: meta.s, msgId: meta.id, n: meta.n, data };
    }
    const meta = checkMeta(JSON.parse(buf.toString('utf8')), lineNo);
    if (typeof meta.b !== 'string')
      throw new RecordingError('RECORDING_BAD_LINE', `line ${lineNo}: no payload`);
    return { t: meta.t, subject: meta.s, msgId: meta.id, n: meta.n, data: Buffer.from(meta.b, 'base64') };
  } catch (err) {
    if (err instanceof RecordingError) throw err;
    throw new RecordingError('RECORDING_BAD_LINE', `line ${lineNo}: not valid JSON`);
  }
}
