export { recordRoutes, type RouteEntry } from './route-registry.ts';
export { installCsrfGuard, crossSiteReason } from './csrf.ts';
