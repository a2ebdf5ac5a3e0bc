import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { Kvm } from '@nats-io/kv';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApi, seedDemoUsers, type Api } from '../../api/index.ts';
import { monthOf, monthRange } from '../../domain/billing/index.ts';
import type { CatalogFile } from '../../domain/catalog/index.ts';
import { encodeBatch, randomIds, systemClock } from '../../domain/index.ts';
import { newSubscriber, type RatingNotification } from '../../domain/rating/index.ts';
import { loadConfig } from '../../infra/config/index.ts';
import { createLogger } from '../../infra/log/index.ts';
import { createMetrics } from '../../infra/metrics/index.ts';
import { applyTopology, consumerConfig, PipelinedPublisher, subjects } from '../../infra/nats/index.ts';
import { DeliverPolicy } from '@nats-io/jetstream';
import { INGEST_CONSUMER, runNatsIngest } from '../../ingest/index.ts';
import {
  CHARGING_NOTICES_CONSUMER,
  deliverNotice,
  runChargingNotices,
} from '../../processors/notify/index.ts';
import { CatalogWatch } from '../../processors/rating/catalog-watch.ts';
import {
  NOTICES_HEADER,
  openChargingStores,
  provisionLines,
  ratingConsumers,
  readOutputParts,
  runRating,
} from '../../processors/rating/index.ts';
import { runSinks, sinks } from '../../processors/sink/index.ts';
import { loadCatalogFile } from '../../runtime/catalog.ts';
import { newCustomerBody } from '../support/care.ts';
import { openTestClickHouse, startTestNats, waitFor } from '../support/env.ts';
import demo from '../../catalog/default.json' with { type: 'json' };

const PARTITIONS = 2;
const catalog = loadCatalogFile('catalog/default.json');
const log = createLogger(process.env.TEST_LOG ?? 'silent');
const NOW = Date.now();
// the postpaid line was activated in the last month, so its first period has ended
const LAST_MONTH = monthOf(monthRange(monthOf(NOW))!.startMs - 1);
const ACTIVATED = monthRange(LAST_MONTH)!.startMs + 5 * 86_400_000;
const POSTPAID = '+8613600000101';
const PREPAID = '+8613600000102';
const enc = new TextEncoder();

const intlCall = (n: number, msisdn: string, startMs: number) => ({
  type: 'voice',
  neId: 'MSC-SH-01',
  recordSeq: n,
  msisdn: msisdn.slice(3),
  imsi: `4600012345678${String(n).padStart(2, '0')}`,
  cellId: 'SH-SH-0003-1',
  startMs,
  roaming: false,
  direction: 'mo',
  calledNumber: '+442071234567',
  durationSec: 61,
});

