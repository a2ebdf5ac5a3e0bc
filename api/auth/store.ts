import { createHash, randomBytes } from 'node:crypto';
import { Type, type Static } from '@sinclair/typebox';
import { Kvm, type KV } from '@nats-io/kv';
import type { NatsConnection } from '@nats-io/transport-node';
import { compile, type Clock } from '../../domain/index.ts';
import { E164, Role, Username } from '../schemas.ts';
import {
  WatchedCache,
  defaultWatchedCache,
  watchBucket,
  type WatchedCacheOptions,
} from '../kv-cache/index.ts';

/** A login as stored in KV `users` (key = username). */
export const UserRecord = Type.Object(
  {
    username: Username,
    role: Role,
    passwordHash: Type.String({ maxLength: 512 }),
    customerMsisdn: Type.Optional(E164),
  },
  { additionalProperties: false },
);
export type UserRecord = Static<typeof UserRecord>;

/** A session as stored in KV `sessions` (key = sha256 of the token, never the token itself). */
export const SessionRecord = Type.Object(
  { username: Username, role: Role, customerMsisdn: Type.Optional(E164), expiresAtMs: Type.Integer() },
  { additionalProperties: false },
);
export type Session = Static<typeof SessionRecord>;

const validUser = compile(UserRecord);
const validSession = compile(SessionRecord);
const enc = new TextEncoder();

function parseJson(bytes: Uint8Array): unknown {
  try {
    return JSON.parse(new TextDecoder().decode(bytes));
  } catch {
    return undefined;
  }
}

async function read<T>(
  kv: KV,
  key: string,
  check: (v: unknown) => { ok: true; value: T } | { ok: false },
): Promise<T | null> {
  const e = await kv.get(key);
  if (!e || e.operation !== 'PUT') return null;
  const r = check(parseJson(e.value));
  return r.ok ? r.value : null;
}

export const sessionKey = (token: string) => createHash('sha256').update(token).digest('hex');

/**
 * Index entries from a number to the hall accounts and sessions bound to it, in the same buckets
 * (`NUM.<digits>.<username>` in `users`, `NUM.<digits>.<session key>` in `sessions`, expiring with
 * the sessions by the bucket's TTL). Usernames are lower case, so the prefix never names a user.
 */
const numberIndexKey = (msisdn: string, id: string) => `NUM.${msisdn.replace(/^\+/, '')}.${id}`;
const numberIndexFilter = (msisdn: string) => `NUM.${msisdn.replace(/^\+/, '')}.>`;
/** Set once the accounts and sessions from before the index are indexed. */
const INDEXED = 'META.number-index-v1';

/** Users and sessions in NATS KV; live sessions cached in memory while a KV watch keeps them honest. */
export class AuthStore {
  private readonly cache: WatchedCache<Session>;
  private readonly watch: { stop(): void };

  private constructor(
    private readonly users: KV,
    private readonly sessions: KV,
    private readonly clock: Clock,
    cacheOptions: WatchedCacheOptions,
  ) {
    this.cache = new WatchedCache(clock, cacheOptions);
    this.watch = watchBucket(sessions, this.cache);
  }

  static async open(
    nc: NatsConnection,
    clock: Clock,
    cacheOptions: WatchedCacheOptions = defaultWatchedCache,
  ): Promise<AuthStore> {
    const kvm = new Kvm(nc);
    const store = new AuthStore(await kvm.open('users'), await kvm.open('sessions'), clock, cacheOptions);
    await store.backfillNumberIndex();
    return store;
  }

  /**
   * Indexes the accounts and sessions written before the number index existed, once per
   * deployment (a marker says it is done): one scan of both buckets, then never again.
   */
  private async backfillNumberIndex(): Promise<void> {
    if (await this.users.get(INDEXED)) return;
    for await (const k of await this.users.keys()) {
      const u = await read(this.users, k, validUser);
      if (u?.customerMsisdn) await this.users.put(numberIndexKey(u.customerMsisdn, k), enc.encode('{}'));
    }
    for await (const k of await this.sessions.keys()) {
      const v = await read(this.sessions, k, validSession);
      if (v?.customerMsisdn) await this.sessions.put(numberIndexKey(v.customerMsisdn, k), enc.encode('{}'));
    }
    await this.users.put(INDEXED, enc.encode(JSON.stringify({ atMs: this.clock.nowMs() })));
  }

