import { Type, type Static } from '@sinclair/typebox';

/** Route schemas shared by several routes: the one source of truth for validation, types and OpenAPI. */

export const roles = ['agent', 'noc', 'technician', 'supervisor', 'admin', 'customer'] as const;
export const Role = Type.Union(
  roles.map((r) => Type.Literal(r)),
  { $id: 'Role' },
);
export type Role = (typeof roles)[number];

/** A client's idempotency key: the same key never performs the action twice (see docs/care.md). */
export const RequestId = (description: string) =>
  Type.String({ pattern: '^[A-Za-z0-9_-]{8,64}$', description });

export const E164 = Type.String({
  pattern: '^\\+[1-9][0-9]{5,14}$',
  maxLength: 16,
  description: 'E.164 number with leading + (URL-encode it as %2B in paths)',
  examples: ['+8613812345678'],
});

export const Username = Type.String({ minLength: 1, maxLength: 64, pattern: '^[a-z0-9._-]+$' });

export const ErrorBody = Type.Object(
  {
    error: Type.Object({
      code: Type.String({ description: 'stable machine code, e.g. VALIDATION_FAILED' }),
      message: Type.String(),
      field: Type.Optional(Type.String({ description: 'JSON pointer of the input at fault' })),
    }),
  },
  { $id: 'ErrorBody', description: 'every error answers in this shape' },
);
export type ErrorBodyT = Static<typeof ErrorBody>;

/** Common error responses for OpenAPI. */
export const errorResponses = {
  400: ErrorBody,
  401: ErrorBody,
  403: ErrorBody,
  429: ErrorBody,
} as const;

export const Me = Type.Object({
  username: Type.String(),
  role: Role,
  customerMsisdn: Type.Optional(E164),
  expiresAtMs: Type.Integer(),
});
export type Me = Static<typeof Me>;
