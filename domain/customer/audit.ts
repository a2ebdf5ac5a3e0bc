import { Type, type Static } from '@sinclair/typebox';
import { Closed, EpochMs, Id, ShortText } from '../events/common.ts';

/**
 * One audited step of a care process (who did what to which entity, with before/after), published
 * on `bss.audit.<entity>` and projected into ClickHouse `care_audit`. Values of identity numbers,
 * phones and e-mail inside `changes` are already masked (see diffProfile).
 */
export const CareAuditEvent = Closed(
  {
    eventId: Id,
    atMs: EpochMs,
    actor: Closed({ userId: ShortText, role: ShortText }),
    action: Type.String({ minLength: 1, maxLength: 64, pattern: '^[a-z_.]+$' }),
    entity: Type.Union(
      [
        'customer',
        'account',
        'order',
        'contract',
        'reservation',
        'inventory',
        'notification',
        'payment',
        'complaint',
      ].map((v) => Type.Literal(v)),
    ),
    entityId: Id,
    customerId: Type.Optional(Id),
    changes: Type.Array(
      Closed({
        field: Type.String({ maxLength: 64 }),
        before: Type.Union([Type.String({ maxLength: 500 }), Type.Null()]),
        after: Type.Union([Type.String({ maxLength: 500 }), Type.Null()]),
      }),
      { maxItems: 50 },
    ),
    reason: Type.Optional(Type.String({ maxLength: 500 })),
  },
  { $id: 'CareAuditEvent' },
);
export type CareAuditEvent = Static<typeof CareAuditEvent>;
