import {
  type Cdr,
  decodeBatch,
  encodeCdrBatch,
  partitionOf,
  stableId,
  type DeadLetterInfo,
} from '../domain/index.ts';
import { normaliseCdr } from './normalize.ts';
import type { PublishItem } from '../infra/nats/index.ts';
import { subjects } from '../infra/nats/index.ts';

export interface RejectedItem {
  info: DeadLetterInfo;
  original: Uint8Array;
}

export interface IngestResult {
  /** One publish per partition that received CDRs (encoded when first read). */
  readonly publishes: PublishItem[];
  /** The accepted CDRs by partition (what `publishes` carries), for callers that re-batch. */
  groups: Map<number, Cdr[]>;
  rejected: RejectedItem[];
  accepted: number;
}

const enc = new TextEncoder();

/**
 * Pure decision of the ingest edge for one raw batch: validate and normalise every item, group
 * the good ones by subscriber partition, and describe each bad one as a dead letter. The same
 * input always gives the same message ids, so a redelivered raw batch republishes nothing new.
 */
export function ingestCdrBatch(
  data: Uint8Array,
  ctx: { source: string; subject: string; partitions: number; nowMs: number; fallbackId: string },
): IngestResult {
  const env = decodeBatch(data);
  if (!env.ok) {
    const id = stableId('dl', ctx.source, ctx.fallbackId);
    return {
      publishes: [],
      groups: new Map(),
      accepted: 0,
      rejected: [
        {
          info: {
            id,
            source: ctx.source,
            code: 'bad_envelope',
            reason: env.reason,
            originalSubject: ctx.subject,
            atMs: ctx.nowMs,
          },
          original: data,
        },
      ],
    };
  }
  const { batchId, items } = env.batch;
  const groups = new Map<number, Cdr[]>();
  const rejected: RejectedItem[] = [];
  let accepted = 0;
  items.forEach((item, index) => {
    const r = normaliseCdr(item, ctx.nowMs);
    if (r.ok) {
      const p = partitionOf(r.cdr.msisdn, ctx.partitions);
      let g = groups.get(p);
      if (!g) groups.set(p, (g = []));
      g.push(r.cdr);
      accepted++;
    } else {
      rejected.push({
        info: {
          id: stableId('dl', ctx.source, batchId, index),
          source: ctx.source,
          code: r.rejection.code,
          reason: r.rejection.reason,
          field: r.rejection.field,
          originalSubject: ctx.subject,
          itemIndex: index,
          atMs: ctx.nowMs,
        },
        original: enc.encode(JSON.stringify(item)),
      });
    }
  });
  // Encoded on first use: the NATS adapter re-batches `groups` and never reads `publishes`.
  let publishes: PublishItem[] | undefined;
  return {
    get publishes() {
      publishes ??= [...groups]
        .sort((a, b) => a[0] - b[0])
        .map(([p, cdrs]) => {
          const id = `in-${batchId}-p${p}`.slice(0, 128);
          return { subject: subjects.cdr(p), data: encodeCdrBatch(id, cdrs), msgId: id };
        });
      return publishes;
    },
    groups,
    rejected,
    accepted,
  };
}

/**
 * Merges the partition groups of several raw batches into few, larger messages (at most
 * `maxPerMessage` CDRs each): with many partitions a 100-CDR raw batch would otherwise become
 * messages of a handful of CDRs. Ids are derived from the raw sequences covered; if a redelivery
 * groups differently, the charging partition's CDR-id dedup still charges each CDR once.
 */
export function mergeGroups(
  groups: Map<number, Cdr[]>[],
  idPrefix: string,
  maxPerMessage: number,
): PublishItem[] {
  const all = new Map<number, Cdr[]>();
  for (const g of groups)
    for (const [p, cdrs] of g) {
      const list = all.get(p);
      if (list) for (const c of cdrs) list.push(c);
      else all.set(p, [...cdrs]);
    }
  const out: PublishItem[] = [];
  for (const [p, cdrs] of [...all].sort((a, b) => a[0] - b[0])) {
    for (let i = 0, chunk = 0; i < cdrs.length; i += maxPerMessage, chunk++) {
      const id = `${idPrefix}-p${p}-${chunk}`.slice(0, 128);
      out.push({
        subject: subjects.cdr(p),
        data: encodeCdrBatch(id, cdrs.slice(i, i + maxPerMessage)),
        msgId: id,
      });
    }
  }
  return out;
}
