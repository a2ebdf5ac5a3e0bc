#!/usr/bin/env -S npx tsx
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Page } from 'playwright-core';
import { openClickHouse } from '../infra/clickhouse/index.ts';
import { loadConfig } from '../infra/config/index.ts';
import { launch, login, startSystem } from '../tests/browser/support.ts';

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? 0;

/**
 * Dashboard speed with the browser's own timings (performance.now / navigation timing) in real
 * Chromium against the whole system with its simulator:
 * - NOC interactive: navigation start → the frame in which KPIs are live, the history chart is
 *   drawn and the tables are filled (timed in the page by a requestAnimationFrame loop);
 * - a 24 h × 1 s × 4-series chart (86,400 points per series): create-and-draw time, and a setData;
 * - NOC zoom: drag over 2 h drawn at 5-minute buckets → the range drawn per minute (a finer fetch);
 * - customer 360 search: keystroke-complete → results on screen (API round trip + render).
 * The NOC history holds a full day: 24 h of per-minute rows for 8 regions × 3 services are written
 * into `usage_minute` before the runs, with the simulator's live minutes on top.
 * Prints one JSON object, with where the time of the median NOC run went (`nocTimings`).
 */
export async function run(): Promise<Record<string, unknown>> {
  const env = await startSystem(500);
  const browser = await launch();
  let seed: { rows: number; close(): Promise<void> } | null = null;
  try {
    seed = await seedDay(env.dataDir);
    // let the simulator produce some live history on top
    await new Promise((r) => setTimeout(r, 15_000));
    const noc = await login(browser, env.url, 'noc');
    const interactive: number[] = [];
    const afterChecks: number[] = [];
    const timings: NocTimings[] = [];
    for (let i = 0; i < 5; i++) {
      await noc.goto('about:blank');
      await noc.goto(`${env.url}/#/noc`);
      // when each of the three conditions first held (checked every frame)
      // (a string: tsx would wrap a named function in a __name() the page does not have)
      await noc.evaluate(`(() => {
        const ready = (window.nocReady = {});
        const tick = () => {
          const pg = document.querySelector('sbss-app')?.shadowRoot?.querySelector('sbss-noc-page')?.shadowRoot;
          const at = Math.round(performance.now());
          if (pg?.querySelector('[data-testid="chart-service"]')?.shadowRoot?.querySelector('canvas')) ready.chart ??= at;
          if (pg?.querySelector('sbss-ticket-grid')?.shadowRoot?.querySelector('table')) ready.table ??= at;
          if ((pg?.querySelector('[data-testid="cdrs-per-sec"]')?.textContent ?? '…') !== '…') ready.kpi ??= at;
          if (Object.keys(ready).length < 3) requestAnimationFrame(tick);
        };
        tick();
      })()`);
      await noc.getByTestId('chart-service').locator('canvas').waitFor({ timeout: 30_000 });
      await noc.locator('sbss-ticket-grid table').waitFor();
      await noc.waitForFunction(() => {
        let el: Element | null | undefined = document.querySelector('sbss-app');
        el = el?.shadowRoot?.querySelector('sbss-noc-page');
        const v = el?.shadowRoot?.querySelector('[data-testid="cdrs-per-sec"]')?.textContent ?? '…';
        return v !== '…';
      });
      // Interactive = the frame in which the last of the three held, as the page saw it
      // (performance.now() in a requestAnimationFrame loop); the waits above only tell us when to
      // read it (their own round trips, ~0.3 s, are not the page's).
      const ready = (await noc.evaluate('window.nocReady')) as Record<string, number>;
      interactive.push(Math.max(...Object.values(ready)));
      afterChecks.push(await noc.evaluate(() => performance.now()));
      timings.push(await nocTimings(noc));
    }
    const medianRun = interactive.indexOf(median(interactive));
    const zoom = await zoomToFine(noc);

    const draws = await noc.evaluate(async () => {
      type Chart = HTMLElement & {
        data: unknown;
        series: unknown;
        lastDrawMs: number;
        updateComplete: Promise<unknown>;
      };
      const n = 86_400;
      const t0s = Math.floor(Date.now() / 1000) - n;
      const xs = new Float64Array(n);
      const cols = [0, 1, 2, 3].map(() => new Float64Array(n));
      for (let i = 0; i < n; i++) {
        xs[i] = t0s + i;
        for (let s = 0; s < 4; s++)
          (cols[s] as Float64Array)[i] = 100 + 50 * Math.sin(i / (600 + s * 97)) + ((i * 7919 + s) % 13);
      }
      const out: { create: number[]; setData: number[] } = { create: [], setData: [] };
      for (let k = 0; k < 5; k++) {
        const el = document.createElement('sbss-series-chart') as Chart;
        el.style.width = '1200px';
        document.body.appendChild(el);
        el.series = ['a', 'b', 'c', 'd'].map((label, i) => ({
          label,
          color: ['#38bdf8', '#f472b6', '#facc15', '#4ade80'][i],
        }));
        const t0 = performance.now();
        el.data = [xs, ...cols];
        await el.updateComplete;
        out.create.push(performance.now() - t0);
        const t1 = performance.now();
        el.data = [xs, ...cols.map((c) => c.map((v) => v + 1))];
        await el.updateComplete;
        out.setData.push(performance.now() - t1);
        el.remove();
      }
      return out;
    });
    await noc.context().close();

    const agent = await login(browser, env.url, 'agent');
    await agent.evaluate(async () => {
      await fetch('/api/v1/customers', {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({
          name: '王五',
          idType: 'resident_id',
          idNumber: '110105199003070017',
          mobile: '+8613900000099',
          address: { province: '北京', city: '北京', district: '朝阳区', street: '建国路', number: '1号' },
          serviceType: 'mobile',
          channel: 'counter',
        }),
      });
    });
    await agent.goto(`${env.url}/#/care`);
    const search: number[] = [];
    for (const q of ['13900000099', '王五', '110105199003070017', '王', '13900000099']) {
      const ms = await agent.evaluate(async (query) => {
        type Care = HTMLElement & { search(q: string): Promise<void>; lastSearchMs: number };
        const page = document.querySelector('sbss-app')?.shadowRoot?.querySelector('sbss-care-page') as Care;
        await page.search(query);
        return page.lastSearchMs;
      }, q);
      search.push(ms);
    }
    await agent.context().close();
    return {
      bench: 'dashboard',
      nocInteractiveMs: {
        median: Math.round(median(interactive)),
        runs: interactive.map(Math.round),
        targetMs: 1500,
        /** When the bench's own checks (three Playwright waits) had all returned, for comparison. */
        afterBenchChecksMs: Math.round(median(afterChecks)),
      },
      nocTimings: timings[medianRun],
      historyRowsSeeded: seed.rows,
      nocZoom: zoom,
      chart24hx1sx4: {
        points: 86_400 * 4,
        createDrawMs: +median(draws.create).toFixed(1),
        setDataMs: +median(draws.setData).toFixed(1),
        targetMs: 100,
      },
      care360SearchMs: {
        median: +median(search).toFixed(1),
        runs: search.map((x) => +x.toFixed(1)),
        targetMs: 300,
      },
      note: 'NOC history: a seeded day of usage_minute rows (8 regions × 3 services × 1440 min) plus the live simulator',
    };
  } finally {
    await browser.close();
    // the seeding session must end after the system and before its data folder is removed
    await env.sys.stop();
    await seed?.close();
    await env.close();
  }
}

