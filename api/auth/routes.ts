import { Type } from '@sinclair/typebox';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { ForbiddenError, RateLimitedError, UnauthenticatedError } from '../errors.ts';
import { ErrorBody, Me, roles, type Role } from '../schemas.ts';
import { dummyHash, verifyPassword } from './password.ts';
import type { AuthStore, Session } from './store.ts';

export const SESSION_COOKIE = 'sbss_session';

declare module 'fastify' {
  interface FastifyContextConfig {
    /** Roles allowed on this route; absent = public. Enforced by the auth onRequest hook. */
    roles?: readonly Role[];
  }
  interface FastifyRequest {
    /** The caller's session, set by the auth hook on routes that declare roles. */
    auth: Session | null;
  }
}

export interface AuthOptions {
  store: AuthStore;
  sessionTtlSec: number;
  loginMax: number;
  loginWindowMs: number;
}

/** Every role: for routes any logged-in user may call. */
export const anyRole: readonly Role[] = roles;

/** onRequest hook: routes with `config.roles` need a live session (401) of one of those roles (403). */
export function installAuthHook(app: FastifyInstance, store: AuthStore): void {
  app.decorateRequest('auth', null);
  app.addHook('onRequest', async (request: FastifyRequest) => {
    const allowed = request.routeOptions.config.roles;
    if (!allowed) return;
    const session = await store.getSession(request.cookies[SESSION_COOKIE]);
    if (!session) throw new UnauthenticatedError();
    if (!allowed.includes(session.role)) throw new ForbiddenError();
    request.auth = session;
  });
}

/** Reads the session a route's hook attached (the route declared roles, so it is there). */
export function sessionOf(request: FastifyRequest): Session {
  if (!request.auth) throw new UnauthenticatedError();
  return request.auth;
}

const LoginBody = Type.Object(
  {
    username: Type.String({ minLength: 1, maxLength: 64 }),
    password: Type.String({ minLength: 1, maxLength: 256 }),
  },
  { additionalProperties: false },
);

function setCookie(reply: FastifyReply, request: FastifyRequest, token: string, maxAgeSec: number): void {
  reply.setCookie(SESSION_COOKIE, token, {
    httpOnly: true,
    sameSite: 'lax',
    secure: request.protocol === 'https',
    path: '/',
    maxAge: maxAgeSec,
  });
}

const meOf = (s: Session) => ({
  username: s.username,
  role: s.role,
  ...(s.customerMsisdn ? { customerMsisdn: s.customerMsisdn } : {}),
  expiresAtMs: s.expiresAtMs,
});

export function authRoutes(app: FastifyInstance, o: AuthOptions): void {
  const r = app.withTypeProvider<TypeBoxTypeProvider>();

  r.post(
    '/api/v1/auth/login',
    {
      schema: {
        tags: ['auth'],
        summary: 'Log in; sets the httpOnly session cookie',
        body: LoginBody,
        response: { 200: Me, 400: ErrorBody, 401: ErrorBody, 429: ErrorBody },
      },
      config: {
        rateLimit: {
          max: o.loginMax,
          timeWindow: o.loginWindowMs,
          hook: 'preHandler',
          keyGenerator: (req: FastifyRequest) => {
            const body = req.body as { username?: unknown } | undefined;
            return `${req.ip}|${typeof body?.username === 'string' ? body.username.toLowerCase() : ''}`;
          },
          errorResponseBuilder: () => new RateLimitedError('too many login attempts, retry later'),
        },
      },
    },
    async (request, reply) => {
      const { username, password } = request.body;
      const user = await o.store.getUser(username.toLowerCase());
      const ok = await verifyPassword(password, user?.passwordHash ?? (await dummyHash()));
      if (!user || !ok) {
        request.log.info({ event: 'login_failed' }, 'login failed');
        throw new UnauthenticatedError('wrong username or password');
      }
      const { token, session } = await o.store.openSession(user, o.sessionTtlSec);
      setCookie(reply, request, token, o.sessionTtlSec);
      request.log.info({ event: 'login', role: session.role }, 'login');
      return meOf(session);
    },
  );

  r.post(
    '/api/v1/auth/logout',
    {
      schema: { tags: ['auth'], summary: 'Log out; ends the session', response: { 204: Type.Null() } },
    },
    async (request, reply) => {
      await o.store.closeSession(request.cookies[SESSION_COOKIE]);
      reply.clearCookie(SESSION_COOKIE, { path: '/' });
      return reply.code(204).send(null);
    },
  );

  r.get(
    '/api/v1/auth/me',
    {
      schema: {
        tags: ['auth'],
        summary: 'Who am I',
        security: [{ cookieAuth: [] }],
        response: { 200: Me, 401: ErrorBody },
      },
      config: { roles: anyRole },
    },
    async (request) => meOf(sessionOf(request)),
  );
}
