import { decodeBatch, stableId, validators, type Cdr, type DeadLetterInfo } from '../../domain/index.ts';
import type { CompiledCatalog } from '../../domain/catalog/index.ts';
import {
  newSubscriber,
  rate,
  RatingError,
  toRatedCdr,
  type LedgerEntry,
  type Provisioning,
  type RatingNotification,
  type SubscriberState,
} from '../../domain/rating/index.ts';
import { accountSpecOf, type AnyAccountSpec } from './account-inputs.ts';
import { appendRated, outputId, type RatingOutput } from './contracts.ts';
import { DedupIndex, fingerprintOf } from './dedup.ts';

export interface InputMessage {
  seq: number;
  subject: string;
  data: Uint8Array;
}

export interface DeadLetter {
  info: DeadLetterInfo;
  original: Uint8Array;
}

export interface Applied {
  output: RatingOutput;
  deadLetters: DeadLetter[];
  duplicates: number;
  conflicts: number;
}

export interface SubscriberEntry {
  state: SubscriberState;
  /** Highest input sequence whose effects this state already holds. */
  throughSeq: number;
}

/** Which items of an input a previous run charged (read back from its output when recovering). */
export interface ReplayFilter {
  cdrIds: Set<string>;
  /** Keys of the ledger entries and notifications it emitted (a plan change moves no money: its notice is its trace). */
  effectKeys: Set<string>;
}

export type ProvisioningLookup = (msisdns: string[]) => Promise<Map<string, Provisioning>>;

const enc = new TextEncoder();

/**
 * The charging state of one subscriber partition and the decision applied to each input
 * message: CDR batches are rated, payments applied, in stream order. Deterministic for a given
 * state, catalog and input; the only outside read is the provisioning of a subscriber seen for
 * the first time. IO (consuming, publishing, checkpointing) lives in the runner.
 */
export class PartitionWorker {
  readonly states = new Map<string, SubscriberEntry>();
  readonly dirty = new Set<string>();
  readonly dedup: DedupIndex;
  appliedThrough = 0;

  constructor(
    /** The catalog in force; the runner swaps it between batches when admins publish a new one. */
    public catalog: CompiledCatalog,
    readonly partition: number,
    private readonly lookup: ProvisioningLookup,
    private readonly nowMs: () => number,
    dedupCapacity = 1_000_000,
  ) {
    this.dedup = new DedupIndex(dedupCapacity);
  }

  /**
   * Applies one input message. With `replay`, only the items a previous run charged are
   * re-applied (to rebuild state) and nothing else is decided again.
   */
  async apply(m: InputMessage, replay?: ReplayFilter): Promise<Applied> {
    const out: Applied = {
      output: {
        v: 1,
        batchId: outputId(this.partition, m.seq),
        partition: this.partition,
        inputSeq: m.seq,
        items: [],
        ledger: [],
        notifications: [],
      },
      deadLetters: [],
      duplicates: 0,
      conflicts: 0,
    };
    const env = decodeBatch(m.data);
    if (!env.ok) {
      if (!replay)
        out.deadLetters.push(this.dead(m, 'bad_envelope', env.reason, undefined, undefined, m.data));
      this.appliedThrough = Math.max(this.appliedThrough, m.seq);
      return out;
    }
    const spec = accountSpecOf(m.subject);
    if (spec) await this.applyAccountItems(m, env.batch.items, out, replay, spec);
    else await this.applyCdrs(m, env.batch.items, out, replay);
    this.appliedThrough = Math.max(this.appliedThrough, m.seq);
    return out;
  }

  /** Reads an already-applied input only to remember its CDR and payment ids (recovery). */
  remember(m: InputMessage): void {
    const env = decodeBatch(m.data);
    if (!env.ok) return;
    const spec = accountSpecOf(m.subject);
    for (const item of env.batch.items) {
      if (spec) {
        const v = spec.validate(item);
        if (v.ok) this.dedup.check(spec.key(v.value), spec.fingerprint(v.value));
      } else {
        const v = validators.cdr(item);
        if (v.ok) this.dedup.check(v.value.cdrId, fingerprintOf(v.value));
      }
    }
  }

  private async ensureStates(msisdns: Iterable<string>): Promise<void> {
    const missing = [...new Set(msisdns)].filter((n) => !this.states.has(n));
    if (missing.length === 0) return;
    const found = await this.lookup(missing);
    for (const [msisdn, p] of found) {
      const fx = newSubscriber(this.catalog, p);
      this.states.set(msisdn, { state: fx.state, throughSeq: 0 });
      this.dirty.add(msisdn);
      this.pendingOpening.set(msisdn, { ledger: fx.ledger, notifications: fx.notifications });
    }
  }

  /** Opening effects of a newly provisioned line, emitted with the first output that touches it. */
  private pendingOpening = new Map<string, { ledger: LedgerEntry[]; notifications: RatingNotification[] }>();

  private takeOpening(msisdn: string, out: Applied): void {
    const o = this.pendingOpening.get(msisdn);
    if (!o) return;
    this.pendingOpening.delete(msisdn);
    out.output.ledger.push(...o.ledger);
    out.output.notifications.push(...o.notifications);
  }

