import type { FastifyRequest } from 'fastify';
import {
  isOpen,
  NocRuleError,
  type Technician,
  type Ticket,
  type Complaint,
} from '../../../domain/noc/index.ts';
import type { OwnerSince } from '../owner-since.ts';
import type { Recorder } from '../care/recorder.ts';
import { telId, type NocService } from '../../../processors/noc/index.ts';
import type { ClickHouse } from '../../../infra/clickhouse/index.ts';
import type { Clock, IdGenerator } from '../../../domain/index.ts';
import { shanghaiIso, type CompiledCatalog } from '../../../domain/catalog/index.ts';
import type { Logger } from '../../../infra/log/index.ts';
import { ApiError, ForbiddenError, ValidationError } from '../../errors.ts';
import { sessionOf, type Session } from '../../auth/index.ts';

export interface NocApiContext {
  svc: NocService;
  ch: ClickHouse;
  clock: Clock;
  ids: IdGenerator;
  log: Logger;
  roster: readonly Technician[];
  /** The tariff catalog in force (names for the explanations of disputed charges). */
  catalog: CompiledCatalog;
  /** When a line last changed hands (过户): a customer's reads start there. */
  ownerSince?: OwnerSince;
  /** The audit trail (care_audit): who revealed which number, and why. */
  recorder: Recorder;
}

/** Staff who see every network ticket. */
export const NOC_STAFF = ['noc', 'supervisor', 'admin'] as const;

/** The roster entry of a technician login, or 403. */
export function technicianOf(ctx: NocApiContext, s: Session): Technician {
  const t = ctx.roster.find((x) => x.username === s.username);
  if (!t) throw new ForbiddenError('this login is not on the technician roster');
  return t;
}

/**
 * Who may see a ticket: NOC staff and agents all; a technician only what is assigned to them;
 * a customer only their own fault reports (or the network ticket their report was linked to).
 */
export function canSeeTicket(ctx: NocApiContext, s: Session, t: Ticket, sinceMs = 0): boolean {
  if (s.role === 'technician') return t.technicianId === technicianOf(ctx, s).id;
  if (s.role === 'customer') {
    if (!s.customerMsisdn) return false;
    // a report from before the line changed hands was the previous owner's (an outage still open
    // concerns whoever has the line now)
    if (t.creationDateMs < sinceMs && (t.ticketType !== 'network' || !isOpen(t))) return false;
    const tel = telId(s.customerMsisdn);
    return t.customerMsisdn === s.customerMsisdn || t.relatedEntity.some((e) => e.id === tel);
  }
  return true;
}

/** `sinceMs`: for a customer, when their line became theirs (过户); older complaints were not theirs. */
export function canSeeComplaint(s: Session, c: Complaint, sinceMs = 0): boolean {
  if (s.role === 'customer') return s.customerMsisdn === c.customerMsisdn && c.createdMs >= sinceMs;
  return s.role !== 'technician';
}

/** When a customer's line became theirs (0 for staff, or a line that never changed hands). */
export async function tenureOf(ctx: NocApiContext, s: Session): Promise<number> {
  return s.role === 'customer' && s.customerMsisdn && ctx.ownerSince ? ctx.ownerSince(s.customerMsisdn) : 0;
}

export const session = (r: FastifyRequest) => sessionOf(r);

/** Maps a NOC rule refusal to the API's error shape (stable codes). */
export function ruleError(err: unknown): never {
  if (err instanceof NocRuleError) {
    if (err.code === 'NOT_ASSIGNED') throw new ForbiddenError(err.message);
    if (err.code === 'NOTE_REQUIRED') throw new ValidationError('/note', err.message);
    if (err.code === 'SATISFACTION_INVALID') throw new ValidationError('/satisfaction', err.message);
    throw new ApiError('INVALID_STATE', `${err.code}: ${err.message}`);
  }
  throw err;
}

/** CSV with a BOM (spreadsheets open UTF-8 Chinese text correctly); cells quoted when needed. */
export function toCsv(header: string[], rows: (string | number | boolean | undefined)[][]): string {
  const esc = (v: string | number | boolean | undefined) => {
    const s = v === undefined ? '' : String(v);
    const safe = /^[=+\-@]/.test(s) ? `'${s}` : s; // no formula injection
    return /[",\n\r]/.test(safe) ? `"${safe.replace(/"/g, '""')}"` : safe;
  };
  return `\ufeff${[header, ...rows].map((r) => r.map(esc).join(',')).join('\n')}\n`;
}

/** A time in a CSV export: Beijing time with its offset (see shanghaiIso); empty when unset. */
export const iso = (ms: number | undefined) => (ms === undefined ? '' : shanghaiIso(ms));
