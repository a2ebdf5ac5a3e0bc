import type { FastifyInstance, FastifyRequest } from 'fastify';
import { RateLimitedError } from '../errors.ts';
import { SESSION_COOKIE } from '../auth/index.ts';

/** Per-user request budgets for the routes people abuse to harvest data. */
export interface UserRateLimits {
  /** Lookups (customer search and 360, a line's usage, balance, charge explanations) per user per window. */
  lookupsMax: number;
  /** CSV exports per user per window. */
  exportsMax: number;
  windowMs: number;
}

export const defaultUserRateLimits: UserRateLimits = { lookupsMax: 300, exportsMax: 20, windowMs: 60_000 };

const EXPORT = /\.csv$/;
const LOOKUP = [
  /^\/api\/v1\/customers(\/:customerId)?$/,
  /^\/api\/v1\/subscribers\/:msisdn\/(usage|usage\/summary|balance)$/,
  /^\/api\/v1\/cdrs\/:id\/explanation$/,
  /^\/api\/v1\/noc\/(tickets|complaints)$/,
];

/**
 * The budget of an audited reveal of personal data (a customer's record, a complainant's number):
 * reveals are rare and sensitive, so 30 a minute per login session.
 */
export const revealRateLimit = {
  max: 30,
  timeWindow: 60_000,
  keyGenerator: (req: FastifyRequest) => `reveal|${req.cookies[SESSION_COOKIE] ?? req.ip}`,
};

/** Which budget a route spends, if any (only reads: writes carry their own checks). */
export function budgetOf(method: string, url: string): 'export' | 'lookup' | null {
  if (method !== 'GET') return null;
  if (EXPORT.test(url)) return 'export';
  return LOOKUP.some((re) => re.test(url)) ? 'lookup' : null;
}

/** The user a request spends for: the logged-in username (all their sessions share it), else the IP. */
const userKey = (kind: string) => (req: FastifyRequest) =>
  `${kind}|${req.auth ? `u:${req.auth.username}` : `ip:${req.ip}`}`;

/**
 * Gives every lookup and export route a per-user rate limit (429 RATE_LIMITED with Retry-After),
 * unless the route already sets its own. Counted after authentication (preHandler), so refused
 * calls spend nothing and the key is the user, not the cookie. Call before routes are registered
 * and before @fastify/rate-limit, whose onRoute hook reads the config this one writes.
 */
export function installUserRateLimits(app: FastifyInstance, limits: UserRateLimits): void {
  app.addHook('onRoute', (route) => {
    const methods = Array.isArray(route.method) ? route.method : [route.method];
    const kind = methods.map((m) => budgetOf(String(m), route.url)).find((k) => k !== null);
    if (!kind) return;
    const config = (route.config ?? {}) as Record<string, unknown>;
    if (config.rateLimit !== undefined) return;
    route.config = {
      ...config,
      rateLimit: {
        max: kind === 'export' ? limits.exportsMax : limits.lookupsMax,
        timeWindow: limits.windowMs,
        hook: 'preHandler',
        keyGenerator: userKey(kind),
        errorResponseBuilder: () =>
          new RateLimitedError(
            kind === 'export' ? 'too many exports, retry later' : 'too many lookups, retry later',
          ),
      },
    } as typeof route.config;
  });
}
