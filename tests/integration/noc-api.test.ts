import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { io as ioClient } from 'socket.io-client';
import { DEMO_CUSTOMER_MSISDN, type Api } from '../../api/index.ts';
import { systemClock } from '../../domain/index.ts';
import type { Complaint, Ticket } from '../../domain/noc/index.ts';
import { createNocService } from '../../processors/noc/index.ts';
import { publishNetworkEvents, scenarioEvents } from '../../simulators/index.ts';
import { waitFor } from '../support/env.ts';
import { log, startNocApiEnv, type NocApiEnv } from '../support/noc-api.ts';

const T0 = Date.UTC(2026, 5, 1, 2, 0, 0);
const SITE = 'GD-GZ-0031';
const until = <T>(fn: () => Promise<T | null | undefined | false>): Promise<T> => waitFor(fn) as Promise<T>;

describe('NOC API (real nats-server and embedded ClickHouse)', () => {
  let noc: NocApiEnv;
  let env: NocApiEnv['env'];
  let chEnv: NocApiEnv['chEnv'];
  let api: Api;
  let cookies: Record<string, string>;
  let ticket: Ticket;
  const get = (user: string, url: string) => noc.get(user, url);
  const post = (user: string, url: string, payload: object) => noc.post(user, url, payload);
  const bss = (subject: string) => noc.bss(subject);

  beforeAll(async () => {
    noc = await startNocApiEnv(T0, SITE);
    ({ env, chEnv, api, cookies, ticket } = noc);
  });
  afterAll(async () => {
    await noc?.close();
  });

  it('NOC sees the one dispatched P1 ticket; the technician sees it as theirs; a customer sees nothing yet', async () => {
    expect(ticket).toMatchObject({ priority: 'P1', technicianId: 'T-GD-GZ-01', siteId: SITE });
    expect(ticket.dispatch?.reasonZh).toContain('在班');
    expect((await get('technician', '/api/v1/noc/tickets')).json().total).toBe(1);
    expect((await get('customer', '/api/v1/noc/tickets')).json().total).toBe(0);
    expect((await get('customer', `/api/v1/noc/tickets/${ticket.id}`)).statusCode).toBe(404);
    const alarms = (await get('noc', `/api/v1/noc/alarms?siteId=${SITE}&rootsOnly=true`)).json();
    expect(alarms).toHaveLength(1);
    expect(alarms[0]).toMatchObject({ probableCause: 'power_failure', ticketId: ticket.id });
    expect(alarms[0].children).toBeGreaterThanOrEqual(5);
    const csv = await get('noc', '/api/v1/noc/tickets.csv');
    expect(csv.headers['content-type']).toContain('text/csv');
    expect(csv.body).toContain(ticket.id);
  });

  it("a customer's fault report on an affected cell is linked to the network ticket, not duplicated", async () => {
    const res = await post('customer', '/api/v1/noc/tickets', {
      cellId: `${SITE}-1`,
      channel: 'app',
      description: '家里没信号',
    });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toMatchObject({ linked: true, ticket: { id: ticket.id } });
    expect((await get('customer', '/api/v1/noc/tickets')).json().items.map((t: Ticket) => t.id)).toEqual([
      ticket.id,
    ]);
    // a caller reported through an agent on the same cell: linked too
    const byPhone = await post('agent', '/api/v1/noc/tickets', {
      msisdn: '+8613900000007',
      cellId: `${SITE}-1`,
      channel: 'phone',
      description: '没有信号',
    });
    expect(byPhone.json().linked).toBe(true);
    // who sees which number: the customer their own only, the NOC and agents none whole
    const related = async (user: string) =>
      ((await get(user, `/api/v1/noc/tickets/${ticket.id}`)).json() as Ticket).relatedEntity
        .filter((e) => e.role === 'customerReport')
        .map((e) => e.id);
    expect(await related('customer')).toEqual(['tel:8613800000042', 'tel:86139****0007']);
    for (const user of ['noc', 'agent', 'supervisor'])
      expect(await related(user)).toEqual(['tel:86138****0042', 'tel:86139****0007']);
    const listed = JSON.stringify((await get('noc', '/api/v1/noc/tickets')).json());
    expect(listed).not.toContain('8613800000042');
    expect(listed).not.toContain('8613900000007');
  });

  it('outage impact lists the subscribers of those cells; goodwill credit is applied once', async () => {
    expect((await get('customer', `/api/v1/noc/tickets/${ticket.id}/impact`)).statusCode).toBe(403);
    const impact = (await get('noc', `/api/v1/noc/tickets/${ticket.id}/impact`)).json();
    expect(impact.count).toBe(3);
    expect(impact.subscribers.map((s: { msisdnMasked: string }) => s.msisdnMasked)).toContain(
      '+86138****0042',
    );
    expect(
      (await post('noc', `/api/v1/noc/tickets/${ticket.id}/goodwill`, { amountFen: 500 })).statusCode,
    ).toBe(403);
    // none granted yet: the ticket view says so before offering it
    expect((await get('noc', `/api/v1/noc/tickets/${ticket.id}/goodwill`)).statusCode).toBe(404);
    const first = await post('supervisor', `/api/v1/noc/tickets/${ticket.id}/goodwill`, { amountFen: 500 });
    expect(first.statusCode).toBe(201);
    expect(first.json()).toMatchObject({ subscribers: 3, totalFen: 1500, alreadyApplied: false });
    const again = await post('supervisor', `/api/v1/noc/tickets/${ticket.id}/goodwill`, { amountFen: 900 });
    expect(again.statusCode).toBe(200);
    expect(again.json()).toMatchObject({ amountFen: 500, subscribers: 3, alreadyApplied: true });
    const granted = await get('agent', `/api/v1/noc/tickets/${ticket.id}/goodwill`);
    expect(granted.statusCode).toBe(200);
    expect(granted.json()).toMatchObject({
      amountFen: 500,
      subscribers: 3,
      totalFen: 1500,
      by: 'supervisor',
    });
    expect((await get('customer', `/api/v1/noc/tickets/${ticket.id}/goodwill`)).statusCode).toBe(403);
    const adjustments = (await bss('bss.adjustment.goodwill')) as { msisdn: string; amountFen: number }[];
    expect(adjustments.map((a) => a.amountFen)).toEqual([500, 500, 500]);
    expect(new Set(adjustments.map((a) => a.msisdn)).size).toBe(3);
  });

  it('the technician works the ticket to resolved; the reporting customer is told; sockets see it live', async () => {
    const base = await api.listen();
    const seen: Record<string, string[]> = { technician: [], customer: [], agent: [] };
    const sockets = Object.keys(seen).map((u) => {
      const sock = ioClient(base, {
        transports: ['websocket'],
        reconnection: false,
        extraHeaders: { cookie: cookies[u] ?? '' },
      });
      sock.on('noc:tickets', (m: { tickets: { ticketId: string; status: string }[] }) =>
        seen[u]?.push(...m.tickets.map((t) => `${t.ticketId}:${t.status}`)),
      );
      return sock;
    });
    await until(async () => sockets.every((x) => x.connected));
    const act = (payload: object) => post('technician', `/api/v1/noc/tickets/${ticket.id}/actions`, payload);
    expect((await act({ action: 'resolve', note: 'x' })).json().error.code).toBe('INVALID_STATE');
    expect(
      (await post('noc', `/api/v1/noc/tickets/${ticket.id}/actions`, { action: 'accept' })).statusCode,
    ).toBe(403);
    for (const action of ['accept', 'on_the_way', 'on_site'])
      expect((await act({ action })).statusCode).toBe(200);
    expect((await act({ action: 'resolve' })).json().error).toMatchObject({
      code: 'VALIDATION_FAILED',
      field: '/note',
    });
    const done = await act({ action: 'resolve', note: '更换电源模块，恢复供电', parts: ['PSU-48V'] });
    expect(done.json()).toMatchObject({ status: 'resolved', parts: ['PSU-48V'] });
    const notices = (await bss('bss.notification.queued')) as {
      to: string;
      template: string;
      params: Record<string, string>;
    }[];
    const toCustomer = notices.filter((n) => n.to === DEMO_CUSTOMER_MSISDN).map((n) => n.template);
    expect(toCustomer.sort()).toEqual(['noc.fault_resolved', 'noc.outage_goodwill']);
    expect(notices.find((n) => n.template === 'noc.fault_resolved')?.params.textZh).toContain('已处理完毕');
    // 故障处理结果反馈 reaches every affected subscriber of the outage (3) and the caller who
    // reported it by phone, once each.
    const resolvedTo = notices.filter((n) => n.template === 'noc.fault_resolved').map((n) => n.to);
    expect(new Set(resolvedTo).size).toBe(4);
    expect(resolvedTo.length).toBe(4);
    expect(resolvedTo).toContain('+8613900000007');
    await until(
      async () =>
        seen.technician?.includes(`${ticket.id}:resolved`) &&
        seen.customer?.includes(`${ticket.id}:resolved`),
    );
    expect(seen.agent).toEqual([]);
    for (const x of sockets) x.close();
    expect(
      (await post('technician', `/api/v1/noc/tickets/${ticket.id}/close`, { reason: 'x' })).statusCode,
    ).toBe(403);
    const closed = await post('noc', `/api/v1/noc/tickets/${ticket.id}/close`, {
      reason: '确认恢复 / confirmed restored',
    });
    expect(closed.json()).toMatchObject({ status: 'closed' });
    const tech = (await get('technician', '/api/v1/noc/technicians/me')).json();
    expect(tech).toMatchObject({ id: 'T-GD-GZ-01', workload: 0 });
  });

  it('a handed-back ticket is offered to the next eligible technician, never again to who handed it back', async () => {
    await publishNetworkEvents(
      env.nats,
      scenarioEvents('site-power-loss', { seed: 10, startMs: T0, siteId: 'GD-GZ-0032', alarms: 50 }),
    );
    const t = await until(async () => {
      const items = (await get('technician', '/api/v1/noc/tickets?open=true')).json().items as Ticket[];
      return items.find((x) => x.siteId === 'GD-GZ-0032' && x.status === 'assigned');
    });
    const res = await post('technician', `/api/v1/noc/tickets/${t.id}/actions`, {
      action: 'hand_back',
      note: '缺少发电机',
    });
    expect(res.statusCode).toBe(200);
    const after = (await get('noc', `/api/v1/noc/tickets/${t.id}`)).json() as Ticket;
    // Shenzhen is in the same province: its day-shift power technician is next, though farther.
    expect(after).toMatchObject({
      status: 'assigned',
      technicianId: 'T-GD-SZ-01',
      handedBackBy: ['T-GD-GZ-01'],
    });
    expect(after.statusChange.map((c) => c.status)).toEqual([
      'acknowledged',
      'assigned',
      'queued',
      'assigned',
    ]);
    expect(after.note.map((n) => n.text)).toEqual(['缺少发电机']);
    expect(after.dispatch?.candidates.find((c) => c.technicianId === 'T-GD-GZ-01')?.rejectedBecause).toBe(
      'handed this ticket back',
    );
    expect(
      (await get('technician', '/api/v1/noc/tickets?open=true')).json().items.map((x: Ticket) => x.id),
    ).not.toContain(t.id);
  });

  it('a fault report on a healthy cell opens a customer ticket dispatched to a technician with that skill', async () => {
    const res = await post('agent', '/api/v1/noc/tickets', {
      msisdn: '+8613800000102',
      cellId: 'GD-SZ-0040-1',
      channel: 'phone',
      description: '宽带经常断线',
    });
    expect(res.statusCode).toBe(201);
    expect(res.json()).toMatchObject({
      linked: false,
      ticket: {
        ticketType: 'customer_fault',
        priority: 'P3',
        status: 'assigned',
        technicianId: 'T-GD-SZ-04',
        channel: 'phone',
      },
    });
  });

  it('complaint lifecycle: suggested category, agent correction, solution, customer confirmation with satisfaction', async () => {
    const reg = await post('customer', '/api/v1/noc/complaints', {
      channel: 'app',
      text: '这个月话费多扣了20元',
      disputedCdrIds: ['cdr-1'],
    });
    expect(reg.statusCode).toBe(201);
    const c = reg.json() as Complaint;
    expect(c).toMatchObject({
      suggestedCategory: 'billing',
      category: 'billing',
      customerMsisdn: DEMO_CUSTOMER_MSISDN,
    });
    // the customer sees their own number; staff see it masked until the audited reveal
    expect((await get('agent', `/api/v1/noc/complaints/${c.id}`)).json().customerMsisdn).toBe(
      '+86138****0042',
    );
    expect((await get('customer', `/api/v1/noc/complaints/${c.id}`)).json().customerMsisdn).toBe(
      DEMO_CUSTOMER_MSISDN,
    );
    const reveal = (user: string, payload: object) =>
      post(user, `/api/v1/noc/complaints/${c.id}/reveal`, payload);
    expect((await reveal('agent', {})).json().error.field).toBe('/reason');
    expect((await reveal('customer', { reason: '回访客户' })).statusCode).toBe(403);
    expect((await reveal('agent', { reason: '回访客户核实扣费' })).json()).toEqual({
      id: c.id,
      msisdn: DEMO_CUSTOMER_MSISDN,
    });
    const audit = await until(async () => {
      const rs = await chEnv.ch.client.query({
        query: `SELECT actor, entity_id, reason FROM streambss.care_audit FINAL WHERE action = 'complaint.number_revealed'`,
        format: 'JSONEachRow',
      });
      const rows = await rs.json<Record<string, string>>();
      return rows.length > 0 ? rows : null;
    });
    expect(audit).toEqual([{ actor: 'agent', entity_id: c.id, reason: '回访客户核实扣费' }]);
    // reveals are rare: 30 a minute per session (two spent above), then 429
    for (let i = 0; i < 28; i++)
      expect((await reveal('agent', { reason: '批量查看测试' })).statusCode).toBe(200);
    expect((await reveal('agent', { reason: '批量查看测试' })).statusCode).toBe(429);
    const charges = (await get('agent', `/api/v1/noc/complaints/${c.id}/charges`)).json();
    expect(charges).toEqual([expect.objectContaining({ cdrId: 'cdr-1', chargeFen: 15 })]);
    const act = (user: string, payload: object) =>
      post(user, `/api/v1/noc/complaints/${c.id}/actions`, payload);
    expect((await act('customer', { action: 'propose_solution', solution: 'x' })).statusCode).toBe(403);
    expect(
      (await act('agent', { action: 'correct_category', category: 'network_quality' })).json(),
    ).toMatchObject({ category: 'network_quality', suggestedCategory: 'billing' });
    await act('agent', { action: 'propose_solution', solution: '核实为信号问题导致重复计费，已退费' });
    const closed = await act('customer', { action: 'close', customerConfirmed: true, satisfaction: 4 });
    expect(closed.json()).toMatchObject({ status: 'closed', satisfaction: 4 });
    expect((await get('agent', '/api/v1/noc/complaints?status=closed')).json().total).toBe(1);
    expect((await get('agent', '/api/v1/noc/complaints.csv')).body).toContain(c.id);
    expect(
      (
        await get(
          'agent',
          `/api/v1/noc/complaints/suggest?text=${encodeURIComponent('signal drops all the time')}`,
        )
      ).json().category,
    ).toBe('network_quality');
  });

  it('an open complaint escalates to the supervisor at risk and when breached (injected time)', async () => {
    const reg = await post('agent', '/api/v1/noc/complaints', {
      msisdn: '+8613800000101',
      channel: 'phone',
      text: 'The agent at the counter was rude',
    });
    const c = reg.json() as Complaint;
    expect(c.suggestedCategory).toBe('service_attitude');
    const svc = await createNocService(env.nats, { clock: systemClock, log });
    expect(await svc.complaintSlaSweep(c.sla.atRiskAtMs - 1)).toBe(0);
    expect(await svc.complaintSlaSweep(c.sla.atRiskAtMs)).toBe(1);
    expect(await svc.complaintSlaSweep(c.sla.dueAtMs)).toBe(1);
    await svc.d.publisher.flush();
    const after = (await get('agent', `/api/v1/noc/complaints/${c.id}`)).json() as Complaint;
    expect(after.sla.state).toBe('breached');
    expect(after.escalations.map((e) => e.kind)).toEqual(['sla_at_risk', 'sla_breached']);
    const notices = (await bss('bss.notification.queued')) as {
      template: string;
      params: Record<string, string>;
    }[];
    expect(notices.filter((n) => n.params.complaintId === c.id).map((n) => n.template)).toEqual([
      'complaint.sla_at_risk',
      'complaint.sla_breached',
    ]);
  });

  it('ClickHouse keeps the alarm history, ticket versions and complaint versions', async () => {
    const count = async (table: string, where = '1') => {
      const rs = await chEnv.ch.client.query({
        query: `SELECT count() AS n FROM ${chEnv.ch.db}.${table} WHERE ${where}`,
        format: 'JSONEachRow',
      });
      return Number((await rs.json<{ n: string }>())[0]?.n ?? 0);
    };
    await until(async () => (await count('noc_alarms', `site_id = '${SITE}'`)) >= 300);
    await until(
      async () =>
        (await count('noc_ticket_events', `ticket_id = '${ticket.id}' AND status = 'resolved'`)) === 1,
    );
    await until(async () => (await count('noc_complaint_events', "status = 'closed'")) === 1);
  });

  it('a complaint sent twice with one requestId is registered once; the key with other text is refused', async () => {
    const body = {
      msisdn: '+8613800000177',
      channel: 'phone',
      text: '宽带晚上经常断线',
      requestId: 'cp-retry-0001',
    };
    const first = await post('agent', '/api/v1/noc/complaints', body);
    const again = await post('agent', '/api/v1/noc/complaints', body);
    expect(first.statusCode).toBe(201);
    expect(again.statusCode).toBe(201);
    expect(again.json().id).toBe(first.json().id);
    // agents find a caller's complaints by the number they give, and see it masked
    const mine = (
      await get('agent', `/api/v1/noc/complaints?limit=500&msisdn=${encodeURIComponent(body.msisdn)}`)
    ).json().items as Complaint[];
    expect(mine.map((c) => c.customerMsisdn)).toEqual(['+86138****0177']);
    const other = await post('agent', '/api/v1/noc/complaints', { ...body, text: '另一个问题' });
    expect(other.statusCode).toBe(409);
    expect(other.json().error).toMatchObject({ code: 'DUPLICATE', field: '/requestId' });
  });
});