/** 24 h of per-minute usage rows, as the sink's materialized view would have written them. */
async function seedDay(dataDir: string): Promise<{ rows: number; close(): Promise<void> }> {
  const db = loadConfig({}).CLICKHOUSE_DATABASE;
  const ch = await openClickHouse({ database: db, embeddedPath: join(dataDir, 'clickhouse') });
  const rows = 8 * 3 * 1440;
  await ch.client.command({
    query: `INSERT INTO ${db}.usage_minute
            SELECT toStartOfMinute(now() - toIntervalMinute(number % 1440 + 2)) AS minute,
                   ['BJ','SH','GD','ZJ','JS','SC','HB','SN'][intDiv(number, 1440) % 8 + 1] AS region,
                   ['voice','sms','data'][intDiv(number, 11520) + 1] AS type,
                   50 + number % 17 AS cdrs, 400 + number % 31 AS charge_fen,
                   if(type = 'data', 1000000 + number % 977, 0) AS bytes,
                   if(type = 'voice', 3000, 0) AS duration_sec
            FROM numbers(${rows})`,
  });
  return { rows, close: () => ch.close() };
}

/**
 * Drags over two hours of the CDR chart, six to four hours back (drawn at 5-minute buckets), and
 * times it until that range is drawn per minute (the page fetches it at the finer step).
 */
