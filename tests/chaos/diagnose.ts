/**
 * Where did lost CDRs go missing? For ids that were sent but never charged: the RAW message
 * that carried them (stream sequence, message id), and whether ingest published them to the
 * CDR stream (under which message ids, with which sibling CDRs). Printed with a failing run.
 */
import { decodeBatch, type Cdr } from '../../domain/index.ts';
import type { Nats } from '../../infra/nats/index.ts';
import { ingestCdrBatch } from '../../ingest/index.ts';
import { readRange } from '../../processors/rating/recovery.ts';

export interface LostTrace {
  lost: number;
  /** Lost ids that reached the CDR stream (then lost in rating) vs never did (lost in ingest). */
  inCdrStream: number;
  notInRawStream: number;
  examples: {
    cdrId: string;
    rawSeq: number | null;
    rawMsgId: string | null;
    cdrStreamMsgIds: string[];
  }[];
  /** CDR stream message ids seen more than once with different CDR sets (dedup would drop the second). */
  cdrMessagesPerRawSeqRange: { msgId: string; seq: number; cdrs: number }[];
}

export async function traceLost(nats: Nats, partitions: number, lost: string[]): Promise<LostTrace> {
  const wanted = new Set(lost);
  const rawOf = new Map<string, { seq: number; msgId: string | null }>();
  let rawSeen = 0;
  await readRange(nats.js, 'RAW', 'raw.>', 1, (m) => {
    const r = ingestCdrBatch(m.data, {
      source: 'trace',
      subject: m.subject,
      partitions,
      nowMs: Date.now(),
      fallbackId: `RAW-${m.seq}`,
    });
    for (const pb of r.publishes) {
      const d = decodeBatch(pb.data);
      if (!d.ok) continue;
      for (const c of d.batch.items as Cdr[])
        if (wanted.has(c.cdrId)) {
          rawSeen++;
          rawOf.set(c.cdrId, { seq: m.seq, msgId: m.headers?.get('Nats-Msg-Id') ?? null });
        }
    }
  });
  const inCdr = new Map<string, string[]>();
  const related: { msgId: string; seq: number; cdrs: number }[] = [];
  const rawSeqs = new Set([...rawOf.values()].map((r) => r.seq));
  await readRange(nats.js, 'CDR', 'chg.*.cdr', 1, (m) => {
    const d = decodeBatch(m.data);
    if (!d.ok) return;
    const id = m.headers?.get('Nats-Msg-Id') ?? `seq-${m.seq}`;
    const range = /in-raw-(\d+)-(\d+)/.exec(id);
    if (range && [...rawSeqs].some((s) => s >= Number(range[1]) && s <= Number(range[2])))
      related.push({ msgId: id, seq: m.seq, cdrs: d.batch.items.length });
    for (const c of d.batch.items as Cdr[])
      if (wanted.has(c.cdrId)) inCdr.set(c.cdrId, [...(inCdr.get(c.cdrId) ?? []), id]);
  });
  return {
    lost: lost.length,
    inCdrStream: inCdr.size,
    notInRawStream: lost.length - rawSeen,
    examples: lost.slice(0, 3).map((id) => ({
      cdrId: id,
      rawSeq: rawOf.get(id)?.seq ?? null,
      rawMsgId: rawOf.get(id)?.msgId ?? null,
      cdrStreamMsgIds: inCdr.get(id) ?? [],
    })),
    cdrMessagesPerRawSeqRange: related.slice(0, 20),
  };
}
