import { createReadStream, createWriteStream, type WriteStream } from 'node:fs';
import { once } from 'node:events';
import { createGunzip, createGzip, constants, type Gzip } from 'node:zlib';
import {
  decodeHeader,
  decodeLine,
  encodeHeader,
  encodeLine,
  RecordingError,
  type RecordedMessage,
  type RecordingHeader,
} from './format.ts';

/** Where a simulator reports what it sends; the recorder is one. */
export interface SendRecorder {
  record(subject: string, msgId: string, items: number, data: Uint8Array): Promise<void>;
}

/**
 * Writes a recording: gzip NDJSON, header first, one line per message with its send time
 * relative to the start. Respects back-pressure; `close()` flushes and ends the file.
 */
export class Recorder implements SendRecorder {
  private readonly gz: Gzip;
  private readonly out: WriteStream;
  private readonly t0: number;
  private failure: Error | null = null;
  messages = 0;

  private constructor(
    path: string,
    header: RecordingHeader,
    private readonly nowMs: () => number,
  ) {
    this.gz = createGzip({ level: constants.Z_BEST_SPEED });
    this.out = createWriteStream(path);
    this.gz.pipe(this.out);
    const fail = (err: Error) => (this.failure ??= new RecordingError('RECORDING_IO', err.message));
    this.gz.on('error', fail);
    this.out.on('error', fail);
    this.t0 = nowMs();
    this.gz.write(encodeHeader(header));
  }

  static create(path: string, header: RecordingHeader, nowMs: () => number = Date.now): Recorder {
    return new Recorder(path, header, nowMs);
  }

  async record(subject: string, msgId: string, items: number, data: Uint8Array): Promise<void> {
    if (this.failure) throw this.failure;
    const line = encodeLine({ t: this.nowMs() - this.t0, subject, msgId, n: items, data }, true);
    this.messages++;
    if (!this.gz.write(line)) await once(this.gz, 'drain');
  }

  async close(): Promise<void> {
    const finished = once(this.out, 'close');
    this.gz.end();
    await finished;
    if (this.failure) throw this.failure;
  }
}

/** Splits a byte stream into lines (LF), as Buffers: no string decoding of the payloads. */
async function* byteLines(input: AsyncIterable<Buffer>): AsyncGenerator<Buffer> {
  let rest: Buffer | null = null;
  for await (const chunk of input) {
    let buf: Buffer = rest ? Buffer.concat([rest, chunk]) : chunk;
    let start = 0;
    for (;;) {
      const nl = buf.indexOf(10, start);
      if (nl === -1) break;
      yield buf.subarray(start, nl);
      start = nl + 1;
    }
    buf = buf.subarray(start);
    rest = buf.length ? buf : null;
  }
  if (rest?.length) yield rest;
}

/** Reads a recording: its header, then its messages in order (streamed, never all in memory). */
export async function openRecording(
  path: string,
): Promise<{ header: RecordingHeader; messages: AsyncGenerator<RecordedMessage> }> {
  const input = createReadStream(path, { highWaterMark: 1 << 20 }).pipe(createGunzip({ chunkSize: 1 << 20 }));
  const it = byteLines(input);
  let first: IteratorResult<Buffer>;
  try {
    first = await it.next();
  } catch (err) {
    input.destroy();
    throw new RecordingError('RECORDING_IO', `cannot read ${path}: ${(err as Error).message}`);
  }
  if (first.done) throw new RecordingError('RECORDING_BAD_HEADER', `${path} is empty`);
  const header = decodeHeader(first.value.toString('utf8'));
  async function* messages(): AsyncGenerator<RecordedMessage> {
    let lineNo = 1;
    try {
      for (;;) {
        const r = await it.next();
        if (r.done) return;
        lineNo++;
        if (r.value.length > 0) yield decodeLine(r.value, lineNo);
      }
    } catch (err) {
      if (err instanceof RecordingError) throw err;
      throw new RecordingError(
        'RECORDING_IO',
        `reading ${path} at line ${lineNo}: ${(err as Error).message}`,
      );
    } finally {
      input.destroy();
    }
  }
  return { header, messages: messages() };
}
