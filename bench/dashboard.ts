#!/usr/bin/env -S npx tsx
import { fileURLToPath } from 'node:url';
import { launch, login, startSystem } from '../tests/browser/support.ts';

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? 0;

/**
 * Dashboard speed with the browser's own timings (performance.now / navigation timing) in real
 * Chromium against the whole system with its simulator:
 * - NOC interactive: navigation start → KPIs live, history chart drawn and tables filled;
 * - a 24 h × 1 s × 4-series chart (86,400 points per series): create-and-draw time, and a setData;
 * - customer 360 search: keystroke-complete → results on screen (API round trip + render).
 * Prints one JSON object.
 */
export async function run(): Promise<Record<string, unknown>> {
  const env = await startSystem(500);
  const browser = await launch();
  try {
    // let the simulator produce some history first
    await new Promise((r) => setTimeout(r, 15_000));
    const noc = await login(browser, env.url, 'noc');
    const interactive: number[] = [];
    for (let i = 0; i < 5; i++) {
      await noc.goto('about:blank');
      await noc.goto(`${env.url}/#/noc`);
      await noc.getByTestId('chart-service').locator('canvas').waitFor({ timeout: 30_000 });
      await noc.locator('sbss-ticket-grid table').waitFor();
      await noc.waitForFunction(() => {
        let el: Element | null | undefined = document.querySelector('sbss-app');
        el = el?.shadowRoot?.querySelector('sbss-noc-page');
        const v = el?.shadowRoot?.querySelector('[data-testid="cdrs-per-sec"]')?.textContent ?? '…';
        return v !== '…';
      });
      interactive.push(await noc.evaluate(() => performance.now()));
    }

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
      },
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
      note: 'NOC history is what the simulator produced during the run (not a full day of usage_minute rows)',
    };
  } finally {
    await browser.close();
    await env.close();
  }
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
