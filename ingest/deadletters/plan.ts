import { Type } from '@sinclair/typebox';
import { compile, DeadLetterInfo, decodeBatch, encodeBatch } from '../../domain/index.ts';

// Same schema without its $id (ajv refuses a second schema under one id, and others may compile it).
const checkInfo = compile(Type.Object(DeadLetterInfo.properties, { additionalProperties: false }));

/** What a dead-letter entry looks like to an operator. */
export interface DeadLetter {
  seq: number;
  subject: string;
  source: string;
  code: string;
  reason: string;
  field?: string;
  itemIndex?: number;
  originalSubject: string;
  atMs: number;
  id: string;
  bytes: number;
  /** The start of the original bytes as text (binary shown escaped), for a first look. */
  preview: string;
}

export class DeadLetterError extends Error {
  constructor(
    readonly code: 'DLQ_NOT_FOUND' | 'DLQ_UNREADABLE' | 'DLQ_NOT_REPROCESSABLE',
    message: string,
  ) {
    super(message);
  }
}

const PREVIEW = 200;

/** Reads an entry from its headers; a missing or broken info header is an unreadable entry. */
export function describeDeadLetter(
  seq: number,
  subject: string,
  infoHeader: string | undefined,
  data: Uint8Array,
): DeadLetter {
  let parsed: unknown;
  try {
    parsed = JSON.parse(infoHeader ?? '');
  } catch {
    throw new DeadLetterError('DLQ_UNREADABLE', `entry ${seq} has no readable info header`);
  }
  const v = checkInfo(parsed);
  if (!v.ok) throw new DeadLetterError('DLQ_UNREADABLE', `entry ${seq}: ${v.error.field} ${v.error.message}`);
  const info: DeadLetterInfo = v.value;
  const text = Buffer.from(data.subarray(0, PREVIEW)).toString('utf8');
  return {
    seq,
    subject,
    ...info,
    bytes: data.length,
    // eslint-disable-next-line no-control-regex
    preview: text.replace(/[\u0000-\u0008\u000b-\u001f\u007f\ufffd]/g, '·'),
  };
}

export interface Republish {
  subject: string;
  data: Uint8Array;
  msgId: string;
}

/**
 * How to send a dead letter back to where it failed. A rejected item (itemIndex set, or a line
 * from the HTTP/file adapters) goes back alone in a new one-item batch; a whole rejected message
 * goes back as it was. The message id is new (per DLQ entry), so the stream does not drop it as
 * the duplicate of the first attempt, yet a retried reprocess of the same entry is deduplicated.
 */
export function planReprocess(dl: DeadLetter, data: Uint8Array): Republish {
  const msgId = `rp-${dl.seq}-${dl.id}`.slice(0, 128);
  const single = dl.itemIndex !== undefined || dl.source === 'http' || dl.source === 'file';
  if (!single) return { subject: dl.originalSubject, data, msgId };
  let item: unknown;
  try {
    item = JSON.parse(Buffer.from(data).toString('utf8'));
  } catch {
    throw new DeadLetterError(
      'DLQ_NOT_REPROCESSABLE',
      `entry ${dl.seq} (${dl.code}) is not JSON; nothing to send again — fix it at the source`,
    );
  }
  const env = dl.itemIndex !== undefined ? decodeBatch(data) : null;
  if (env?.ok) item = env.batch.items[dl.itemIndex ?? 0];
  if (typeof item !== 'object' || item === null || Array.isArray(item))
    throw new DeadLetterError('DLQ_NOT_REPROCESSABLE', `entry ${dl.seq} does not hold one record`);
  return { subject: dl.originalSubject, data: encodeBatch(msgId, [item]), msgId };
}
