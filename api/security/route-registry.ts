import FindMyWay from 'find-my-way';
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

/**
 * The methods that do have a route at `url` (path, query ignored), matched by Fastify's own
 * router: a request that found no route with its method but would with another is answered
 * 405 with `Allow`, not a bare 404.
 */
export function methodsAt(routes: readonly RouteEntry[]): (url: string) => string[] {
  let router: FindMyWay.Instance<FindMyWay.HTTPVersion.V1> | null = null;
  let built = 0;
  return (url) => {
    if (!router || built !== routes.length) {
      router = FindMyWay();
      for (const r of routes)
        if (!router.hasRoute(r.method as FindMyWay.HTTPMethod, r.url))
          router.on(r.method as FindMyWay.HTTPMethod, r.url, () => undefined);
      built = routes.length;
    }
    const path = url.split('?')[0] ?? url;
    const methods = [...new Set(routes.map((r) => r.method))];
    return methods.filter((m) => router!.find(m as FindMyWay.HTTPMethod, path) !== null).sort();
  };
}
