import { readFileSync } from 'node:fs';
import type { FastifyRequest } from 'fastify';
import { loadCatalog, type CompiledCatalog } from '../../../domain/catalog/index.ts';
import type { Clock, IdGenerator } from '../../../domain/index.ts';
import { maskPhone } from '../../../domain/customer/index.ts';
import type { ClickHouse } from '../../../infra/clickhouse/index.ts';
import type { Nats } from '../../../infra/nats/index.ts';
import type { Logger } from '../../../infra/log/index.ts';
import type { Metrics } from '../../../infra/metrics/index.ts';
import { sessionOf, type Session } from '../../auth/index.ts';
import { ApiError, ForbiddenError } from '../../errors.ts';
import { Outbox, simulatedGateway, type MessageGateway } from './outbox.ts';
import { Recorder } from './recorder.ts';
import {
  validators,
  type CustomerRecord,
  type LineRecord,
  type SimClaim,
  type NotificationRecord,
  type ReservationRecord,
  type StockRecord,
} from './records.ts';
import { WatchedCache, watchBucket } from '../../kv-cache/index.ts';
import { backfillLineIndex } from './line-index.ts';
import { openCareBuckets, Repo, type Versioned } from './store.ts';
import type { TemplateId } from './templates.ts';
import { simulatedPaymentGateway, type PaymentGateway } from './gateway.ts';

export interface CareDeps {
  /** CDR_PARTITIONS locates a subscriber's balance in charging's KV layout. */
  config: { CDR_PARTITIONS: number; ORDER_IDLE_DAYS?: number; SUSPENSION_MAX_DAYS?: number };
  nats: Nats;
  ch: ClickHouse;
  clock: Clock;
  ids: IdGenerator;
  log: Logger;
  /** Counts what the stock-hold sweep finished (absent in tests that do not look). */
  metrics?: Metrics;
  /** Plans catalog; default: catalog/default.json. */
  catalog?: CompiledCatalog;
  messageGateway?: MessageGateway;
  paymentGateway?: PaymentGateway;
}

/** Everything the care routes share: repositories over KV, the event recorder, the outbox. */
export interface CareContext {
  deps: CareDeps;
  catalog: CompiledCatalog;
  customers: Repo<CustomerRecord>;
  index: Repo<{ customerId: string }>;
  lines: Repo<LineRecord>;
  /** Which number each SIM card is registered to (`sim.<iccid>`, beside the line records). */
  sims: Repo<SimClaim>;
  stock: Repo<StockRecord>;
  reservations: Repo<ReservationRecord>;
  orders: Repo<unknown>;
  contracts: Repo<unknown>;
  recorder: Recorder;
  outbox: Outbox;
  payments: PaymentGateway;
  /** Stops the watches behind the read caches (on API close). */
  close(): void;
  /** Sends `template` to the customer by SMS (and e-mail when they have one). */
  notice(
    c: CustomerRecord,
    template: TemplateId,
    params: Record<string, string>,
    /** The event told of: the same key again sends nothing more (Outbox.notify's onceKey). */
    onceKey?: string,
  ): Promise<NotificationRecord[]>;
}

function defaultCatalog(): CompiledCatalog {
  const r = loadCatalog(
    JSON.parse(readFileSync(new URL('../../../catalog/default.json', import.meta.url), 'utf8')),
  );
  if (!r.ok) throw new Error(`catalog/default.json is invalid: ${JSON.stringify(r.errors[0])}`);
  return r.catalog;
}

const any = { ok: true as const };
const anyValue = Object.assign((v: unknown) => ({ ...any, value: v }), {
  schema: {},
}) as unknown as ConstructorParameters<typeof Repo<unknown>>[1];

export async function openCareContext(deps: CareDeps): Promise<CareContext> {
  const b = await openCareBuckets(deps.nats.nc);
  await backfillLineIndex(b.care_lines, deps.log);
  const recorder = new Recorder(deps.nats.js, deps.clock, deps.ids);
  const notifications = new Repo(b.notifications, validators.notification, 'notification');
  const outbox = new Outbox(
    notifications,
    b.notification_due,
    deps.messageGateway ?? simulatedGateway(),
    recorder,
    deps.clock,
    deps.ids,
  );
  // The customer 360 is the hottest care read: cached, evicted by a watch on the bucket.
  const customerCache = new WatchedCache<Versioned<CustomerRecord>>(deps.clock);
  const customerWatch = watchBucket(b.customers, customerCache);
  const ctx: CareContext = {
    deps,
    close: () => customerWatch.stop(),
    catalog: deps.catalog ?? defaultCatalog(),
    customers: new Repo(b.customers, validators.customer, 'customer', customerCache),
    index: new Repo(b.customers, validators.indexEntry, 'customer index entry'),
    lines: new Repo(b.care_lines, validators.line, 'line'),
    sims: new Repo(b.care_lines, validators.simClaim, 'SIM card'),
    stock: new Repo(b.inventory, validators.stock, 'stock'),
    reservations: new Repo(b.care_orders, validators.reservation, 'reservation'),
    orders: new Repo(b.care_orders, anyValue, 'order'),
    contracts: new Repo(b.contracts, anyValue, 'contract'),
    recorder,
    outbox,
    payments: deps.paymentGateway ?? simulatedPaymentGateway(),
    notice: async (c, template, params, onceKey) => {
      const out = [
        await outbox.notify({
          customerId: c.customerId,
          channel: 'sms',
          to: c.mobile,
          locale: c.locale,
          template,
          params,
          ...(onceKey ? { onceKey } : {}),
        }),
      ];
      if (c.email)
        out.push(
          await outbox.notify({
            customerId: c.customerId,
            channel: 'email',
            to: c.email,
            locale: c.locale,
            template,
            params,
            ...(onceKey ? { onceKey } : {}),
          }),
        );
      return out;
    },
  };
  return ctx;
}

export const staff = ['agent', 'supervisor', 'admin'] as const;
export const staffAndCustomer = ['agent', 'supervisor', 'admin', 'customer'] as const;

/** A customer may only touch their own record (the one whose mobile is their login's number). */
export function assertOwn(session: Session, c: { mobile: string }): void {
  if (session.role === 'customer' && session.customerMsisdn !== c.mobile)
    throw new ForbiddenError('customers may only see and act on their own data');
}

export function assertOwnMsisdn(session: Session, msisdn: string): void {
  if (session.role === 'customer' && session.customerMsisdn !== msisdn)
    throw new ForbiddenError(`customers may only act on their own number, not ${maskPhone(msisdn)}`);
}

export const who = (request: FastifyRequest) => sessionOf(request);

/**
 * A counter rule's refusal (domain/orders: SIM replacement, change of owner) as the API answers
 * it: 409 when the line is not active, else 422, naming the field, the code in the message's
 * last parentheses (the screens word it from there).
 */
export const refusalError = (r: { code: string; field: string; message: string }) =>
  new ApiError(
    r.code === 'LINE_NOT_ACTIVE' ? 'INVALID_STATE' : 'NOT_ELIGIBLE',
    `${r.message} (${r.code})`,
    r.field,
  );
