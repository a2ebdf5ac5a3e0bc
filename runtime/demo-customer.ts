import type { FastifyInstance } from 'fastify';
import { DEMO_CUSTOMER_MSISDN } from '../api/index.ts';
import { withDemoLogin } from './demo-session.ts';
import type { Logger } from '../infra/log/index.ts';

/**
 * The demo customer's care record: the person behind the demo `customer` login's line, so an
 * agent who opens 客户360 on a fresh `npm start` finds the customer whose business hall is live.
 */
export const DEMO_CUSTOMER = {
  name: '李四',
  idType: 'resident_id',
  idNumber: '110105199003070017',
  mobile: DEMO_CUSTOMER_MSISDN,
  email: 'li.si@example.com',
  address: { province: '北京', city: '北京', district: '朝阳区', street: '建国路', number: '88号' },
  serviceType: 'mobile',
  channel: 'counter',
} as const;

export type DemoCustomerSeed = 'created' | 'existed' | 'skipped';

/**
 * Registers the demo customer the way an agent does (the same API call, as the demo agent
 * login), so the record, its identity index, the audit entry and the welcome notices are what
 * a real registration leaves. Registering an identity twice returns the existing customer, so
 * this is safe on every start. Skipped, with a warning, when the demo agent's password was
 * changed.
 */
export async function seedDemoCustomer(app: FastifyInstance, log: Logger): Promise<DemoCustomerSeed> {
  const r = await withDemoLogin(app, 'agent', async (call) => {
    const created = await call({ method: 'POST', url: '/api/v1/customers', payload: DEMO_CUSTOMER });
    const customerId =
      created.statusCode === 200 || created.statusCode === 201 ? customerIdOf(created.body) : null;
    // the line the demo customer logs in with is live in the network: put it on record as theirs
    const line = customerId
      ? await call({
          method: 'POST',
          url: `/api/v1/lines/${encodeURIComponent(DEMO_CUSTOMER_MSISDN)}/owner`,
          payload: { customerId, channel: 'counter' },
        })
      : null;
    return { created, customerId, line };
  });
  if (!r.ok) {
    log.warn({ status: r.status }, 'demo customer not registered: the demo agent login was refused');
    return 'skipped';
  }
  const { created, customerId, line } = r.value;
  if (!customerId) {
    log.warn(
      { status: created.statusCode, body: created.body.slice(0, 300) },
      'demo customer not registered',
    );
    return 'skipped';
  }
  if (line && line.statusCode !== 200 && line.statusCode !== 201)
    // 404: no simulator here has provisioned the line yet (a role-split deployment)
    (line.statusCode === 404 ? log.info.bind(log) : log.warn.bind(log))(
      { status: line.statusCode, body: line.body.slice(0, 300) },
      'demo line not put on record',
    );
  const seeded: DemoCustomerSeed = created.statusCode === 201 ? 'created' : 'existed';
  log.info({ seeded, line: line?.statusCode === 201 ? 'registered' : 'on record' }, 'demo customer');
  return seeded;
}

function customerIdOf(body: string): string | null {
  try {
    const id = (JSON.parse(body) as { customer?: { customerId?: unknown } }).customer?.customerId;
    return typeof id === 'string' ? id : null;
  } catch {
    return null;
  }
}