describe('catalog editing, postpaid bills and threshold notices through the API (real servers)', () => {
  let nats: Awaited<ReturnType<typeof startTestNats>>;
  let chEnv: Awaited<ReturnType<typeof openTestClickHouse>>;
  let api: Api;
  let watch: CatalogWatch;
  const ac = new AbortController();
  let roles: Promise<unknown>;
  const cookies = new Map<string, string>();

  const call = (user: string, method: 'GET' | 'POST' | 'PUT', url: string, payload?: object) =>
    api.app.inject({
      method,
      url,
      headers: { cookie: cookies.get(user) ?? '' },
      ...(payload ? { payload } : {}),
    });

  beforeAll(async () => {
    nats = await startTestNats();
    chEnv = await openTestClickHouse();
    await applyTopology(nats.nats.nc, nats.nats.jsm, [
      INGEST_CONSUMER,
      ...ratingConsumers(PARTITIONS),
      ...sinks.map((s) => s.consumer),
    ]);
    // prepaid line left with 10.00 yuan after its fee: one international minute makes it "low"
    const probe = newSubscriber(catalog, {
      msisdn: PREPAID,
      planId: 'dazhongka-8',
      activatedAtMs: NOW - 3_600_000,
    });
    const fee = -probe.state.balanceFen;
    const stores = await openChargingStores(nats.nats.nc);
    await provisionLines(stores.subscribers, [
      { msisdn: POSTPAID, planId: 'changxiang-128', activatedAtMs: ACTIVATED },
      {
        msisdn: PREPAID,
        planId: 'dazhongka-8',
        activatedAtMs: NOW - 3_600_000,
        openingBalanceFen: fee + 1000,
      },
    ]);
    // The notices consumer as a deployment from before headers-only delivery has it: whole messages.
    await nats.nats.jsm.consumers.add('RATED', {
      ...consumerConfig(CHARGING_NOTICES_CONSUMER),
      deliver_policy: DeliverPolicy.All,
    });
    const deps = { nats: nats.nats, clock: systemClock, log, metrics: createMetrics() };
    roles = Promise.all([
      runNatsIngest({ ...deps, partitions: PARTITIONS }, ac.signal),
      runRating({ ...deps, partitions: PARTITIONS, catalog, checkpointMs: 200 }, ac.signal),
      runSinks({ ...deps, ch: chEnv.ch, batchMessages: 50, flushMs: 50 }, ac.signal),
      runChargingNotices(deps, ac.signal),
    ]);
    await seedDemoUsers(nats.nats, log);
    api = await createApi({
      catalog,
      config: { ...loadConfig({}), PORT: 0, LOG_LEVEL: 'silent', CDR_PARTITIONS: PARTITIONS },
      nats: nats.nats,
      ch: chEnv.ch,
      metrics: createMetrics(),
      log,
      clock: systemClock,
      ids: randomIds,
      dashboardDir: '/nonexistent',
    });
    for (const u of ['agent', 'supervisor', 'admin', 'customer']) {
      const res = await api.app.inject({
        method: 'POST',
        url: '/api/v1/auth/login',
        payload: { username: u, password: `${u}-demo-2026` },
      });
      cookies.set(u, `sbss_session=${res.cookies.find((c) => c.name === 'sbss_session')?.value}`);
    }
    watch = await CatalogWatch.open(nats.nats.nc, { fallback: 'catalog/default.json', log });
  });
  afterAll(async () => {
    watch?.stop();
    ac.abort();
    await roles;
    await api?.close();
    await chEnv?.close();
    await nats?.close();
  });

  const candidate = () => structuredClone(demo) as unknown as CatalogFile;

  it('dry-runs a catalog: schema errors name the field, unpriceable plans and windows give their reason', async () => {
    const shown = (await call('agent', 'GET', '/api/v1/catalog')).json();
    expect(shown).toMatchObject({ version: 0, source: 'file', catalogVersion: demo.catalogVersion });
    expect(shown.plans).toHaveLength(6);

    const bad = candidate();
    (bad.plans[2]!.versions[0] as unknown as { monthlyFeeFen: unknown }).monthlyFeeFen = 'free';
    const schema = (await call('admin', 'POST', '/api/v1/catalog/validate', { catalog: bad })).json();
    expect(schema.ok).toBe(false);
    expect(schema.issues[0]).toMatchObject({ code: 'SCHEMA', path: '/plans/2/versions/0/monthlyFeeFen' });

    const unpriced = candidate();
    unpriced.catalogVersion = 'test-unpriced';
    delete unpriced.rateTables['std-2025']!.voice.byDestination['intl_eu']!.priceFen['night'];
    unpriced.windowSchedule[1]!.startMinute = 400;
    const r = (await call('supervisor', 'POST', '/api/v1/catalog/validate', { catalog: unpriced })).json();
    const codes = (r.issues as { code: string; path: string }[]).map((i) => `${i.code} ${i.path}`);
    expect(codes).toEqual(
      expect.arrayContaining([
        'UNPRICED /rateTables/std-2025/voice/byDestination/intl_eu/priceFen/night',
        'UNPRICEABLE_PLAN /plans/0/versions/1/rateTable',
        'WINDOW_OVERLAP /windowSchedule/1/startMinute',
      ]),
    );
    expect((await call('agent', 'POST', '/api/v1/catalog/validate', { catalog: unpriced })).statusCode).toBe(
      403,
    );
  });

  it('refuses an invalid replacement with its reasons and keeps the catalog; an accepted one is a new version rating sees', async () => {
    const changes: number[] = [];
    watch.onChange((_c, info) => changes.push(info.version));

    const retro = candidate();
    retro.catalogVersion = 'test-retro';
    const plan = retro.plans[0]!;
    plan.versions.push({
      ...structuredClone(plan.versions[1]!),
      version: 3,
      effectiveFromMs: NOW - 86_400_000,
    });
    expect(
      (await call('supervisor', 'PUT', '/api/v1/catalog', { catalog: retro, reason: 'try' })).statusCode,
    ).toBe(403);
    const refused = await call('admin', 'PUT', '/api/v1/catalog', { catalog: retro, reason: 'price rise' });
    expect(refused.statusCode).toBe(400);
    expect(refused.json().error).toMatchObject({
      code: 'VALIDATION_FAILED',
      field: '/catalog/plans/0/versions/2/effectiveFromMs',
    });
    expect(refused.json().error.issues[0].code).toBe('RETROACTIVE_VERSION');
    expect((await call('agent', 'GET', '/api/v1/catalog')).json().version).toBe(0);

    const effective = Date.now() + 2500;
    const next = candidate();
    next.catalogVersion = 'test-2026';
    const v3 = {
      ...structuredClone(next.plans[0]!.versions[1]!),
      version: 3,
      effectiveFromMs: effective,
      monthlyFeeFen: 9900,
    };
    next.plans[0]!.versions.push(v3);
    const ok = await call('admin', 'PUT', '/api/v1/catalog', {
      catalog: next,
      reason: 'spring price for 畅享',
    });
    expect(ok.statusCode).toBe(200);
    expect(ok.json()).toMatchObject({ version: 1, catalogVersion: 'test-2026', changed: true });
    const again = await call('admin', 'PUT', '/api/v1/catalog', { catalog: next, reason: 'same again' });
    expect(again.json()).toMatchObject({ version: 1, changed: false });

    // what the rating processor's watch sees
    await waitFor(() => changes.includes(1));
    expect(
      watch
        .current()
        .plans.get('changxiang-128')
        ?.versions.map((v) => v.monthlyFeeFen),
    ).toEqual([12800, 12800, 9900]);
    const shown = (await call('agent', 'GET', '/api/v1/catalog')).json();
    expect(shown).toMatchObject({
      version: 1,
      source: 'kv',
      catalogVersion: 'test-2026',
      savedBy: { userId: 'admin' },
    });
    const versions = (await call('admin', 'GET', '/api/v1/catalog/versions')).json();
    expect(versions.versions).toEqual([
      expect.objectContaining({
        version: 1,
        reason: 'spring price for 畅享',
        savedBy: { userId: 'admin', role: 'admin' },
      }),
    ]);
    const audit = await chEnv.ch.client.query({
      query: 'SELECT version, actor, catalog_version FROM streambss.catalog_audit',
      format: 'JSONEachRow',
    });
    expect(await audit.json()).toEqual([{ version: 1, actor: 'admin', catalog_version: 'test-2026' }]);

    // plan listing reads the catalog in force: the new fee once its version takes effect
    await new Promise((r) => setTimeout(r, Math.max(0, effective + 100 - Date.now())));
    const plans = (await call('customer', 'GET', '/api/v1/plans')).json().plans as {
      planId: string;
      monthlyFeeFen: number;
    }[];
    expect(plans.find((p) => p.planId === 'changxiang-128')?.monthlyFeeFen).toBe(9900);
  });

  it('closes last month for postpaid lines once: same bill twice, no ledger effect, readable by its owner only', async () => {
    const pub = new PipelinedPublisher(nats.nats.js);
    await pub.publishAll([
      {
        subject: subjects.rawCdr('MSC-SH-01'),
        data: encodeBatch('bill-1', [intlCall(1, POSTPAID, ACTIVATED + 86_400_000)]),
        msgId: 'bill-1',
      },
    ]);
    const line = encodeURIComponent(POSTPAID);
    await waitFor(async () => {
      const b = (await call('agent', 'GET', `/api/v1/subscribers/${line}/balance`)).json();
      return b.balanceFen < -12800 / 2 ? b : null; // fee (first period 50 % off) + the call
    });
    const cdrMessages = async () => (await nats.nats.jsm.streams.info('CDR')).state.messages;
    const before = await cdrMessages();

    const first = await call('admin', 'POST', '/api/v1/bills/close', { period: LAST_MONTH });
    expect(first.json()).toMatchObject({ period: LAST_MONTH, lines: 1, issued: 1, existing: 0 });
    const own = (await call('admin', 'GET', `/api/v1/subscribers/${line}/bills/${LAST_MONTH}`)).json()
      .bills[0];
    const second = await call('supervisor', 'POST', '/api/v1/bills/close', { period: LAST_MONTH });
    expect(second.json()).toMatchObject({ issued: 0, existing: 1, totalFen: first.json().totalFen });
    expect(await cdrMessages()).toBe(before); // a bill moves no money: nothing sent to charging

    expect(own.lines.map((l: { code: string }) => l.code)).toEqual([
      'monthly_fee',
      'discount',
      'voice_overage',
    ]);
    expect(own.totalFen).toBe(own.lines.reduce((a: number, l: { amountFen: number }) => a + l.amountFen, 0));
    expect(own).toMatchObject({
      periodStartMs: ACTIVATED,
      dueAtMs: monthRange(monthOf(NOW))!.startMs + 20 * 86_400_000,
    });
    const list = (await call('agent', 'GET', `/api/v1/subscribers/${line}/bills`)).json().bills;
    expect(list).toHaveLength(1);
    expect(list[0]).toMatchObject({
      msisdn: '+86136****0101',
      issuedAtMs: own.issuedAtMs,
      totalFen: own.totalFen,
    });
    expect(JSON.stringify(list)).not.toContain(POSTPAID);
    expect((await call('customer', 'GET', `/api/v1/subscribers/${line}/bills`)).statusCode).toBe(403);
    expect((await call('agent', 'GET', `/api/v1/subscribers/${line}/bills/2001-01`)).statusCode).toBe(404);
    expect((await call('admin', 'POST', '/api/v1/bills/close', { period: monthOf(NOW) })).statusCode).toBe(
      409,
    );

    // the operator command gives the same answer
    const out = await promisify(execFile)(
      'npx',
      [
        'tsx',
        'bin/streambss.ts',
        'bills',
        'close',
        '--period',
        LAST_MONTH,
        '--json',
        '--nats-url',
        nats.server.url,
      ],
      { timeout: 60_000 },
    );
    const cli = JSON.parse(out.stdout) as {
      issued: number;
      existing: number;
      bills: { billId: string; issuedAtMs: number }[];
    };
    expect(cli).toMatchObject({ issued: 0, existing: 1 });
    expect(cli.bills[0]).toMatchObject({
      billId: `bill:${POSTPAID}:${ACTIVATED}`,
      issuedAtMs: own.issuedAtMs,
    });
  });

  it('tells the customer about a low balance through the care outbox, once', async () => {
    const customer = (
      await call('agent', 'POST', '/api/v1/customers', newCustomerBody({ name: '李四' }))
    ).json().customer;
    const lines = await new Kvm(nats.nats.nc).open('care_lines');
    await lines.put(
      PREPAID.slice(1),
      enc.encode(
        JSON.stringify({
          msisdn: PREPAID,
          customerId: customer.customerId,
          status: 'active',
          planId: 'dazhongka-8',
          openedAtMs: NOW - 3_600_000,
          contractEndMs: null,
          devicesOutstanding: [],
        }),
      ),
    );
    const pub = new PipelinedPublisher(nats.nats.js);
    await pub.publishAll([
      {
        subject: subjects.rawCdr('MSC-SH-01'),
        data: encodeBatch('low-1', [intlCall(2, PREPAID, NOW - 120_000)]),
        msgId: 'low-1',
      },
    ]);
    const url = `/api/v1/customers/${customer.customerId}/notifications`;
    const notices = await waitFor(async () => {
      const list = (await call('agent', 'GET', url)).json().notifications as {
        template: string;
        state: string;
        text: string;
        to: string;
      }[];
      const low = list.filter((n) => n.template === 'charging.low_balance');
      return low.length > 0 && low.every((n) => n.state === 'sent') ? low : null;
    });
    expect(notices).toHaveLength(1);
    // ... read through a consumer switched to headers only: bodies are fetched for notices alone
    const consumer = await nats.nats.jsm.consumers.info('RATED', CHARGING_NOTICES_CONSUMER.durable);
    expect(consumer.config.headers_only).toBe(true);
    expect(notices[0]!.text).toMatch(/^您的余额仅剩 [0-9]+\.[0-9]{2} 元，请及时充值。$/);
    expect(notices[0]!.to).not.toContain(PREPAID); // masked for the agent
    // Every rating output says how many notifications it carries (readers skip the zeros unread).
    const last = (await nats.nats.jsm.streams.info('RATED')).state.last_seq;
    for (let seq = 1; seq <= last; seq++) {
      const m = await nats.nats.jsm.streams.getMessage('RATED', { seq });
      const count = readOutputParts(m!.data)?.notifications.length;
      if (m!.header.get('StreamBSS-Input-Seq')) expect(m!.header.get(NOTICES_HEADER)).toBe(String(count));
    }

    // the same notification again (a redelivered rating output) queues nothing new
    const stored = (
      await waitFor(async () => {
        const rs = await chEnv.ch.client.query({
          query: `SELECT key FROM streambss.charging_notifications WHERE msisdn = {m:String} AND kind = 'low_balance'`,
          query_params: { m: PREPAID },
          format: 'JSONEachRow',
        });
        const r = await rs.json<{ key: string }>();
        return r.length ? r : null;
      })
    )[0]!;
    const again: RatingNotification = {
      key: stored.key,
      kind: 'low_balance',
      msisdn: PREPAID,
      atMs: NOW,
      params: { balanceFen: 1 },
    };
    const kvm = new Kvm(nats.nats.nc);
    const kv = { lines, customers: await kvm.open('customers'), outbox: await kvm.open('notifications') };
    const deps = { nats: nats.nats, clock: systemClock, log, metrics: createMetrics() };
    expect(await deliverNotice(deps, kv, again)).toBe('duplicate');
    const after = (await call('agent', 'GET', url)).json().notifications as { template: string }[];
    expect(after.filter((n) => n.template === 'charging.low_balance')).toHaveLength(1);
  });
});
