import { existsSync, mkdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { chromium, type Browser, type Page } from 'playwright-core';
import { createApi, seedDemoUsers, type Api } from '../../api/index.ts';
import { applyTopology } from '../../infra/nats/index.ts';
import { loadConfig } from '../../infra/config/index.ts';
import { createMetrics } from '../../infra/metrics/index.ts';
import { createLogger } from '../../infra/log/index.ts';
import { encodeBatch, randomIds, systemClock, type RatedCdr } from '../../domain/index.ts';
import { openTestClickHouse, startTestNats } from '../support/env.ts';
import { buildDashboard, chartXScale } from './support.ts';

const dashboardDir = fileURLToPath(new URL('../../dashboard/dist', import.meta.url));
const artifacts = fileURLToPath(new URL('../artifacts', import.meta.url));

function rated(i: number): RatedCdr {
  const startMs = Date.now() - 1000;
  return {
    cdr: {
      type: 'voice',
      cdrId: `cdr-live-${i}`,
      neId: 'msc-1',
      recordSeq: i,
      msisdn: '+8613812345678',
      imsi: '460001234567890',
      cellId: 'cell-7',
      region: 'sh',
      startMs,
      roaming: false,
      direction: 'mo',
      calledNumber: '+8613900000000',
      durationSec: 65,
    },
    planId: 'flat',
    planVersion: 1,
    chargeFen: 123,
    billableUnits: 65,
    unit: 'sec',
    allowanceUsed: 0,
    ratedAtMs: startMs + 5,
    explanation: 'flat rate',
  };
}

describe('live page in Chromium', () => {
  let nats: Awaited<ReturnType<typeof startTestNats>>;
  let chEnv: Awaited<ReturnType<typeof openTestClickHouse>>;
  let api: Api;
  let base: string;
  let browser: Browser;
  let page: Page;

  beforeAll(async () => {
    // Always build, so the test drives the dashboard as it is in the tree, not a stale dist.
    await buildDashboard();
    expect(existsSync(`${dashboardDir}/index.html`)).toBe(true);
    nats = await startTestNats();
    chEnv = await openTestClickHouse();
    await applyTopology(nats.nats.nc, nats.nats.jsm, []);
    const log = createLogger('silent');
    await seedDemoUsers(nats.nats, log);
    api = await createApi({
      config: { ...loadConfig({}), PORT: 0 },
      nats: nats.nats,
      ch: chEnv.ch,
      metrics: createMetrics(),
      log,
      clock: systemClock,
      ids: randomIds,
      dashboardDir,
    });
    base = await api.listen();
    browser = await chromium.launch({
      executablePath: '/usr/bin/chromium',
      args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking'],
    });
    page = await browser.newPage({ viewport: { width: 1280, height: 900 }, locale: 'zh-CN' });
  });

  afterAll(async () => {
    await browser?.close();
    await api?.close();
    await chEnv?.close();
    await nats?.close();
  });

  it('logs in as noc, opens 实时监控 and sees the counter move as rated CDRs arrive', async () => {
    const cspErrors: string[] = [];
    page.on('console', (m) => {
      if (m.type() === 'error') cspErrors.push(m.text());
    });
    await page.goto(base);
    await page.getByLabel('用户名').fill('noc');
    await page.getByLabel('密码').fill('noc-demo-2026');
    await page.getByRole('button', { name: '登录' }).click();

    // noc lands on the NOC page; the raw live feed is its own page
    await expect.poll(() => page.url()).toContain('#/noc');
    await page.getByRole('link', { name: '实时监控' }).click();
    await expect.poll(() => page.url()).toContain('#/live');
    const total = page.getByTestId('total-cdrs');
    await total.waitFor();
    expect(await total.textContent()).toBe('0');
    await page.getByText('暂无话单').waitFor();

    let seq = 0;
    const publisher = setInterval(() => {
      const items = Array.from({ length: 25 }, () => rated(seq++));
      nats.nats.nc.publish('rated.p.0', encodeBatch(`b-${seq}`, items));
    }, 100);
    try {
      await expect
        .poll(async () => Number((await total.textContent())?.replace(/\D/g, '')), { timeout: 15_000 })
        .toBeGreaterThan(100);
      await expect
        .poll(async () => Number((await page.getByTestId('cdrs-per-sec').textContent())?.replace(/\D/g, '')))
        .toBeGreaterThan(0);
      const row = page.locator('sbss-cdr-table tbody tr').first();
      await expect.poll(() => row.textContent()).toContain('+86138****5678');
      expect(await row.textContent()).toContain('1.23');
      expect(await row.textContent()).toContain('1分05秒');
      // the chart is drawn once and fed by setData: one canvas
      expect(await page.locator('sbss-rate-chart canvas').count()).toBe(1);
      // "the last 2 minutes" spans two minutes from the first second (it once stretched the
      // seconds since the page opened across the chart, with millisecond ticks)
      const x = await chartXScale(page, 'sbss-rate-chart');
      expect(x && x.max - x.min).toBe(120);
      // A page opened now starts with the seconds it missed (the chart once started empty and
      // took two minutes to fill): the picture sent on joining carries the rate history.
      await page.waitForTimeout(3000);
      await page.reload();
      const chartSeconds = () =>
        page.locator('sbss-rate-chart').evaluate((el) => {
          const xs = (el as Element & { plot?: { data: number[][] } }).plot?.data[0] ?? [];
          return xs.length ? (xs[xs.length - 1] ?? 0) - (xs[0] ?? 0) : 0;
        });
      await page.getByTestId('total-cdrs').waitFor();
      await expect.poll(chartSeconds, { timeout: 2000 }).toBeGreaterThan(4);
    } finally {
      clearInterval(publisher);
    }
    mkdirSync(artifacts, { recursive: true });
    await page.screenshot({ path: `${artifacts}/live-page.png`, fullPage: true });
    expect(cspErrors.filter((e) => /Content Security Policy/i.test(e))).toEqual([]);
    // Nothing else failed to load either (the one 401 is the session check before the login; a
    // favicon request once answered 405 here).
    expect(cspErrors.filter((e) => !/status of 401/.test(e))).toEqual([]);
    const missing = await page.evaluate(async () => {
      const r = await fetch('/api/v1/nope');
      return { status: r.status, code: ((await r.json()) as { error: { code: string } }).error.code };
    });
    expect(missing).toEqual({ status: 404, code: 'NOT_FOUND' });
  });

  it('switches to English and keeps the live view', async () => {
    await page.getByRole('button', { name: 'English' }).click();
    await page.getByRole('heading', { name: 'Live' }).waitFor();
    await page.getByText('Total CDRs').waitFor();
  });

  it('serves Swagger UI at /docs under the same Content-Security-Policy', async () => {
    const docs = await browser.newPage();
    const blocked: string[] = [];
    docs.on('console', (m) => {
      if (/Content Security Policy/i.test(m.text())) blocked.push(m.text());
    });
    await docs.goto(`${base}/docs`);
    await docs.getByText('StreamBSS API').first().waitFor();
    await docs.getByText('/api/v1/subscribers/{msisdn}/usage').first().waitFor();
    expect(blocked).toEqual([]);
    await docs.close();
  });
});
