/** Public surface of the API: the app factory, demo logins, error types and shared schemas. */
export { createApi, type Api, type ApiDeps } from './app.ts';
export {
  seedDemoUsers,
  DEMO_CUSTOMER_MSISDN,
  hashPassword,
  SESSION_COOKIE,
  type DemoUser,
} from './auth/index.ts';
export {
  ApiError,
  ValidationError,
  UnauthenticatedError,
  ForbiddenError,
  NotFoundError,
  ConflictError,
  RateLimitedError,
  UnavailableError,
  errorCodes,
  type ErrorCode,
  type ErrorBody,
} from './errors.ts';
export { roles, type Role } from './schemas.ts';
export { LIVE_EVENT, NOC_ROOM, type LiveSnapshot, type LiveCdr } from './live/index.ts';
