import type { FastifyInstance } from 'fastify';
import type { Role } from '../schemas.ts';

/** One registered route and the roles it declares (`null` = public, no session needed). */
export interface RouteEntry {
  method: string;
  url: string;
  roles: readonly Role[] | null;
}

/**
 * Records every route registered after this call with its declared `config.roles`, so the
 * authorization matrix can derive what each role should get (the OpenAPI document does not
 * carry route config). Call before registering routes.
 */
export function recordRoutes(app: FastifyInstance): readonly RouteEntry[] {
  const out: RouteEntry[] = [];
  app.addHook('onRoute', (route) => {
    const methods = Array.isArray(route.method) ? route.method : [route.method];
    const roles = (route.config as { roles?: readonly Role[] } | undefined)?.roles ?? null;
    for (const method of methods) out.push({ method: String(method), url: route.url, roles });
  });
  return out;
}
