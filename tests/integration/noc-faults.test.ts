import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { encodeBatch, fixedClock } from '../../domain/index.ts';
import type { Ticket } from '../../domain/noc/index.ts';
import { createLogger } from '../../infra/log/index.ts';
import { createMetrics } from '../../infra/metrics/index.ts';
import { applyTopology, DLQ_HEADERS, subjects } from '../../infra/nats/index.ts';
import {
  checkTicket,
  createNocService,
  nocConsumers,
  runNocProcessor,
  type NocService,
} from '../../processors/noc/index.ts';
import { publishNetworkEvents, scenarioEvents } from '../../simulators/index.ts';
import { startTestNats, waitFor } from '../support/env.ts';

/** Waits for a value that is not null/undefined/false. */
const until = <T>(fn: () => Promise<T | null | undefined | false>): Promise<T> => waitFor(fn) as Promise<T>;

/** 10:00 in China: the day shift is on. */
const T0 = Date.UTC(2026, 5, 1, 2, 0, 0);
const log = createLogger(process.env.NOC_TEST_LOG ?? 'silent');

describe('NOC fault scenarios (real nats-server)', () => {
  let env: Awaited<ReturnType<typeof startTestNats>>;
  let svc: NocService;
  const ac = new AbortController();
  let running: Promise<void>;
  const clock = fixedClock(T0);

  const tickets = async () => svc.d.store.list('ticket.', checkTicket);
  const ticketsOf = async (siteId: string) => (await tickets()).filter((t) => t.siteId === siteId);

  beforeAll(async () => {
    env = await startTestNats();
    await applyTopology(env.nats.nc, env.nats.jsm, nocConsumers);
    running = runNocProcessor(
      { nats: env.nats, clock, log, metrics: createMetrics(), slaSweepMs: 0 },
      ac.signal,
    );
    svc = await createNocService(env.nats, { clock, log });
  });
  afterAll(async () => {
    ac.abort();
    await running;
    await env?.close();
  });

  it('site power loss: 500 alarms → one P1 power ticket with the cells as children, dispatched with a reason', async () => {
    const ev = scenarioEvents('site-power-loss', { seed: 3, startMs: T0, siteId: 'GD-GZ-0012', alarms: 500 });
    await publishNetworkEvents(env.nats, ev, { batchSize: 50 });
    const ts = await until<Ticket[]>(async () => {
      const ts = await ticketsOf('GD-GZ-0012');
      return ts.length === 1 && ts[0]?.status === 'assigned' && ts[0].childCount >= 5 ? ts : null;
    });
    const t = ts[0];
    expect(t).toMatchObject({
      ticketType: 'network',
      priority: 'P1',
      faultType: 'power',
      technicianId: 'T-GD-GZ-01',
    });
    expect(t?.name).toContain('站点停电');
    expect(t?.dispatch?.reasonEn).toContain('power skill');
    expect(
      t?.relatedEntity.filter((e: { role: string }) => e.role === 'childAlarm').length,
    ).toBeGreaterThanOrEqual(5);
    expect(await ticketsOf('GD-GZ-0012')).toHaveLength(1);
  });

  it('a redelivered or replayed storm changes nothing: no second ticket, no second opened event', async () => {
    const opened = async () =>
      (await env.nats.jsm.streams.info('BSS', { subjects_filter: 'bss.ticket.opened' })).state.subjects?.[
        'bss.ticket.opened'
      ] ?? 0;
    const before = await opened();
    const [t] = await ticketsOf('GD-GZ-0012');
    const ev = scenarioEvents('site-power-loss', { seed: 3, startMs: T0, siteId: 'GD-GZ-0012', alarms: 500 });
    // same message ids: dropped by the stream's dedup window
    await publishNetworkEvents(env.nats, ev, { batchSize: 50 });
    // new message ids (a replay after the window): folded into the same reduced alarms
    await env.nats.js.publish(subjects.alarm('GD'), encodeBatch('replay-1', ev.alarms.slice(0, 200)), {
      msgID: 'replay-1',
    });
    await until(async () => {
      const ci = await env.nats.jsm.consumers.info('NETWORK', 'noc-alarms');
      return ci.num_pending + ci.num_ack_pending === 0;
    });
    expect(await opened()).toBe(before);
    const after = await ticketsOf('GD-GZ-0012');
    expect(after.map((x) => x.id)).toEqual([t?.id]);
    expect(after[0]?.status).toBe('assigned');
  });

  it('the power coming back closes the ticket; the fault returning reopens the same ticket', async () => {
    const site = 'GD-GZ-0012';
    const [before] = await ticketsOf(site);
    const pwr = {
      neId: `PWR-${site}`,
      siteId: site,
      region: 'GD',
      probableCause: 'power_failure',
      severity: 'critical' as const,
    };
    await env.nats.js.publish(
      subjects.alarm('GD'),
      encodeBatch('clr-1', [{ ...pwr, alarmId: 'clr-1', state: 'clear', atMs: T0 + 600_000 }]),
      { msgID: 'clr-1' },
    );
    await until(async () => (await svc.getTicket(before?.id ?? ''))?.status === 'closed');
    await env.nats.js.publish(
      subjects.alarm('GD'),
      encodeBatch('rr-1', [{ ...pwr, alarmId: 'rr-1', state: 'raise', atMs: T0 + 1_200_000 }]),
      { msgID: 'rr-1' },
    );
    const t = await until(async () => {
      const x = await svc.getTicket(before?.id ?? '');
      return x?.reopenCount === 1 && x.status === 'assigned' ? x : null;
    });
    expect(t.statusChange.map((s) => s.status)).toEqual([
      'acknowledged',
      'assigned',
      'closed',
      'acknowledged',
      'assigned',
    ]);
    expect(await ticketsOf(site)).toHaveLength(1);
  });

  it('cell outage → one P3 radio ticket for the cell; flapping link → one flapping ticket', async () => {
    await publishNetworkEvents(
      env.nats,
      scenarioEvents('cell-outage', { seed: 4, startMs: T0, siteId: 'GD-SZ-0101' }),
    );
    await publishNetworkEvents(
      env.nats,
      scenarioEvents('flapping-link', { seed: 5, startMs: T0, siteId: 'GD-SZ-0202' }),
    );
    const cell = await until(async () => (await ticketsOf('GD-SZ-0101'))[0]);
    expect(cell).toMatchObject({ priority: 'P3', faultType: 'radio', cellId: 'GD-SZ-0101-1' });
    const flap = await until(async () => {
      const ts = await ticketsOf('GD-SZ-0202');
      return ts.length === 1 && ts[0]?.flapping ? ts[0] : null;
    });
    expect(flap.faultType).toBe('transmission');
    expect(flap.status).not.toBe('closed');
  });

  it('congestion in a region → one P2 congestion ticket', async () => {
    await publishNetworkEvents(
      env.nats,
      scenarioEvents('region-congestion', { seed: 6, startMs: T0, siteId: 'ZJ-HZ-0001' }),
    );
    const t = await until(async () =>
      (await tickets()).find((x) => x.faultType === 'congestion' && x.region === 'ZJ'),
    );
    expect(t).toMatchObject({ priority: 'P2', severity: 'major' });
    expect(t.relatedEntity.filter((e) => e.role === 'cell').length).toBeGreaterThanOrEqual(3);
    expect((await tickets()).filter((x) => x.faultType === 'congestion')).toHaveLength(1);
  });

  it('a cell drop rate hovering at the threshold opens one P3 ticket; recovery closes it', async () => {
    const cell = 'SC-CD-0005-2';
    const kpi = (value: number, i: number) => ({
      neId: 'ENB-SC-CD-0005',
      cellId: cell,
      region: 'SC',
      metric: 'call_drop_rate',
      value,
      periodSec: 300,
      atMs: T0 + i * 300_000,
    });
    const values = [0.01, 0.04, 0.05, 0.029, 0.031, 0.025, 0.034];
    await env.nats.js.publish(subjects.kpi('SC'), encodeBatch('kpi-sc-1', values.map(kpi)), {
      msgID: 'kpi-sc-1',
    });
    const t = await until(async () =>
      (await tickets()).find((x) => x.cellId === cell && x.status !== 'acknowledged'),
    );
    expect(t).toMatchObject({ priority: 'P3', faultType: 'radio', status: 'assigned' });
    expect(t.name).toContain('掉话率过高');
    await env.nats.js.publish(subjects.kpi('SC'), encodeBatch('kpi-sc-2', [kpi(0.01, 10)]), {
      msgID: 'kpi-sc-2',
    });
    await until(async () => (await svc.getTicket(t.id))?.status === 'closed');
    expect((await tickets()).filter((x) => x.cellId === cell)).toHaveLength(1);
  });

  it('bad input is dead-lettered with its reason and the consumer keeps going', async () => {
    const bad = {
      alarmId: 'bad-1',
      neId: 'X',
      siteId: 'QQ-ZZ-0001',
      region: 'QQ',
      probableCause: 'link_down',
      severity: 'major',
      state: 'raise',
      atMs: T0,
    };
    await env.nats.js.publish(subjects.alarm('QQ'), encodeBatch('bad-1', [bad]), { msgID: 'bad-1' });
    const kpi = {
      neId: 'E',
      cellId: 'GD-GZ-0012-1',
      region: 'GD',
      metric: 'call_drop_rate',
      value: 42,
      periodSec: 60,
      atMs: T0,
    };
    await env.nats.js.publish(subjects.kpi('GD'), encodeBatch('badk-1', [kpi]), { msgID: 'badk-1' });
    await env.nats.js.publish(subjects.alarm('GD'), new TextEncoder().encode('not json'), {
      msgID: 'junk-1',
    });
    const codes = await until(async () => {
      const si = await env.nats.jsm.streams.info('DLQ', { subjects_filter: 'dlq.noc.>' });
      const subj = Object.keys(si.state.subjects ?? {});
      return subj.length >= 3 ? subj.sort() : null;
    });
    expect(codes).toEqual(['dlq.noc.bad_envelope', 'dlq.noc.kpi_out_of_range', 'dlq.noc.unknown_ne']);
    const m = await env.nats.jsm.streams.getMessage('DLQ', { last_by_subj: 'dlq.noc.unknown_ne' });
    expect(m?.header.get(DLQ_HEADERS.info)).toContain('not in the network inventory');
    // still alive: a new outage still becomes a ticket
    await publishNetworkEvents(
      env.nats,
      scenarioEvents('cell-outage', { seed: 8, startMs: T0, siteId: 'BJ-BJ-0007' }),
    );
    await until(async () => (await ticketsOf('BJ-BJ-0007')).length === 1);
  });

  it('SLA: the P1 ticket escalates to the supervisor at risk, then breached (injected clock)', async () => {
    const [p1] = (await ticketsOf('GD-GZ-0012')) as [Ticket];
    const sla = p1.sla;
    expect(await svc.slaSweep(sla.atRiskAtMs - 1)).toBe(0);
    await svc.slaSweep(sla.atRiskAtMs);
    await svc.slaSweep(sla.dueAtMs);
    await svc.d.publisher.flush();
    const t = await svc.getTicket(p1.id);
    expect(t?.sla.state).toBe('breached');
    expect(t?.escalations.map((e) => `${e.kind}:${e.to}`)).toEqual([
      'sla_at_risk:supervisor',
      'sla_breached:supervisor',
    ]);
    const n = await env.nats.jsm.streams.getMessage('BSS', { last_by_subj: 'bss.notification.queued' });
    expect(n?.json<{ template: string; to: string }>()).toMatchObject({ template: 'noc.sla_breached' });
  });
});