async function zoomToFine(page: Page): Promise<{ ms: number; pointsBefore: number; pointsAfter: number }> {
  const over = page.getByTestId('chart-service').locator('.u-over');
  const box = await over.boundingBox();
  if (!box) throw new Error('chart not laid out');
  // (strings: tsx would wrap named functions in a __name() the page does not have, and the
  // page's CSP forbids the eval behind waitForFunction(string))
  const probe = `(() => {
    const el = document.querySelector('sbss-app').shadowRoot.querySelector('sbss-noc-page').shadowRoot
      .querySelector('[data-testid="chart-service"]');
    const now = Date.now() / 1000;
    const xs = el.data[0];
    let n = 0;
    for (let i = 0; i < xs.length; i++) if (xs[i] >= now - 6 * 3600 && xs[i] < now - 4 * 3600) n++;
    return { n, left: el.plot.valToPos(now - 6 * 3600, 'x'), right: el.plot.valToPos(now - 4 * 3600, 'x') };
  })()`;
  const poll = async <T>(expr: string, ok: (v: T) => boolean): Promise<T> => {
    for (const end = Date.now() + 30_000; Date.now() < end;) {
      const v = (await page.evaluate(expr)) as T;
      if (ok(v)) return v;
      await new Promise((r) => setTimeout(r, 50));
    }
    throw new Error(`timed out waiting for ${expr}`);
  };
  const before = await poll<{ n: number; left: number; right: number }>(probe, (v) => v.n > 0); // the day is in
  // mouse-up → the first frame with the range drawn per minute, timed in the page
  await page.evaluate(`(() => {
    const z = (window.nocZoom = {});
    addEventListener('mouseup', () => {
      z.start = performance.now();
      const tick = () => {
        if (${probe}.n > ${before.n * 3}) z.end = performance.now();
        else requestAnimationFrame(tick);
      };
      tick();
    }, { capture: true, once: true });
  })()`);
  await page.mouse.move(box.x + before.left, box.y + box.height / 2);
  await page.mouse.down();
  await page.mouse.move(box.x + before.right, box.y + box.height / 2, { steps: 5 });
  await page.mouse.up();
  const z = await poll<{ start?: number; end?: number }>('window.nocZoom', (v) => v.end !== undefined);
  const after = (await page.evaluate(probe)) as { n: number };
  await over.dblclick();
  return { ms: Math.round((z.end ?? 0) - (z.start ?? 0)), pointsBefore: before.n, pointsAfter: after.n };
}

interface NocTimings {
  /** ms since navigation start */
  responseEnd: number;
  domContentLoaded: number;
  scripts: { name: string; kb: number; end: number }[];
  api: { name: string; start: number; end: number; kb: number }[];
  interactive: number;
  ready: Record<string, number>;
}

/** Where the time went: navigation, scripts (size and arrival), every API call. */
function nocTimings(page: Page): Promise<NocTimings> {
  return page.evaluate(() => {
    const nav = performance.getEntriesByType('navigation')[0] as PerformanceNavigationTiming;
    const res = performance.getEntriesByType('resource') as PerformanceResourceTiming[];
    // (no named helpers in here: tsx would wrap them in a __name() the page does not have)
    return {
      responseEnd: Math.round(nav.responseEnd),
      domContentLoaded: Math.round(nav.domContentLoadedEventEnd),
      scripts: res
        .filter((r) => r.initiatorType === 'script' || r.name.endsWith('.js'))
        .map((r) => ({
          name: r.name.replace(location.origin, ''),
          kb: Math.round(r.encodedBodySize / 1024),
          end: Math.round(r.responseEnd),
        })),
      api: res
        .filter((r) => r.name.includes('/api/'))
        .map((r) => ({
          name: r.name.replace(location.origin, ''),
          start: Math.round(r.startTime),
          end: Math.round(r.responseEnd),
          kb: Math.round(r.encodedBodySize / 1024),
        })),
      interactive: Math.round(performance.now()),
      ready: (window as unknown as { nocReady: Record<string, number> }).nocReady,
    };
  });
}

if (process.argv[1] === fileURLToPath(import.meta.url))
  run().then(
    (r) => {
      console.log(JSON.stringify(r, null, 2));
      process.exit(0);
    },
    (err: unknown) => {
      console.error(err);
      process.exit(1);
    },
  );
