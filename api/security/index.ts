export { methodsAt, notFoundKind, recordRoutes, type RouteEntry } from './route-registry.ts';
export { installCsrfGuard, crossSiteReason } from './csrf.ts';
export {
  installUserRateLimits,
  budgetOf,
  defaultUserRateLimits,
  revealRateLimit,
  type UserRateLimits,
} from './rate-limits.ts';
export { installFiniteNumberGuard, nonFinitePath } from './finite-numbers.ts';
export { installValidators, buildValidators, type HttpPart } from './validators.ts';