  private async applyCdrs(
    m: InputMessage,
    items: unknown[],
    out: Applied,
    replay?: ReplayFilter,
  ): Promise<void> {
    const valid: { cdr: Cdr; index: number }[] = [];
    items.forEach((item, index) => {
      const v = validators.cdr(item);
      if (v.ok) valid.push({ cdr: v.value, index });
      else if (!replay)
        out.deadLetters.push(
          this.dead(m, 'schema', v.error.message, v.error.field, index, enc.encode(JSON.stringify(item))),
        );
    });
    await this.ensureStates(valid.map((v) => v.cdr.msisdn));
    // What the output charged, each once: an input can carry the same CDR twice (a network
    // element that sent it again inside one batch); live, the dedup index skips the second copy.
    const toReplay = replay && new Set(replay.cdrIds);
    for (const { cdr, index } of valid) {
      if (toReplay && !toReplay.delete(cdr.cdrId)) continue;
      const entry = this.states.get(cdr.msisdn);
      if (!entry) {
        out.deadLetters.push(
          this.dead(
            m,
            'unknown_subscriber',
            `no line provisioned for ${cdr.msisdn}`,
            '/msisdn',
            index,
            enc.encode(JSON.stringify(cdr)),
          ),
        );
        continue;
      }
      const seen = this.dedup.check(cdr.cdrId, fingerprintOf(cdr));
      if (entry.throughSeq >= m.seq) continue; // already in the checkpointed state
      if (seen === 'duplicate' && !replay) {
        out.duplicates++;
        continue;
      }
      if (seen === 'conflict' && !replay) {
        out.conflicts++;
        out.deadLetters.push(
          this.dead(
            m,
            'conflicting_duplicate',
            `CDR id ${cdr.cdrId} was charged before with different content`,
            '/cdrId',
            index,
            enc.encode(JSON.stringify(cdr)),
          ),
        );
        continue;
      }
      try {
        const r = rate(this.catalog, entry.state, cdr);
        entry.state = r.newState;
        this.dirty.add(cdr.msisdn);
        this.takeOpening(cdr.msisdn, out);
        // The structured breakdown is not shipped per CDR (it would double the stream): it is
        // re-derived on demand by explainCharge from the stored record.
        appendRated(out.output, toRatedCdr(r.rated), r.ledger, r.notifications);
      } catch (err) {
        if (!(err instanceof RatingError)) throw err;
        out.deadLetters.push(
          this.dead(
            m,
            err.code.toLowerCase(),
            err.message,
            err.field,
            index,
            enc.encode(JSON.stringify(cdr)),
          ),
        );
      }
    }
  }

  /**
   * Payments, adjustments, plan changes and add-on packs (account-inputs.ts): validated, keyed
   * (the same key twice changes nothing), applied to the line's state in stream order.
   */
  private async applyAccountItems(
    m: InputMessage,
    items: unknown[],
    out: Applied,
    replay: ReplayFilter | undefined,
    spec: AnyAccountSpec,
  ): Promise<void> {
    const valid = items.flatMap((item, index) => {
      const v = spec.validate(item);
      if (v.ok) return [{ x: v.value, index }];
      if (!replay)
        out.deadLetters.push(
          this.dead(m, 'schema', v.error.message, v.error.field, index, enc.encode(JSON.stringify(item))),
        );
      return [];
    });
    await this.ensureStates(valid.map((v) => v.x.msisdn));
    const toReplay = replay && new Set(replay.effectKeys); // each once, as for CDRs
    for (const { x, index } of valid) {
      const key = spec.key(x);
      if (toReplay && !toReplay.delete(key)) continue;
      const entry = this.states.get(x.msisdn);
      if (!entry) {
        out.deadLetters.push(
          this.dead(
            m,
            'unknown_subscriber',
            `no line provisioned for ${x.msisdn}`,
            '/msisdn',
            index,
            enc.encode(JSON.stringify(x)),
          ),
        );
        continue;
      }
      if (entry.throughSeq >= m.seq) continue;
      if (this.dedup.check(key, spec.fingerprint(x)) !== 'new' && !replay) {
        out.duplicates++;
        continue;
      }
      try {
        const r = spec.apply(this.catalog, entry.state, x);
        entry.state = r.newState;
        this.dirty.add(x.msisdn);
        this.takeOpening(x.msisdn, out);
        out.output.ledger.push(...r.ledger);
        out.output.notifications.push(...r.notifications);
      } catch (err) {
        if (!(err instanceof RatingError)) throw err;
        const told = spec.refused?.(x, err);
        if (told) out.output.notifications.push(told);
        else
          out.deadLetters.push(
            this.dead(
              m,
              err.code.toLowerCase(),
              err.message,
              err.field,
              index,
              enc.encode(JSON.stringify(x)),
            ),
          );
      }
    }
  }

  private dead(
    m: InputMessage,
    code: string,
    reason: string,
    field: string | undefined,
    itemIndex: number | undefined,
    original: Uint8Array,
  ): DeadLetter {
    return {
      info: {
        id: stableId('dl', 'rating', m.seq, itemIndex ?? -1),
        source: 'rating',
        code,
        reason: reason.slice(0, 500),
        ...(field ? { field } : {}),
        originalSubject: m.subject,
        ...(itemIndex !== undefined ? { itemIndex } : {}),
        atMs: this.nowMs(),
      },
      original,
    };
  }
}
