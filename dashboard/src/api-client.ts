import type { Role } from '../../api/index.ts';

export type { Role };
export interface Me {
  username: string;
  role: Role;
  customerMsisdn?: string;
  expiresAtMs: number;
}

/** An error answer of the API, in its one shape. */
export class ApiCallError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly field?: string,
  ) {
    super(message);
  }
}

async function call<T>(method: 'GET' | 'POST' | 'PATCH' | 'PUT', path: string, body?: unknown): Promise<T> {
  let res: Response;
  try {
    res = await fetch(path, {
      method,
      credentials: 'same-origin',
      headers: body === undefined ? {} : { 'content-type': 'application/json' },
      body: body === undefined ? null : JSON.stringify(body),
    });
  } catch {
    throw new ApiCallError(0, 'NETWORK', 'network error');
  }
  if (res.status === 204) return undefined as T;
  const json: unknown = await res.json().catch(() => undefined);
  if (!res.ok) {
    const e = (json as { error?: { code?: unknown; message?: unknown; field?: unknown } } | undefined)?.error;
    throw new ApiCallError(
      res.status,
      typeof e?.code === 'string' ? e.code : 'HTTP_' + res.status,
      typeof e?.message === 'string' ? e.message : res.statusText,
      typeof e?.field === 'string' ? e.field : undefined,
    );
  }
  return json as T;
}

/** Builds a query string from the defined values only. */
/**
 * The idempotency key of one user action (an order, a renewal, a complaint). The same key goes
 * out again while the answer never came (network error, timeout, 5xx), so the API applies the
 * action once however often it is retried; a definite answer (success or a 4xx) settles it and
 * the next attempt gets a fresh key. getRandomValues also works over plain http (randomUUID not).
 */
export class RequestKey {
  private value = RequestKey.fresh();
  private static fresh(): string {
    return Array.from(crypto.getRandomValues(new Uint8Array(12)), (b) =>
      b.toString(16).padStart(2, '0'),
    ).join('');
  }
  get current(): string {
    return this.value;
  }
  /** After an attempt: pass its error, or nothing when it succeeded. */
  settle(err?: unknown): void {
    const unanswered = err instanceof ApiCallError && (err.status === 0 || err.status >= 500);
    if (!unanswered) this.value = RequestKey.fresh();
  }
  /** Runs one attempt with the current key and settles it by the outcome. */
  async attempt<T>(send: (key: string) => Promise<T>): Promise<T> {
    try {
      const r = await send(this.value);
      this.settle();
      return r;
    } catch (err) {
      this.settle(err);
      throw err;
    }
  }
}

export function qs(params: Record<string, string | number | boolean | undefined>): string {
  const u = new URLSearchParams();
  for (const [k, v] of Object.entries(params)) if (v !== undefined && v !== '') u.set(k, String(v));
  const s = u.toString();
  return s ? `?${s}` : '';
}

export const enc = encodeURIComponent;

export const api = {
  get: <T>(path: string) => call<T>('GET', path),
  post: <T>(path: string, body: unknown = {}) => call<T>('POST', path, body),
  patch: <T>(path: string, body: unknown) => call<T>('PATCH', path, body),
  put: <T>(path: string, body: unknown) => call<T>('PUT', path, body),
  me: () => call<Me>('GET', '/api/v1/auth/me'),
  login: (username: string, password: string) =>
    call<Me>('POST', '/api/v1/auth/login', { username, password }),
  logout: () => call<void>('POST', '/api/v1/auth/logout'),
};