  /** Stops the session watch (the cache then stays empty). */
  close(): void {
    this.watch.stop();
  }

  getUser(username: string): Promise<UserRecord | null> {
    if (!/^[a-z0-9._-]{1,64}$/.test(username)) return Promise.resolve(null);
    return read(this.users, username, validUser);
  }

  /** Creates the user only if the name is free; returns false when it already existed. */
  async createUser(u: UserRecord): Promise<boolean> {
    try {
      // the index entry first: a crash between the two leaves an entry to nobody, never an
      // account a change of owner could not find
      if (u.customerMsisdn)
        await this.users.put(numberIndexKey(u.customerMsisdn, u.username), enc.encode('{}'));
      await this.users.create(u.username, enc.encode(JSON.stringify(u)));
      return true;
    } catch (err) {
      if (/exists|wrong last sequence/i.test(String((err as Error).message))) return false;
      throw err;
    }
  }

  /** Opens a session; returns the random token for the cookie (only its hash is stored). */
  async openSession(u: UserRecord, ttlSec: number): Promise<{ token: string; session: Session }> {
    const token = randomBytes(32).toString('base64url');
    const session: Session = {
      username: u.username,
      role: u.role,
      ...(u.customerMsisdn ? { customerMsisdn: u.customerMsisdn } : {}),
      expiresAtMs: this.clock.nowMs() + ttlSec * 1000,
    };
    const key = sessionKey(token);
    if (u.customerMsisdn) await this.sessions.put(numberIndexKey(u.customerMsisdn, key), enc.encode('{}'));
    await this.sessions.put(key, enc.encode(JSON.stringify(session)));
    return { token, session };
  }

  /** The live session of a token, or null when unknown, malformed or expired. */
  async getSession(token: string | undefined): Promise<Session | null> {
    if (!token || token.length > 128) return null;
    const key = sessionKey(token);
    let s = this.cache.get(key);
    if (!s) {
      const mark = this.cache.mark();
      s = (await read(this.sessions, key, validSession)) ?? undefined;
      if (s) this.cache.store(key, s, mark);
    }
    if (!s || s.expiresAtMs <= this.clock.nowMs()) return null;
    return s;
  }

  /**
   * Ends every business-hall account bound to `msisdn`, and every open session on that number:
   * the number changed hands (过户), so its old owner's logins must not read the new owner's usage.
   * Reads only the number's index entries, not the buckets. Returns the usernames removed.
   */
  async revokeNumber(msisdn: string): Promise<string[]> {
    const gone: string[] = [];
    for (const k of await keysOf(this.users, numberIndexFilter(msisdn))) {
      const username = k.slice(numberIndexFilter(msisdn).length - 1);
      const u = await read(this.users, username, validUser);
      if (u?.role === 'customer' && u.customerMsisdn === msisdn) {
        await this.users.purge(username);
        gone.push(username);
      }
      await this.users.purge(k);
    }
    for (const k of await keysOf(this.sessions, numberIndexFilter(msisdn))) {
      const key = k.slice(numberIndexFilter(msisdn).length - 1);
      const s = await read(this.sessions, key, validSession);
      if (s?.customerMsisdn === msisdn) {
        this.cache.changed(key);
        await this.sessions.purge(key);
        this.cache.changed(key);
      }
      await this.sessions.purge(k);
    }
    return gone;
  }

  async closeSession(token: string | undefined): Promise<void> {
    if (!token || token.length > 128) return;
    const key = sessionKey(token);
    this.cache.changed(key);
    await this.sessions.purge(key);
    this.cache.changed(key);
  }
}

async function keysOf(kv: KV, filter: string): Promise<string[]> {
  const out = new Set<string>();
  for await (const k of await kv.keys(filter)) out.add(k);
  return [...out];
}
