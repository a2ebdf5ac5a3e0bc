import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { Type, type Static } from '@sinclair/typebox';
import { Kvm, type KV } from '@nats-io/kv';
import type { NatsConnection } from '@nats-io/transport-node';
import { jetstreamManager } from '@nats-io/jetstream';
import { CatalogError, CatalogFile, loadCatalog, type CompiledCatalog } from '../../domain/catalog/index.ts';
import { compile } from '../../domain/index.ts';
import type { Logger } from '../../infra/log/index.ts';

/**
 * The tariff catalog in force, shared by every process through the NATS KV bucket `catalog`: key
 * `current` holds the latest accepted document with its version number and who saved it; the
 * bucket keeps the last 64 versions as history. An empty bucket means "the catalog file" (version 0).
 * Admins replace it through `PUT /api/v1/catalog` (validated first); every watcher switches to the
 * new version as soon as it is stored.
 */

export const CATALOG_BUCKET = 'catalog';
export const CATALOG_HISTORY = 64;
const KEY = 'current';

const Actor = Type.Object(
  { userId: Type.String({ maxLength: 64 }), role: Type.String({ maxLength: 32 }) },
  { additionalProperties: false },
);

/** One stored catalog version (the value of key `current`). */
export const StoredCatalog = Type.Object(
  {
    version: Type.Integer({ minimum: 1 }),
    catalogVersion: Type.String({ maxLength: 64 }),
    savedAtMs: Type.Integer({ minimum: 0 }),
    savedBy: Actor,
    reason: Type.String({ maxLength: 500 }),
    document: CatalogFile,
  },
  { additionalProperties: false },
);
export type StoredCatalog = Static<typeof StoredCatalog>;
const validStored = compile(StoredCatalog);

/** The catalog in force and where it came from; version 0 is the file (nothing stored yet). */
export interface CatalogInForce {
  version: number;
  source: 'kv' | 'file';
  catalogVersion: string;
  savedAtMs: number | null;
  savedBy: { userId: string; role: string } | null;
  reason: string;
  document: CatalogFile;
  catalog: CompiledCatalog;
  /** KV revision of the stored version (0 for the file): the compare-and-set token for the next save. */
  revision: number;
}

export class CatalogConflictError extends Error {
  readonly code = 'CATALOG_CONFLICT';
  readonly retryable = true;
}

const enc = new TextEncoder();
const dec = new TextDecoder();

/** Opens the `catalog` bucket (created with the topology's settings when it does not exist yet). */
export async function openCatalogBucket(nc: NatsConnection): Promise<KV> {
  const kvm = new Kvm(nc);
  const jsm = await jetstreamManager(nc);
  // open binds without checking: create only when the topology has not made it (keeping its replicas)
  const exists = await jsm.streams.info(`KV_${CATALOG_BUCKET}`).then(
    () => true,
    () => false,
  );
  if (exists) return kvm.open(CATALOG_BUCKET);
  return kvm.create(CATALOG_BUCKET, {
    history: CATALOG_HISTORY,
    description: 'tariff catalog versions (admin edits)',
  });
}

/** Reads and validates the catalog file (the fallback while the bucket is empty). */
export function fileCatalog(path: string): CatalogInForce {
  const json: unknown = JSON.parse(readFileSync(resolve(path), 'utf8'));
  const r = loadCatalog(json);
  if (!r.ok) throw new CatalogError(r.errors);
  const document = json as CatalogFile;
  return {
    version: 0,
    source: 'file',
    catalogVersion: document.catalogVersion,
    savedAtMs: null,
    savedBy: null,
    reason: `file ${path}`,
    document,
    catalog: r.catalog,
    revision: 0,
  };
}

function fromEntry(value: Uint8Array, revision: number): CatalogInForce | null {
  let json: unknown;
  try {
    json = JSON.parse(dec.decode(value));
  } catch {
    return null;
  }
  const v = validStored(json);
  if (!v.ok) return null;
  const r = loadCatalog(v.value.document);
  if (!r.ok) return null;
  return { ...v.value, source: 'kv', catalog: r.catalog, revision };
}

/**
 * Stores an already validated catalog as the next version. `expectedRevision` is the revision of
 * the version it was checked against (0 = the bucket was empty): a concurrent save in between
 * makes this one fail with CatalogConflictError instead of silently overwriting it.
 */
