import type { KV } from '@nats-io/kv';
import type { Provisioning } from '../../domain/rating/index.ts';
import type { Logger } from '../../infra/log/index.ts';
import { lineKey } from './store.ts';

function parse(value: Uint8Array): Provisioning | null {
  try {
    const p = JSON.parse(Buffer.from(value).toString('utf8')) as Partial<Provisioning>;
    if (typeof p.msisdn === 'string' && typeof p.planId === 'string' && typeof p.activatedAtMs === 'number')
      return p as Provisioning;
  } catch {
    /* an unreadable entry is treated as absent */
  }
  return null;
}

/** One line's provisioning as charging reads it (KV `subscribers`), or null when it has none. */
export async function readProvisioning(kv: KV, msisdn: string): Promise<Provisioning | null> {
  const e = await kv.get(lineKey(msisdn));
  return e && e.operation === 'PUT' ? parse(e.value) : null;
}

/**
 * Every provisioned line, kept in memory by watching the `subscribers` bucket: one stream read at
 * start, then live updates. A number not yet seen is asked for directly, so a line created a
 * moment ago is still found. (One KV round trip per new subscriber would cap rating at a few
 * thousand CDRs per second.)
 */
export class ProvisioningCache {
  private lines = new Map<string, Provisioning>();
  private stopWatch: () => void = () => undefined;

  private constructor(private readonly kv: KV) {}

  static async open(kv: KV, log: Logger, timeoutMs = 60_000): Promise<ProvisioningCache> {
    const cache = new ProvisioningCache(kv);
    const status = await kv.status();
    const iter = await kv.watch();
    cache.stopWatch = () => iter.stop();
    let ready!: () => void;
    const initialised = new Promise<void>((r) => (ready = r));
    if (status.values === 0) ready();
    void (async () => {
      for await (const e of iter) {
        if (e.operation === 'PUT') {
          const p = parse(e.value);
          if (p) cache.lines.set(p.msisdn, p);
        } else cache.lines.delete(`+${e.key}`);
        if (e.isUpdate) ready();
      }
    })();
    const timer = new Promise<void>((r) => setTimeout(r, timeoutMs).unref());
    await Promise.race([initialised, timer]);
    log.info({ lines: cache.lines.size }, 'provisioned lines loaded');
    return cache;
  }

  lookup = async (msisdns: string[]): Promise<Map<string, Provisioning>> => {
    const found = new Map<string, Provisioning>();
    const misses: string[] = [];
    for (const m of msisdns) {
      const p = this.lines.get(m);
      if (p) found.set(m, p);
      else misses.push(m);
    }
    await Promise.all(
      misses.map(async (m) => {
        const p = await readProvisioning(this.kv, m);
        if (p) {
          this.lines.set(m, p);
          found.set(m, p);
        }
      }),
    );
    return found;
  };

  get size(): number {
    return this.lines.size;
  }

  stop(): void {
    this.stopWatch();
  }
}
