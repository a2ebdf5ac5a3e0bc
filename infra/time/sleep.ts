/**
 * Waits `ms`, or less if `signal` aborts first; resolves either way. Leaves no listener on the
 * signal when the time is up: a poll loop that sleeps every second on the process's signal would
 * otherwise add 86,400 abort listeners a day (and Node warns past 10).
 */
export function sleep(ms: number, signal: AbortSignal): Promise<void> {
  if (signal.aborted) return Promise.resolve();
  return new Promise<void>((resolve) => {
    const done = () => {
      clearTimeout(timer);
      signal.removeEventListener('abort', done);
      resolve();
    };
    const timer = setTimeout(done, ms);
    signal.addEventListener('abort', done, { once: true });
  });
}
