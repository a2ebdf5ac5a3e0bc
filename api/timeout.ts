/** Resolves to `fallback` if `p` has not settled within `ms` (p keeps running; its result is ignored). */
export function withTimeout<T>(p: Promise<T>, ms: number, fallback: T): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const t = new Promise<T>((resolve) => {
    timer = setTimeout(() => resolve(fallback), ms);
    timer.unref();
  });
  return Promise.race([p.catch(() => fallback), t]).finally(() => clearTimeout(timer));
}