export async function saveCatalogVersion(
  kv: KV,
  doc: CatalogFile,
  meta: { version: number; savedAtMs: number; savedBy: { userId: string; role: string }; reason: string },
  expectedRevision: number,
): Promise<number> {
  const stored: StoredCatalog = { ...meta, catalogVersion: doc.catalogVersion, document: doc };
  const data = enc.encode(JSON.stringify(stored));
  try {
    return expectedRevision === 0 ? await kv.create(KEY, data) : await kv.update(KEY, data, expectedRevision);
  } catch (err) {
    throw new CatalogConflictError(
      `the catalog changed while this one was being checked; reload and retry (${(err as Error).message})`,
    );
  }
}

/** The stored versions, newest first (at most the last 64), without their documents. */
export async function listCatalogVersions(kv: KV): Promise<Omit<StoredCatalog, 'document'>[]> {
  const out: Omit<StoredCatalog, 'document'>[] = [];
  const status = await kv.status();
  if (status.values === 0) return out;
  const iter = await kv.history({ key: KEY });
  for await (const e of iter) {
    if (e.operation === 'PUT') {
      const v = validStored(JSON.parse(dec.decode(e.value)));
      if (v.ok) {
        const { document: _d, ...meta } = v.value;
        out.push(meta);
      }
    }
  }
  return out.sort((a, b) => b.version - a.version);
}

/**
 * Keeps the catalog in force up to date from the KV bucket: `current()` is always a complete,
 * validated catalog (the file's while nothing is stored); `onChange` listeners run after each
 * switch. A stored value that does not validate (never written by the API) is logged and ignored.
 */
export class CatalogWatch {
  private inForce: CatalogInForce;
  private readonly listeners = new Set<(c: CompiledCatalog, info: CatalogInForce) => void>();
  private stopWatch: () => void = () => undefined;

  private constructor(
    readonly kv: KV,
    private readonly fallback: CatalogInForce,
    private readonly log?: Logger,
  ) {
    this.inForce = fallback;
  }

  /** Opens the bucket, reads the current version (or keeps the fallback) and follows changes. */
  static async open(
    nc: NatsConnection,
    opts: { fallback: CatalogInForce | string; log?: Logger },
  ): Promise<CatalogWatch> {
    const kv = await openCatalogBucket(nc);
    const fallback = typeof opts.fallback === 'string' ? fileCatalog(opts.fallback) : opts.fallback;
    const w = new CatalogWatch(kv, fallback, opts.log);
    const e = await kv.get(KEY);
    if (e && e.operation === 'PUT') w.take(e.value, e.revision);
    const iter = await kv.watch({ key: KEY, include: 'updates' });
    w.stopWatch = () => iter.stop();
    void (async () => {
      for await (const x of iter) {
        if (x.operation === 'PUT') w.take(x.value, x.revision);
        else w.set(w.fallback);
      }
    })();
    return w;
  }

  /** The compiled catalog in force now. */
  current(): CompiledCatalog {
    return this.inForce.catalog;
  }

  /** The catalog in force with its version, source and document. */
  info(): CatalogInForce {
    return this.inForce;
  }

  /** Calls `cb` after every switch to another version; returns the unsubscribe function. */
  onChange(cb: (c: CompiledCatalog, info: CatalogInForce) => void): () => void {
    this.listeners.add(cb);
    return () => this.listeners.delete(cb);
  }

  /** Applies a version this process just stored, without waiting for the watch to echo it. */
  adopt(value: CatalogInForce): void {
    if (value.revision > this.inForce.revision) this.set(value);
  }

  stop(): void {
    this.stopWatch();
    this.listeners.clear();
  }

  private take(value: Uint8Array, revision: number): void {
    if (revision <= this.inForce.revision) return;
    const next = fromEntry(value, revision);
    if (!next) {
      this.log?.error({ revision }, 'stored catalog does not validate; the catalog in force is kept');
      return;
    }
    this.set(next);
  }

  private set(next: CatalogInForce): void {
    this.inForce = next;
    this.log?.info(
      { version: next.version, catalogVersion: next.catalogVersion, source: next.source },
      'catalog in force',
    );
    for (const cb of this.listeners) {
      try {
        cb(next.catalog, next);
      } catch (err) {
        this.log?.warn({ err }, 'catalog change listener failed');
      }
    }
  }
}
