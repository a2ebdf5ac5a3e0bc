import { Kvm, type KV } from '@nats-io/kv';
import type { NatsConnection } from '@nats-io/transport-node';
import type { Validator } from '../../../domain/index.ts';
import { careBuckets } from '../../../infra/nats/index.ts';
import type { WatchedCache } from '../../kv-cache/index.ts';
import { ApiError, ConflictError, NotFoundError, UnavailableError } from '../../errors.ts';

export { careBuckets };
export type CareBucket = (typeof careBuckets)[number]['name'];

/** Creates (or opens) every care bucket. */
export async function openCareBuckets(nc: NatsConnection): Promise<Record<CareBucket, KV>> {
  const kvm = new Kvm(nc);
  const out = {} as Record<CareBucket, KV>;
  for (const b of careBuckets)
    out[b.name] = await kvm.create(b.name, {
      history: b.history,
      description: b.description,
      ...('ttlSec' in b ? { ttl: b.ttlSec * 1000 } : {}),
    });
  return out;
}

export interface Versioned<T> {
  value: T;
  revision: number;
}

const enc = new TextEncoder();
const dec = new TextDecoder();
const isCasError = (err: unknown) =>
  /wrong last sequence|key exists|exists/i.test(String((err as Error)?.message));

/** KV keys allow [-/_=.a-zA-Z0-9]: '+8613…' → '8613…'. */
export const msisdnKey = (msisdn: string) => msisdn.replace(/^\+/, '');

/**
 * One kind of record in a bucket, validated on every read (a bad stored value is an error, never
 * passed on), written with compare-and-set on the revision.
 */
export class Repo<T> {
  constructor(
    readonly kv: KV,
    private readonly check: Validator<T>,
    private readonly what: string,
    private readonly cache?: WatchedCache<Versioned<T>>,
  ) {}

  /**
   * A read for display only: from the watched cache when the repo has one (a change anywhere
   * evicts within milliseconds). Never for read-modify-write: use `get`, which reads KV.
   */
  async view(key: string): Promise<Versioned<T> | null> {
    if (!this.cache) return this.get(key);
    const hit = this.cache.get(key);
    if (hit) return hit;
    const mark = this.cache.mark();
    const v = await this.get(key);
    if (v) this.cache.store(key, v, mark);
    return v;
  }

  async mustView(key: string): Promise<Versioned<T>> {
    const v = await this.view(key);
    if (!v) throw new NotFoundError(`no such ${this.what}`);
    return v;
  }

  async get(key: string): Promise<Versioned<T> | null> {
    const e = await this.kv.get(key);
    if (!e || e.operation !== 'PUT') return null;
    let json: unknown;
    try {
      json = JSON.parse(dec.decode(e.value));
    } catch {
      json = undefined;
    }
    const v = this.check(json);
    if (!v.ok)
      throw new UnavailableError(
        `stored ${this.what} ${key} is unreadable (${v.error.field} ${v.error.message})`,
      );
    return { value: v.value, revision: e.revision };
  }

  async must(key: string): Promise<Versioned<T>> {
    const v = await this.get(key);
    if (!v) throw new NotFoundError(`no such ${this.what}`);
    return v;
  }

  /** Creates the record; false when the key already exists. */
  async create(key: string, value: T): Promise<number | null> {
    try {
      return await this.kv.create(key, enc.encode(JSON.stringify(value)));
    } catch (err) {
      if (isCasError(err)) return null;
      throw err;
    } finally {
      this.cache?.changed(key);
    }
  }

  /** Writes only if the record is still at `revision`; otherwise 409 REVISION_CONFLICT. */
  async update(key: string, value: T, revision: number): Promise<number> {
    try {
      return await this.kv.update(key, enc.encode(JSON.stringify(value)), revision);
    } catch (err) {
      if (isCasError(err))
        throw new ConflictError(`${this.what} was changed by someone else; reload and retry`);
      throw err;
    } finally {
      // read-your-writes on this instance at once; other instances hear it from the watch
      this.cache?.changed(key);
    }
  }

  /**
   * Read-modify-write with CAS, retried on conflict (for server-side counters such as stock).
   * `fn` returns the new value or throws an ApiError to stop.
   */
  async mutate(key: string, fn: (cur: T | null) => T, attempts = 50): Promise<Versioned<T>> {
    for (let i = 0; i < attempts; i++) {
      const cur = await this.get(key);
      const next = fn(cur?.value ?? null);
      try {
        const revision = cur
          ? await this.kv.update(key, enc.encode(JSON.stringify(next)), cur.revision)
          : await this.kv.create(key, enc.encode(JSON.stringify(next)));
        return { value: next, revision };
      } catch (err) {
        if (!isCasError(err)) throw err;
      } finally {
        this.cache?.changed(key);
      }
    }
    throw new ApiError('UNAVAILABLE', `${this.what} is too busy; retry`);
  }

  async keys(filter: string): Promise<string[]> {
    // keys() names a key twice when it is written while listing (a notice being sent as the
    // customer's history is read showed twice): keep each once
    const out = new Set<string>();
    for await (const k of await this.kv.keys(filter)) out.add(k);
    return [...out].sort();
  }
}
