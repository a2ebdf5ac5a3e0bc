export { WatchedCache, defaultWatchedCache, type WatchedCacheOptions } from './watched-cache.ts';
export { watchBucket } from './kv-watch.ts';
