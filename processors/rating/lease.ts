import { hostname } from 'node:os';
import { Kvm, type KV } from '@nats-io/kv';
import type { NatsConnection } from '@nats-io/transport-node';
import { randomIds } from '../../domain/index.ts';

/**
 * One charging partition has one writer, also when several rating processes run (a cluster, a
 * rolling restart): a process rates a partition only while it holds that partition's lease in
 * the KV bucket `leases`. Taking a lease is a create (fails while someone holds it), keeping it
 * an update at the revision it last wrote (fails once someone else took it); the bucket's TTL
 * removes the lease of a process that died, so another takes over after at most `ttlMs`.
 *
 * A holder treats its lease as lost `safetyMs` before it could have expired (its own clock, from
 * the last renewal the server confirmed) and checks before every batch and checkpoint, so it has
 * stopped writing before anyone else can take the partition over.
 */
export const LEASE_BUCKET = 'leases';

export interface LeaseOptions {
  /** The bucket's TTL (its status says), which is how long a dead holder's lease survives. */
  ttlMs: number;
  renewEveryMs?: number;
  safetyMs?: number;
  now?: () => number;
}

export const leaseKey = (role: string, partition: number) => `${role}.p${partition}`;

/** The lease bucket and its TTL in ms. */
export async function openLeases(nc: NatsConnection): Promise<{ kv: KV; ttlMs: number }> {
  const kv = await new Kvm(nc).open(LEASE_BUCKET);
  const ttlMs = (await kv.status()).ttl;
  return { kv, ttlMs: ttlMs > 0 ? ttlMs : 10_000 };
}

export class PartitionLease {
  readonly holder = `${hostname()}-${process.pid}-${randomIds.next('l').slice(-6)}`;
  private revision = 0;
  private confirmedAtMs = 0;
  private timer: NodeJS.Timeout | null = null;
  /** Bumped whenever keeping stops: a renewal still in flight from an older round is ignored. */
  private round = 0;
  private readonly ttlMs: number;
  private readonly renewEveryMs: number;
  private readonly safetyMs: number;
  private readonly now: () => number;

  constructor(
    private readonly kv: KV,
    private readonly key: string,
    o: LeaseOptions,
  ) {
    this.ttlMs = o.ttlMs;
    this.renewEveryMs = o.renewEveryMs ?? Math.floor(this.ttlMs / 4);
    this.safetyMs = o.safetyMs ?? Math.floor(this.ttlMs / 4);
    this.now = o.now ?? Date.now;
  }

  /** Tries once to take the lease; true when this process holds it now. */
  async tryAcquire(): Promise<boolean> {
    const sentAt = this.now();
    try {
      this.revision = await this.kv.create(this.key, JSON.stringify({ holder: this.holder, atMs: sentAt }));
    } catch {
      // Our own lease can still be there (a release whose delete timed out): take it back.
      const mine = await this.stillMine().catch(() => false as const);
      if (mine === false) return false;
      this.revision = mine;
    }
    this.confirmedAtMs = sentAt;
    return true;
  }

  /** Whether this process may still write for the partition (checked before each batch). */
  held(): boolean {
    return this.revision > 0 && this.now() < this.confirmedAtMs + this.ttlMs - this.safetyMs;
  }

  /**
   * Keeps the lease alive until `onLost` (someone else took it, or renewals failed for too long).
   * One renewal at a time: the next is scheduled when the previous has answered.
   */
  keep(onLost: () => void): void {
    this.stopKeeping();
    const lost = () => {
      this.revision = 0;
      this.stopKeeping();
      onLost();
    };
    // A renewal that answers after keeping stopped (release, loss, a new round) changes nothing.
    // Before this check a late answer wrote its revision back and re-armed the timer: a released
    // lease kept being renewed, and this process stood by forever behind its own lease.
    const round = this.round;
    const current = () => round === this.round;
    const tick = async () => {
      if (this.revision === 0 || !current()) return;
      const sentAt = this.now();
      try {
        const revision = await this.kv.update(
          this.key,
          JSON.stringify({ holder: this.holder, atMs: sentAt }),
          this.revision,
        );
        if (!current()) return;
        this.revision = revision;
        this.confirmedAtMs = sentAt;
      } catch {
        // A wrong revision means someone else wrote the key, unless it is still ours (an earlier
        // renewal that timed out here but landed there): look before giving up.
        const mine = await this.stillMine().catch(() => null);
        if (!current()) return;
        if (mine === false) return lost();
        if (mine !== null) {
          this.revision = mine;
          this.confirmedAtMs = sentAt;
        }
      }
      if (!this.held()) return lost();
      if (this.revision > 0) this.timer = setTimeout(() => void tick(), this.renewEveryMs);
    };
    this.timer = setTimeout(() => void tick(), this.renewEveryMs);
  }

  /** The key's revision when it still holds this process's lease, false when someone else's. */
  private async stillMine(): Promise<number | false> {
    const e = await this.kv.get(this.key);
    if (!e || e.operation !== 'PUT') return false;
    const v = e.json<{ holder?: unknown }>();
    return v?.holder === this.holder ? e.revision : false;
  }

  private stopKeeping(): void {
    this.round++;
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
  }

  /** Gives the lease back (clean stop): another process can take the partition at once. */
  async release(): Promise<void> {
    this.stopKeeping();
    const rev = this.revision;
    this.revision = 0;
    if (rev > 0) await this.kv.delete(this.key, { previousSeq: rev }).catch(() => undefined);
  }
}
