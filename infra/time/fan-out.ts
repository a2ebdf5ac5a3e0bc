import { setMaxListeners } from 'node:events';

/**
 * A signal that aborts with `parent`, for a runner that hands one stop signal to many long-lived
 * listeners (a consumer per sink, a worker per partition). The parent sees one dependent signal
 * instead of one listener per consumer, so Node's leak warning at 11 listeners keeps meaning a
 * leak; the child allows any number, as they are bounded by what the runner starts.
 */
export function fanOut(parent: AbortSignal): AbortSignal {
  const child = AbortSignal.any([parent]);
  setMaxListeners(0, child);
  return child;
}
