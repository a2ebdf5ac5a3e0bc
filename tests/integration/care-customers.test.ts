import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { newCustomerBody, residentId, startCareEnv, type CareEnv } from '../support/care.ts';
import { waitFor } from '../support/env.ts';

describe('care: customer entry, accounts, profile change, reveal (real NATS + ClickHouse)', () => {
  let env: CareEnv;
  beforeAll(async () => {
    env = await startCareEnv();
  });
  afterAll(async () => {
    await env?.close();
  });

  it('registers a customer with masked data, finds the duplicate instead of creating it twice', async () => {
    const body = newCustomerBody();
    const res = await env.call('agent', 'POST', '/api/v1/customers', body);
    expect(res.statusCode).toBe(201);
    const c = res.json().customer;
    expect(c.idNumber).toMatch(/^110\*+\d{3}[\dX]$/);
    expect(c.mobile).toMatch(/^\+86137\*{4}\d{4}$/);
    expect(c.address).toMatchObject({ province: '北京', street: '***' });
    const again = await env.call('agent', 'POST', '/api/v1/customers', { ...body, mobile: '+8613700000001' });
    expect(again.statusCode).toBe(200);
    expect(again.json()).toMatchObject({ created: false, customer: { customerId: c.customerId } });
    const byPhone = await env.call(
      'agent',
      'GET',
      `/api/v1/customers?phone=${encodeURIComponent(body.mobile)}`,
    );
    expect(byPhone.json().customers[0].customerId).toBe(c.customerId);
    const notes = await env.call('agent', 'GET', `/api/v1/customers/${c.customerId}/notifications`);
    expect(
      notes
        .json()
        .notifications.map((n: { channel: string; state: string }) => `${n.channel}:${n.state}`)
        .sort(),
    ).toEqual(['email:sent', 'sms:sent']);
  });

  it('creates one customer when the same person is entered at two counters at once', async () => {
    const body = newCustomerBody();
    const both = await Promise.all([
      env.call('agent', 'POST', '/api/v1/customers', body),
      env.call('supervisor', 'POST', '/api/v1/customers', body),
    ]);
    expect(both.map((r) => r.statusCode).sort()).toEqual([200, 201]);
    const ids = both.map((r) => r.json().customer.customerId);
    expect(ids[0]).toBe(ids[1]);
  });

  it('rejects a resident ID with a wrong check digit or birth date, naming /idNumber', async () => {
    const good = residentId();
    const bad = good.slice(0, 17) + (good[17] === '1' ? '2' : '1');
    const res = await env.call('agent', 'POST', '/api/v1/customers', newCustomerBody({ idNumber: bad }));
    expect(res.statusCode).toBe(400);
    expect(res.json().error).toMatchObject({ code: 'VALIDATION_FAILED', field: '/idNumber' });
    expect(res.json().error.message).toContain('ID_CHECK_DIGIT');
    const feb30 = await env.call(
      'agent',
      'POST',
      '/api/v1/customers',
      newCustomerBody({ idNumber: '110105199002301234' }),
    );
    expect(feb30.json().error.message).toContain('ID_BIRTH_DATE');
    const extra = await env.call('agent', 'POST', '/api/v1/customers', { ...newCustomerBody(), vip: true });
    expect(extra.json().error).toMatchObject({ field: '/vip' });
    const noRole = await env.call('technician', 'POST', '/api/v1/customers', newCustomerBody());
    expect(noRole.statusCode).toBe(403);
  });

  it('reveals personal data only through the audited reveal, and searches by name from ClickHouse', async () => {
    const body = newCustomerBody({ name: '李四揭示' });
    const c = (await env.call('agent', 'POST', '/api/v1/customers', body)).json().customer;
    const shown = await env.call('agent', 'POST', `/api/v1/customers/${c.customerId}/reveal`, {
      reason: 'customer at counter asks',
    });
    expect(shown.json()).toMatchObject({ idNumber: body.idNumber, mobile: body.mobile, masked: false });
    const trail = await waitFor(async () => {
      const r = (await env.call('supervisor', 'GET', `/api/v1/customers/${c.customerId}/audit`)).json();
      return r.entries.some((e: { action: string }) => e.action === 'customer.revealed') ? r : null;
    });
    expect(trail.entries.find((e: { action: string }) => e.action === 'customer.revealed')).toMatchObject({
      actor: 'agent',
      reason: 'customer at counter asks',
    });
    const found = await waitFor(async () => {
      const r = (
        await env.call('agent', 'GET', `/api/v1/customers?name=${encodeURIComponent('李四揭')}`)
      ).json();
      return r.customers.length ? r : null;
    });
    expect(found.customers[0]).toMatchObject({ customerId: c.customerId, masked: true });
  });

  it('registers a business-hall account with a strong password and lets the customer see only their own data', async () => {
    const body = newCustomerBody({ name: '王五' });
    const c = (await env.call('agent', 'POST', '/api/v1/customers', body)).json().customer;
    const reg = {
      username: 'wangwu',
      name: '王五',
      phone: body.mobile,
      email: 'w@example.com',
      password: 'weakpass',
      passwordConfirm: 'weakpass',
    };
    const weak = await env.call('', 'POST', '/api/v1/accounts', reg);
    expect(weak.json().error).toMatchObject({ code: 'VALIDATION_FAILED', field: '/password' });
    const mismatch = await env.call('', 'POST', '/api/v1/accounts', {
      ...reg,
      password: 'Hall-Pass-2026',
      passwordConfirm: 'Hall-Pass-2025',
    });
    expect(mismatch.json().error.field).toBe('/passwordConfirm');
    const ok = await env.call('', 'POST', '/api/v1/accounts', {
      ...reg,
      password: 'Hall-Pass-2026',
      passwordConfirm: 'Hall-Pass-2026',
    });
    expect(ok.statusCode).toBe(201);
    const dup = await env.call('', 'POST', '/api/v1/accounts', {
      ...reg,
      password: 'Hall-Pass-2026',
      passwordConfirm: 'Hall-Pass-2026',
    });
    expect(dup.json().error).toMatchObject({ code: 'DUPLICATE', field: '/username' });
    const cookie = await env.login('wangwu', 'Hall-Pass-2026');
    const own = await env.api.app.inject({ url: `/api/v1/customers/${c.customerId}`, headers: { cookie } });
    expect(own.json()).toMatchObject({ mobile: body.mobile, masked: false });
    // the hall finds its own record without knowing the customer id; staff have no "me"
    const me = await env.api.app.inject({ url: '/api/v1/customers/me', headers: { cookie } });
    expect(me.json()).toMatchObject({ customerId: c.customerId, idNumber: body.idNumber, masked: false });
    expect((await env.call('agent', 'GET', '/api/v1/customers/me')).statusCode).toBe(403);
    // password change: wrong current → 401, weak → names the field, good → the new one logs in
    const pw = (payload: object) =>
      env.api.app.inject({ method: 'POST', url: '/api/v1/accounts/password', payload, headers: { cookie } });
    expect(
      (await pw({ currentPassword: 'nope', newPassword: 'x', newPasswordConfirm: 'x' })).statusCode,
    ).toBe(401);
    const weakNew = await pw({
      currentPassword: 'Hall-Pass-2026',
      newPassword: 'abc',
      newPasswordConfirm: 'abc',
    });
    expect(weakNew.json().error.field).toBe('/newPassword');
    const changed = await pw({
      currentPassword: 'Hall-Pass-2026',
      newPassword: 'New-Hall-Pass-7',
      newPasswordConfirm: 'New-Hall-Pass-7',
    });
    expect(changed.statusCode).toBe(204);
    await env.login('wangwu', 'New-Hall-Pass-7');
    const other = (await env.call('agent', 'POST', '/api/v1/customers', newCustomerBody())).json().customer;
    const denied = await env.api.app.inject({
      url: `/api/v1/customers/${other.customerId}`,
      headers: { cookie },
    });
    expect(denied.statusCode).toBe(403);
  });

  it('applies a profile change with before/after audit, and answers 409 to the slower of two concurrent edits', async () => {
    const c = (await env.call('agent', 'POST', '/api/v1/customers', newCustomerBody())).json().customer;
    const url = `/api/v1/customers/${c.customerId}`;
    const addr = (street: string) => ({
      province: '北京',
      city: '北京',
      district: '海淀区',
      street,
      number: '1号',
    });
    const [a, b] = await Promise.all([
      env.call('agent', 'PATCH', url, { revision: c.revision, changes: { address: addr('中关村大街') } }),
      env.call('supervisor', 'PATCH', url, { revision: c.revision, changes: { address: addr('学院路') } }),
    ]);
    expect([a.statusCode, b.statusCode].sort()).toEqual([200, 409]);
    const loser = a.statusCode === 409 ? a : b;
    expect(loser.json().error).toMatchObject({ code: 'REVISION_CONFLICT', field: '/revision' });
    const winner = a.statusCode === 200 ? a : b;
    expect(winner.json().changes.map((x: { field: string }) => x.field)).toEqual([
      'address.district',
      'address.number',
      'address.street',
    ]);
    const trail = await waitFor(async () => {
      const r = (await env.call('supervisor', 'GET', `${url}/audit`)).json();
      return r.entries.some((e: { action: string }) => e.action === 'customer.changed') ? r : null;
    });
    const change = trail.entries.find((e: { action: string }) => e.action === 'customer.changed');
    expect(change.changes).toContainEqual({ field: 'address.district', before: '朝阳区', after: '海淀区' });
  });

  it('holds an identity change until a supervisor approves it', async () => {
    const c = (await env.call('agent', 'POST', '/api/v1/customers', newCustomerBody())).json().customer;
    const url = `/api/v1/customers/${c.customerId}`;
    const newId = residentId();
    const req = await env.call('agent', 'PATCH', url, {
      revision: c.revision,
      changes: { idNumber: newId },
      reason: '换发新证',
    });
    expect(req.statusCode).toBe(202);
    expect(req.json()).toMatchObject({ identityChangePending: true });
    const still = (await env.call('agent', 'GET', url)).json();
    expect(still.idNumber).toBe(c.idNumber);
    expect(still.pendingIdentityChange).toMatchObject({ requestedBy: 'agent', reason: '换发新证' });
    const agentTry = await env.call('agent', 'POST', `${url}/identity-change/decision`, {
      approve: true,
      revision: still.revision,
    });
    expect(agentTry.statusCode).toBe(403);
    // the supervisors' queue lists it, masked, with who asked and why
    expect((await env.call('agent', 'GET', '/api/v1/identity-changes')).statusCode).toBe(403);
    const queued = await waitFor(async () => {
      const r = (await env.call('supervisor', 'GET', '/api/v1/identity-changes')).json();
      return r.items.find((i: { customerId: string }) => i.customerId === c.customerId) ?? null;
    });
    expect(queued).toMatchObject({
      revision: still.revision,
      current: { idType: 'resident_id', idNumber: still.idNumber },
      requested: { idType: 'resident_id', idNumber: `${newId.slice(0, 3)}***********${newId.slice(-4)}` },
      requestedBy: 'agent',
      reason: '换发新证',
    });
    const ok = await env.call('supervisor', 'POST', `${url}/identity-change/decision`, {
      approve: true,
      revision: still.revision,
    });
    expect(ok.statusCode).toBe(200);
    const shown = (await env.call('supervisor', 'POST', `${url}/reveal`, { reason: 'verify new id' })).json();
    expect(shown.idNumber).toBe(newId);
    expect(shown.pendingIdentityChange).toBeUndefined();
    expect(
      (await env.call('supervisor', 'GET', '/api/v1/identity-changes'))
        .json()
        .items.some((i: { customerId: string }) => i.customerId === c.customerId),
    ).toBe(false);
  });

  it('does not let whoever asked for an identity change approve it (four eyes); they may withdraw it', async () => {
    const c = (await env.call('agent', 'POST', '/api/v1/customers', newCustomerBody())).json().customer;
    const url = `/api/v1/customers/${c.customerId}`;
    const req = await env.call('supervisor', 'PATCH', url, {
      revision: c.revision,
      changes: { idNumber: residentId() },
      reason: '证件号登记错误',
    });
    expect(req.statusCode).toBe(202);
    const pending = (await env.call('supervisor', 'GET', url)).json();
    const own = await env.call('supervisor', 'POST', `${url}/identity-change/decision`, {
      approve: true,
      revision: pending.revision,
    });
    expect(own.statusCode).toBe(403);
    expect(own.json().error.message).toMatch(/someone other than who asked/);
    const withdrawn = await env.call('supervisor', 'POST', `${url}/identity-change/decision`, {
      approve: false,
      revision: pending.revision,
      note: '撤回',
    });
    expect(withdrawn.statusCode).toBe(200);
    expect((await env.call('agent', 'GET', url)).json()).toMatchObject({ idNumber: c.idNumber });
  });
});
