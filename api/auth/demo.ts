import type { Logger } from '../../infra/log/index.ts';
import type { Nats } from '../../infra/nats/index.ts';
import { systemClock } from '../../domain/index.ts';
import type { Role } from '../schemas.ts';
import { hashPassword } from './password.ts';
import { AuthStore } from './store.ts';

export interface DemoUser {
  username: string;
  password: string;
  role: Role;
  customerMsisdn?: string;
  /** false when the login already existed (its password is then whatever it was set to). */
  created: boolean;
}

/**
 * The demo customer's number: subscriber 0 of the demo simulator with its default seed (42), so
 * the business-hall login sees live usage out of the box. Pass `customerMsisdn` for another seed.
 */
export const DEMO_CUSTOMER_MSISDN = '+8613800000042';

const demo: { username: string; role: Role }[] = [
  { username: 'agent', role: 'agent' },
  { username: 'noc', role: 'noc' },
  { username: 'technician', role: 'technician' },
  { username: 'supervisor', role: 'supervisor' },
  { username: 'admin', role: 'admin' },
  { username: 'customer', role: 'customer' },
];

/**
 * Creates the demo logins that are missing (never overwrites an existing one) and returns them
 * with their documented passwords `<username>-demo-2026`, for the CLI to print.
 */
export async function seedDemoUsers(
  nats: Nats,
  log: Logger,
  opts: { customerMsisdn?: string } = {},
): Promise<DemoUser[]> {
  const store = await AuthStore.open(nats.nc, systemClock);
  const customerMsisdn = opts.customerMsisdn ?? DEMO_CUSTOMER_MSISDN;
  const out: DemoUser[] = [];
  for (const d of demo) {
    const password = `${d.username}-demo-2026`;
    const msisdn = d.role === 'customer' ? { customerMsisdn } : {};
    const existing = await store.getUser(d.username);
    const created = existing
      ? false
      : await store.createUser({
          username: d.username,
          role: d.role,
          passwordHash: await hashPassword(password),
          ...msisdn,
        });
    out.push({ username: d.username, password, role: d.role, ...msisdn, created });
  }
  log.info({ created: out.filter((u) => u.created).map((u) => u.username) }, 'demo users seeded');
  return out;
}
