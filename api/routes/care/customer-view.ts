import { createHash } from 'node:crypto';
import { Type } from '@sinclair/typebox';
import {
  checkResidentId,
  maskAddress,
  maskEmail,
  maskIdNumber,
  maskPhone,
  normaliseIdNumber,
} from '../../../domain/customer/index.ts';
import { ValidationError } from '../../errors.ts';
import type { Session } from '../../auth/index.ts';
import { assertOwn, assertOwnMsisdn, type CareContext } from './context.ts';
import { msisdnKey } from './store.ts';
import { AddressSchema, type CustomerRecord } from './records.ts';
import { ErrorBody } from '../../schemas.ts';

export const CustomerId = Type.String({ pattern: '^cus-[A-Za-z0-9_-]{1,40}$', maxLength: 44 });
export const Name = Type.String({ minLength: 1, maxLength: 100 });
export const IdNumber = Type.String({ minLength: 4, maxLength: 32, pattern: '^[0-9A-Za-z-]+$' });
export const Landline = Type.String({ pattern: '^[0-9-]{7,20}$' });
export const Email = Type.String({ format: 'email', maxLength: 254 });

export const idKey = (idType: string, idNumber: string) =>
  `id.${createHash('sha256')
    .update(`${idType}:${normaliseIdNumber(idType, idNumber)}`)
    .digest('hex')}`;
export const mobileKey = (msisdn: string) => `m.${msisdn.slice(1)}`;
export const customerKey = (id: string) => `c.${id}`;

/** Throws 400 naming /idNumber when a resident ID fails its check digit or birth date. */
export function validateIdentity(
  idType: string,
  idNumber: string,
  nowMs: number,
  field = '/idNumber',
): string | undefined {
  if (idType !== 'resident_id') return undefined;
  const r = checkResidentId(idNumber, nowMs);
  if (!r.ok) throw new ValidationError(field, `${r.code}: ${r.message}`);
  return r.birthDate;
}

/** The customer as a response: personal data masked unless `reveal` (own record or audited reveal). */
export function view(c: CustomerRecord, revision: number, reveal: boolean) {
  return {
    customerId: c.customerId,
    revision,
    name: c.name,
    idType: c.idType,
    idNumber: reveal ? c.idNumber : maskIdNumber(c.idNumber),
    mobile: reveal ? c.mobile : maskPhone(c.mobile),
    ...(c.landline ? { landline: reveal ? c.landline : maskPhone(c.landline) } : {}),
    ...(c.email ? { email: reveal ? c.email : maskEmail(c.email) } : {}),
    address: reveal ? c.address : maskAddress(c.address),
    serviceType: c.serviceType,
    locale: c.locale,
    registeredAtMs: c.registeredAtMs,
    updatedAtMs: c.updatedAtMs,
    masked: !reveal,
    ...(c.pendingIdentityChange
      ? {
          pendingIdentityChange: {
            idType: c.pendingIdentityChange.idType,
            idNumber: maskIdNumber(c.pendingIdentityChange.idNumber),
            requestedBy: c.pendingIdentityChange.requestedBy,
            atMs: c.pendingIdentityChange.atMs,
            reason: c.pendingIdentityChange.reason,
          },
        }
      : {}),
  };
}

/**
 * The line a session may act on, and its record: a customer only their own number, staff any
 * line of a customer they may see. 403 / 404 otherwise.
 */
export async function loadLine(ctx: CareContext, session: Session, msisdn: string) {
  assertOwnMsisdn(session, msisdn);
  const line = await ctx.lines.must(msisdnKey(msisdn));
  await loadCustomer(ctx, session, line.value.customerId);
  return line;
}

export async function loadCustomer(ctx: CareContext, session: Session, customerId: string) {
  const c = await ctx.customers.must(customerKey(customerId));
  assertOwn(session, c.value);
  return c;
}

/** The customer for display (customer 360): may come from the watched cache, never for a change. */
export async function viewCustomer(ctx: CareContext, session: Session, customerId: string) {
  const c = await ctx.customers.mustView(customerKey(customerId));
  assertOwn(session, c.value);
  return c;
}

export async function customerByMsisdn(ctx: CareContext, msisdn: string) {
  const idx = await ctx.index.get(mobileKey(msisdn));
  if (!idx) return null;
  return ctx.customers.get(customerKey(idx.value.customerId));
}

/** The customer as answered (OpenAPI and fast serialisation); masked fields keep their shape. */
export const CustomerView = Type.Object({
  customerId: Type.String(),
  revision: Type.Integer({ description: 'send it back with a change; 409 if it moved on' }),
  name: Type.String(),
  idType: Type.String(),
  idNumber: Type.String(),
  mobile: Type.String(),
  landline: Type.Optional(Type.String()),
  email: Type.Optional(Type.String()),
  address: AddressSchema,
  serviceType: Type.String(),
  locale: Type.String(),
  registeredAtMs: Type.Integer(),
  updatedAtMs: Type.Integer(),
  masked: Type.Boolean({ description: 'true when personal data is masked' }),
  pendingIdentityChange: Type.Optional(
    Type.Object({
      idType: Type.String(),
      idNumber: Type.String(),
      requestedBy: Type.String(),
      atMs: Type.Integer(),
      reason: Type.String({ description: 'why it was asked for, for the supervisor' }),
    }),
  ),
});

export const customerResponses = {
  200: CustomerView,
  400: ErrorBody,
  401: ErrorBody,
  403: ErrorBody,
  404: ErrorBody,
};
