import type { FastifyInstance, InjectOptions, LightMyRequestResponse } from 'fastify';
import { SESSION_COOKIE } from '../api/index.ts';

/** A request made with a demo login's session (the cookie added for you). */
export type DemoCall = (o: InjectOptions) => Promise<LightMyRequestResponse>;

/**
 * Runs `fn` logged in as a demo user (password `<user>-demo-2026`), through the API exactly as a
 * person would, and logs out after. Null when the login was refused (the password was changed),
 * with its status, so the caller can say why it skipped its seeding.
 */
export async function withDemoLogin<T>(
  app: FastifyInstance,
  username: string,
  fn: (call: DemoCall) => Promise<T>,
): Promise<{ ok: true; value: T } | { ok: false; status: number }> {
  const login = await app.inject({
    method: 'POST',
    url: '/api/v1/auth/login',
    payload: { username, password: `${username}-demo-2026` },
  });
  const session = login.cookies.find((c) => c.name === SESSION_COOKIE);
  if (login.statusCode !== 200 || !session) return { ok: false, status: login.statusCode };
  const cookie = `${session.name}=${session.value}`;
  try {
    const value = await fn((o) => app.inject({ ...o, headers: { ...o.headers, cookie } }));
    return { ok: true, value };
  } finally {
    await app.inject({ method: 'POST', url: '/api/v1/auth/logout', headers: { cookie } });
  }
}
