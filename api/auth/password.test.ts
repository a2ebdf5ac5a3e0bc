import { describe, expect, it } from 'vitest';
import { hashPassword, verifyPassword } from './password.ts';

describe('password hashing (scrypt)', () => {
  it('verifies the right password and rejects a wrong one', async () => {
    const h = await hashPassword('agent-demo-2026');
    expect(h.startsWith('scrypt$16384$8$1$')).toBe(true);
    expect(h).not.toContain('agent-demo-2026');
    expect(await verifyPassword('agent-demo-2026', h)).toBe(true);
    expect(await verifyPassword('agent-demo-2027', h)).toBe(false);
  });

  it('salts every hash, so equal passwords give different hashes', async () => {
    const [a, b] = await Promise.all([hashPassword('same'), hashPassword('same')]);
    expect(a).not.toBe(b);
  });

  it('refuses malformed or out-of-bounds stored hashes instead of throwing or hanging', async () => {
    expect(await verifyPassword('x', 'plain')).toBe(false);
    expect(await verifyPassword('x', 'scrypt$1073741824$8$1$c2FsdHNhbHQ$a2V5a2V5a2V5a2V5a2V5a2V5')).toBe(
      false,
    );
    expect(await verifyPassword('x', 'bcrypt$1$2$3$4$5')).toBe(false);
  });
});
