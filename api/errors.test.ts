import { describe, expect, it } from 'vitest';
import { ApiError, ForbiddenError, toApiError, ValidationError } from './errors.ts';

describe('error mapping', () => {
  it('keeps typed errors as they are, with the status their code fixes', () => {
    const e = toApiError(new ForbiddenError('customers may only read their own usage'));
    expect(e.statusCode).toBe(403);
    expect(e.toBody()).toEqual({
      error: { code: 'FORBIDDEN', message: 'customers may only read their own usage' },
    });
  });

  it('maps a Fastify params validation error to 400 naming the field', () => {
    const err = Object.assign(new Error('bad'), {
      statusCode: 400,
      validationContext: 'params',
      validation: [
        { instancePath: '/msisdn', keyword: 'pattern', message: 'must match pattern', params: {} },
      ],
    });
    expect(toApiError(err).toBody()).toEqual({
      error: { code: 'VALIDATION_FAILED', message: 'must match pattern (params)', field: '/msisdn' },
    });
  });

  it('names a missing required property and an unknown property', () => {
    const missing = {
      validation: [{ instancePath: '', keyword: 'required', params: { missingProperty: 'password' } }],
    };
    expect(toApiError(missing).field).toBe('/password');
    const extra = {
      validation: [
        { instancePath: '', keyword: 'additionalProperties', params: { additionalProperty: 'x' } },
      ],
    };
    expect(toApiError(extra)).toMatchObject({
      field: '/x',
      message: 'unknown property',
      code: 'VALIDATION_FAILED',
    });
  });

  it('hides the message of unexpected errors behind INTERNAL', () => {
    const e = toApiError(new Error('connection string postgres://secret@db'));
    expect(e.toBody()).toEqual({ error: { code: 'INTERNAL', message: 'internal error' } });
    expect(e.statusCode).toBe(500);
  });

  it('maps framework status codes to stable codes', () => {
    expect(toApiError({ statusCode: 415 }).code).toBe('UNSUPPORTED_MEDIA_TYPE');
    expect(toApiError({ statusCode: 429 }).code).toBe('RATE_LIMITED');
    expect(toApiError({ statusCode: 400 }).code).toBe('BAD_REQUEST');
    expect(new ValidationError('/from', 'must be before to')).toBeInstanceOf(ApiError);
  });

  it('answers a backing service timing out as 503 UNAVAILABLE, not INTERNAL', () => {
    const natsTimeout = Object.assign(new Error('timeout'), { name: 'TimeoutError' });
    expect(toApiError(natsTimeout)).toMatchObject({ code: 'UNAVAILABLE', statusCode: 503 });
    const wrapped = new Error('saving the line failed', { cause: natsTimeout });
    expect(toApiError(wrapped).code).toBe('UNAVAILABLE');
    expect(toApiError({ retryable: true, message: 'insert failed' }).code).toBe('UNAVAILABLE');
    expect(toApiError(new Error('bug')).code).toBe('INTERNAL');
  });
});
