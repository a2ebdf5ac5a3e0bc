import type { KV } from '@nats-io/kv';
import type { WatchedCache } from './watched-cache.ts';

const WATCH_RETRY_MS = 2000;

/**
 * Keeps `cache` honest with a watch on `kv` (updates only, headers only): every change evicts its
 * key. While the watch is not running (the bucket is not there yet, the connection dropped it)
 * the cache holds nothing and the watch is tried again every 2 s. `stop()` ends it for good.
 */
export function watchBucket<S>(kv: KV, cache: WatchedCache<S>): { stop(): void } {
  let closed = false;
  let watcher: Awaited<ReturnType<KV['watch']>> | null = null;
  const run = (): void => {
    if (closed) return;
    void (async () => {
      try {
        const w = await kv.watch({ include: 'updates', headers_only: true });
        watcher = w;
        if (closed) w.stop();
        else cache.watching();
        for await (const e of w) cache.changed(e.key);
      } catch {
        /* bucket missing or watch failed: uncached reads until the retry works */
      } finally {
        cache.stopped();
        watcher = null;
      }
      if (!closed) setTimeout(run, WATCH_RETRY_MS).unref();
    })();
  };
  run();
  return {
    stop() {
      closed = true;
      watcher?.stop();
      watcher = null;
      cache.stopped();
    },
  };
}
