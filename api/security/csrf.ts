import type { FastifyInstance, FastifyRequest } from 'fastify';
import { ForbiddenError } from '../errors.ts';

const SAFE = new Set(['GET', 'HEAD', 'OPTIONS']);

/** Why a state-changing request is refused as cross-site, or null when it may proceed. */
export function crossSiteReason(req: {
  method: string;
  headers: Record<string, string | string[] | undefined>;
}): string | null {
  if (SAFE.has(req.method)) return null;
  const site = req.headers['sec-fetch-site'];
  if (site === 'cross-site' || site === 'same-site') return `sec-fetch-site ${site}`;
  const origin = req.headers.origin;
  if (typeof origin !== 'string') return null;
  const host = req.headers['x-forwarded-host'] ?? req.headers.host;
  if (typeof host !== 'string') return 'origin without host';
  try {
    const o = new URL(origin);
    // normalise the Host header the same way (default ports dropped) before comparing
    return o.host === new URL(`${o.protocol}//${host}`).host ? null : 'origin does not match host';
  } catch {
    return 'malformed origin';
  }
}

/**
 * CSRF protection for cookie sessions, by the standard request headers (OWASP "verify origin"):
 * a state-changing request that a browser marks as coming from another site (Sec-Fetch-Site) or
 * whose Origin names another host is refused with 403 before any handler runs. Browsers always
 * send these on cross-origin POSTs, so a forged form or fetch can never ride the cookie; same-origin
 * dashboard calls and non-browser clients (CLI, curl, tests) send no foreign origin and need no
 * change. The SameSite=Lax cookie is the second layer.
 */
export function installCsrfGuard(app: FastifyInstance): void {
  app.addHook('onRequest', async (request: FastifyRequest) => {
    const reason = crossSiteReason(request);
    if (reason) {
      request.log.warn({ event: 'csrf_refused', reason }, 'cross-site request refused');
      throw new ForbiddenError('cross-site request refused');
    }
  });
}
