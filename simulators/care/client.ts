import { Type } from '@sinclair/typebox';
import { compile } from '../../domain/index.ts';

/**
 * The simulator's HTTP side: one cookie session per demo user, JSON in and out, every response
 * timed. Node's fetch sends no Origin or Sec-Fetch-Site header, which is exactly what the API's
 * CSRF guard (api/security/csrf.ts) lets through for non-browser clients, so mutating calls need
 * nothing beyond the session cookie.
 */

export type HttpMethod = 'GET' | 'POST' | 'PUT';

export interface HttpResult {
  /** HTTP status, or 0 when no response arrived (connection refused, reset, timeout). */
  status: number;
  /** Parsed JSON body (unknown: read it only through a validator). */
  body: unknown;
  ms: number;
  /** The API's error code (`error.code`), `HTTP_<status>` without one, or `NETWORK_ERROR`. */
  errorCode?: string;
  /** The API's error message, when it gave one. */
  errorMessage?: string;
}

const ErrorBody = Type.Object({
  error: Type.Object({ code: Type.String(), message: Type.Optional(Type.String()) }),
});
const checkError = compile(ErrorBody);

export class LoginError extends Error {
  readonly code = 'LOGIN_FAILED';
}

export class CareClient {
  private readonly cookies = new Map<string, string>();

  constructor(
    readonly baseUrl: string,
    private readonly passwordOf: (user: string) => string,
    private readonly timeoutMs = 30_000,
  ) {}

  /** Logs in (again) and keeps the session cookie; throws LoginError naming the user. */
  async login(user: string): Promise<void> {
    const res = await this.send('POST', '/api/v1/auth/login', {
      username: user,
      password: this.passwordOf(user),
    });
    const cookie = res.setCookie?.split(';')[0];
    if (res.status !== 200 || !cookie?.startsWith('sbss_session='))
      throw new LoginError(`login as ${user} failed: HTTP ${res.status} ${res.errorCode ?? ''}`.trim());
    this.cookies.set(user, cookie);
  }

  /** One request as `user` (null = anonymous). A 401 on a known session logs in again and retries once. */
  async call(user: string | null, method: HttpMethod, path: string, body?: object): Promise<HttpResult> {
    if (user && !this.cookies.has(user)) await this.login(user);
    const first = await this.send(method, path, body, user ? this.cookies.get(user) : undefined);
    if (first.status !== 401 || !user) return first;
    await this.login(user);
    return this.send(method, path, body, this.cookies.get(user));
  }

  private async send(
    method: HttpMethod,
    path: string,
    body?: object,
    cookie?: string,
  ): Promise<HttpResult & { setCookie?: string | undefined }> {
    const t0 = performance.now();
    try {
      const res = await fetch(this.baseUrl + path, {
        method,
        headers: {
          accept: 'application/json',
          ...(body ? { 'content-type': 'application/json' } : {}),
          ...(cookie ? { cookie } : {}),
        },
        ...(body ? { body: JSON.stringify(body) } : {}),
        signal: AbortSignal.timeout(this.timeoutMs),
      });
      const text = await res.text();
      const ms = performance.now() - t0;
      let parsed: unknown;
      try {
        parsed = text ? (JSON.parse(text) as unknown) : undefined;
      } catch {
        parsed = undefined;
      }
      const out: HttpResult & { setCookie?: string | undefined } = {
        status: res.status,
        body: parsed,
        ms,
        setCookie: res.headers.get('set-cookie') ?? undefined,
      };
      if (res.status >= 300) {
        const e = checkError(parsed);
        out.errorCode = e.ok ? e.value.error.code : `HTTP_${res.status}`;
        if (e.ok && e.value.error.message) out.errorMessage = e.value.error.message;
      }
      return out;
    } catch (err) {
      const name = (err as Error).name;
      return {
        status: 0,
        body: undefined,
        ms: performance.now() - t0,
        errorCode: name === 'TimeoutError' ? 'CLIENT_TIMEOUT' : 'NETWORK_ERROR',
      };
    }
  }
}
