import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { monthOf, monthRange } from '../../domain/billing/index.ts';
import type { CatalogFile } from '../../domain/catalog/index.ts';
import { encodeBatch } from '../../domain/index.ts';
import { PipelinedPublisher, subjects } from '../../infra/nats/index.ts';
import { CatalogWatch } from '../../processors/rating/catalog-watch.ts';
import { AuthStore, hashPassword } from '../../api/auth/index.ts';
import { systemClock } from '../../domain/index.ts';
import { Kvm } from '@nats-io/kv';
import { intlCall, log, startChargingApi, type ChargingApiEnv } from '../support/charging-api.ts';
import { waitFor } from '../support/env.ts';
import demo from '../../catalog/default.json' with { type: 'json' };

const NOW = Date.now();
// the postpaid line was activated in the last month, so its first period has ended
const LAST_MONTH = monthOf(monthRange(monthOf(NOW))!.startMs - 1);
const ACTIVATED = monthRange(LAST_MONTH)!.startMs + 5 * 86_400_000;
const POSTPAID = '+8613600000101';
const HEIR_PASSWORD = 'Hq5#wRt8kZn2';

describe('catalog editing and postpaid bills through the API (real servers)', () => {
  let env: ChargingApiEnv;
  let watch: CatalogWatch;
  const call: ChargingApiEnv['call'] = (...a) => env.call(...a);

  beforeAll(async () => {
    env = await startChargingApi({
      lines: [{ msisdn: POSTPAID, planId: 'changxiang-128', activatedAtMs: ACTIVATED }],
    });
    watch = await CatalogWatch.open(env.nats.nats.nc, { fallback: 'catalog/default.json', log });
  });
  afterAll(async () => {
    watch?.stop();
    await env?.close();
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
    const pack = next.addOns!.find((a) => a.id === 'jiayou-data-1g')!;
    pack.feeFen = 800; // care prices packs from the catalog in force, not the file
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
    const audit = await env.chEnv.ch.client.query({
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
    const packs = (await call('customer', 'GET', '/api/v1/add-ons')).json().addOns as {
      id: string;
      feeFen: number;
    }[];
    expect(packs.find((a) => a.id === 'jiayou-data-1g')?.feeFen).toBe(800);
  });

  it('closes last month for postpaid lines once: same bill twice, no ledger effect, readable by its owner only', async () => {
    const pub = new PipelinedPublisher(env.nats.nats.js);
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
    const cdrMessages = async () => (await env.nats.nats.jsm.streams.info('CDR')).state.messages;
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
        env.nats.server.url,
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

  it("shows a customer the bills of their own periods only: not the previous owner's (过户)", async () => {
    // a hall login on the line, whose care record says it changed hands this month
    const auth = await AuthStore.open(env.nats.nats.nc, systemClock);
    await auth.createUser({
      username: 'heir',
      role: 'customer',
      passwordHash: await hashPassword(HEIR_PASSWORD),
      customerMsisdn: POSTPAID,
    });
    auth.close();
    const login = await env.api.app.inject({
      method: 'POST',
      url: '/api/v1/auth/login',
      payload: { username: 'heir', password: HEIR_PASSWORD },
    });
    const cookie = `sbss_session=${login.cookies.find((c) => c.name === 'sbss_session')?.value}`;
    const bills = async () =>
      (
        await env.api.app.inject({
          method: 'GET',
          url: `/api/v1/subscribers/${encodeURIComponent(POSTPAID)}/bills`,
          headers: { cookie },
        })
      ).json().bills as unknown[];
    const kv = await new Kvm(env.nats.nats.nc).open('care_lines');
    const record = (transfer?: object) =>
      kv.put(
        POSTPAID.slice(1),
        new TextEncoder().encode(
          JSON.stringify({
            msisdn: POSTPAID,
            customerId: 'cus-heir',
            status: 'active',
            planId: 'changxiang-128',
            openedAtMs: ACTIVATED,
            contractEndMs: null,
            devicesOutstanding: [],
            ...(transfer ? { transfer } : {}),
          }),
        ),
      );
    await record();
    expect(await bills()).toHaveLength(1); // the line never changed hands: last month is theirs
    await record({
      transferId: 'xfer-1',
      fromCustomerId: 'cus-before',
      atMs: NOW,
      by: 'agent',
      channel: 'counter',
    });
    expect(await bills()).toEqual([]);
    const month = await env.api.app.inject({
      method: 'GET',
      url: `/api/v1/subscribers/${encodeURIComponent(POSTPAID)}/bills/${LAST_MONTH}`,
      headers: { cookie },
    });
    expect(month.statusCode).toBe(404);
    expect(
      (await call('agent', 'GET', `/api/v1/subscribers/${encodeURIComponent(POSTPAID)}/bills`)).json().bills,
    ).toHaveLength(1);
  });
});
