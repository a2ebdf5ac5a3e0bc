import type { DeadLetterInfo } from '../../domain/index.ts';
import { subjects } from './topology.ts';
import type { PipelinedPublisher } from './publisher.ts';

/** Header names carried by every dead letter; the payload is the original bytes, untouched. */
export const DLQ_HEADERS = {
  info: 'StreamBSS-DLQ-Info',
  code: 'StreamBSS-DLQ-Code',
} as const;

const token = (s: string) => s.replace(/[^A-Za-z0-9_-]/g, '_').slice(0, 64) || 'unknown';

/**
 * Keeps a rejected message with its reason, source and original bytes on the DLQ stream.
 * The message id is the entry id, so a redelivered rejection is not kept twice.
 */
export async function publishDeadLetter(
  publisher: PipelinedPublisher,
  info: DeadLetterInfo,
  original: Uint8Array,
): Promise<void> {
  await publisher.publish({
    subject: subjects.deadLetter(token(info.source), token(info.code)),
    data: original,
    msgId: info.id,
    headers: { [DLQ_HEADERS.info]: JSON.stringify(info), [DLQ_HEADERS.code]: info.code },
  });
}
