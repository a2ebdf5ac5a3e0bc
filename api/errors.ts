import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify';
import type { Logger } from '../infra/log/index.ts';

/** Every stable error code the API answers with. Clients switch on these, never on messages. */
export const errorCodes = {
  VALIDATION_FAILED: 400,
  BAD_REQUEST: 400,
  UNAUTHENTICATED: 401,
  FORBIDDEN: 403,
  NOT_FOUND: 404,
  METHOD_NOT_ALLOWED: 405,
  PAYMENT_FAILED: 402,
  REVISION_CONFLICT: 409,
  DUPLICATE: 409,
  OUT_OF_STOCK: 409,
  INVALID_STATE: 409,
  NOT_ELIGIBLE: 422,
  PAYMENT_TIMEOUT: 504,
  PAYLOAD_TOO_LARGE: 413,
  UNSUPPORTED_MEDIA_TYPE: 415,
  RATE_LIMITED: 429,
  INTERNAL: 500,
  UNAVAILABLE: 503,
} as const;
export type ErrorCode = keyof typeof errorCodes;

/** The one error body shape of every route: `{ error: { code, message, field? } }`. */
export interface ErrorBody {
  error: { code: ErrorCode; message: string; field?: string };
}

/** A typed API error: its code fixes the HTTP status; `field` names the input at fault (JSON pointer). */
export class ApiError extends Error {
  readonly statusCode: number;
  constructor(
    readonly code: ErrorCode,
    message: string,
    readonly field?: string,
  ) {
    super(message);
    this.name = 'ApiError';
    this.statusCode = errorCodes[code];
  }
  toBody(): ErrorBody {
    return {
      error: { code: this.code, message: this.message, ...(this.field ? { field: this.field } : {}) },
    };
  }
}

export class ValidationError extends ApiError {
  constructor(field: string, message: string) {
    super('VALIDATION_FAILED', message, field);
  }
}
export class UnauthenticatedError extends ApiError {
  constructor(message = 'login required') {
    super('UNAUTHENTICATED', message);
  }
}
export class ForbiddenError extends ApiError {
  constructor(message = 'your role may not do this') {
    super('FORBIDDEN', message);
  }
}
export class NotFoundError extends ApiError {
  constructor(message = 'not found') {
    super('NOT_FOUND', message);
  }
}
/** The path has routes, none for this method; `allowed` goes into the `Allow` header. */
export class MethodNotAllowedError extends ApiError {
  constructor(
    method: string,
    readonly allowed: string[],
  ) {
    super('METHOD_NOT_ALLOWED', `${method} is not allowed here; this path takes ${allowed.join(', ')}`);
  }
}
/** Someone else changed the entity since it was read: reload, reapply, retry with the new revision. */
export class ConflictError extends ApiError {
  constructor(message = 'changed by someone else since you read it; reload and retry') {
    super('REVISION_CONFLICT', message, '/revision');
  }
}
export class RateLimitedError extends ApiError {
  constructor(message = 'too many attempts, retry later') {
    super('RATE_LIMITED', message);
  }
}
export class UnavailableError extends ApiError {
  constructor(message: string) {
    super('UNAVAILABLE', message);
  }
}

interface AjvLikeError {
  instancePath?: string;
  keyword?: string;
  message?: string;
  params?: Record<string, unknown>;
}

/** Names the field of the first ajv error as a JSON pointer ('/msisdn', '/body/password' → '/password'). */
export function fieldOf(e: AjvLikeError): string {
  const base = e.instancePath ?? '';
  if (e.keyword === 'required' && typeof e.params?.missingProperty === 'string')
    return `${base}/${e.params.missingProperty}`;
  if (e.keyword === 'additionalProperties' && typeof e.params?.additionalProperty === 'string')
    return `${base}/${e.params.additionalProperty}`;
  return base || '/';
}

function messageOf(e: AjvLikeError): string {
  if (e.keyword === 'additionalProperties') return 'unknown property';
  return e.message ?? 'invalid';
}

/** Maps anything thrown inside a route to an ApiError (pure: unit-tested). */
export function toApiError(err: unknown): ApiError {
  if (err instanceof ApiError) return err;
  const fe = err as Partial<FastifyError> & { validation?: AjvLikeError[] };
  if (Array.isArray(fe.validation) && fe.validation.length > 0) {
    const first = fe.validation[0] as AjvLikeError;
    const where = fe.validationContext ? ` (${fe.validationContext})` : '';
    return new ValidationError(fieldOf(first), `${messageOf(first)}${where}`);
  }
  // A dependency that did not answer in time (a NATS request or KV read timing out, a
  // ClickHouse call marked retryable): the request may well succeed again in a moment.
  if (isDependencyTimeout(err))
    return new UnavailableError('a backing service did not answer in time; try again shortly');
  const status = typeof fe.statusCode === 'number' ? fe.statusCode : 500;
  switch (status) {
    case 400:
      return new ApiError('BAD_REQUEST', 'malformed request');
    case 401:
      return new UnauthenticatedError();
    case 403:
      return new ForbiddenError();
    case 404:
      return new NotFoundError();
    case 413:
      return new ApiError('PAYLOAD_TOO_LARGE', 'request body too large');
    case 415:
      return new ApiError('UNSUPPORTED_MEDIA_TYPE', 'unsupported content type');
    case 429:
      return new RateLimitedError();
    case 503:
      return new UnavailableError('service unavailable');
    default:
      return new ApiError('INTERNAL', 'internal error');
  }
}

function isDependencyTimeout(err: unknown): boolean {
  for (let e: unknown = err, depth = 0; e && depth < 4; depth++) {
    const x = e as { name?: unknown; retryable?: unknown; code?: unknown; cause?: unknown };
    if (x.retryable === true || x.name === 'TimeoutError' || x.code === 'TIMEOUT') return true;
    e = x.cause;
  }
  return false;
}

/** Fastify error handler: one body shape; 5xx are logged with their cause, 4xx only at debug. */
export function makeErrorHandler(log: Logger) {
  return (err: unknown, request: FastifyRequest, reply: FastifyReply) => {
    const api = toApiError(err);
    if (api.statusCode >= 500)
      log.error({ err, reqId: request.id, route: request.routeOptions.url }, 'request failed');
    else log.debug({ code: api.code, field: api.field, reqId: request.id }, 'request rejected');
    if (api.code === 'UNAVAILABLE') void reply.header('retry-after', '2');
    return reply.code(api.statusCode).type('application/json').send(api.toBody());
  };
}
