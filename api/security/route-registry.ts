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
 * 405 with `Allow`, not a bare 404. Catch-all routes (a `*` in the pattern, such as the
 * dashboard's static files) are left out: every path matches them, so they say nothing about
 * whether this path exists.
 */
export function methodsAt(routes: readonly RouteEntry[]): (url: string) => string[] {
  let router: FindMyWay.Instance<FindMyWay.HTTPVersion.V1> | null = null;
  let built = 0;
  return (url) => {
    if (!router || built !== routes.length) {
      router = FindMyWay();
      for (const r of routes)
        if (!r.url.includes('*') && !router.hasRoute(r.method as FindMyWay.HTTPMethod, r.url))
          router.on(r.method as FindMyWay.HTTPMethod, r.url, () => undefined);
      built = routes.length;
    }
    const path = url.split('?')[0] ?? url;
    const methods = [...new Set(routes.map((r) => r.method))];
    return methods.filter((m) => router!.find(m as FindMyWay.HTTPMethod, path) !== null).sort();
  };
}

/**
 * How a request that reached the not-found handler is answered: 405 naming the methods the path
 * takes when it has routes but none for this method; otherwise 404. A route that exists for
 * this very method and still ends here (a static file that is not there) is a 404.
 */
export function notFoundKind(method: string, allowed: readonly string[]): 'not_found' | 'method_not_allowed' {
  return allowed.length > 0 && !allowed.includes(method) ? 'method_not_allowed' : 'not_found';
}
