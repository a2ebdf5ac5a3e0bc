import { afterAll, beforeAll } from 'vitest';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium, type Browser, type Locator, type Page } from 'playwright-core';
import { build } from 'vite';
import { loadConfig } from '../../infra/config/index.ts';
import { createLogger } from '../../infra/log/index.ts';
import { runSystem, type RunningSystem } from '../../runtime/index.ts';
import { connectNats } from '../../infra/nats/index.ts';
import { systemClock } from '../../domain/index.ts';
import { AuthStore, hashPassword } from '../../api/auth/index.ts';

export const artifacts = fileURLToPath(new URL('../artifacts', import.meta.url));

/**
 * Builds the dashboard as `npm run build:dashboard` does. Vite picks production or development
 * builds of dependencies by NODE_ENV, which vitest sets to 'test': built from here as it is,
 * the dashboard shipped Lit's development build (slower, a console warning), tests exercised
 * something users do not get, and a later `npm start` served it (dist is rebuilt only when
 * older than its sources).
 */
export async function buildDashboard(): Promise<void> {
  const before = process.env.NODE_ENV;
  process.env.NODE_ENV = 'production';
  try {
    await build({
      configFile: fileURLToPath(new URL('../../dashboard/vite.config.ts', import.meta.url)),
      logLevel: 'warn',
    });
  } finally {
    process.env.NODE_ENV = before;
  }
}

/** Builds the dashboard, then brings the whole system up (real simulator) on random ports. */
export async function startSystem(
  simRate = 200,
): Promise<{ sys: RunningSystem; url: string; dataDir: string; close(): Promise<void> }> {
  await buildDashboard();
  const dir = mkdtempSync(join(tmpdir(), 'sbss-ui-'));
  const config = {
    ...loadConfig({}),
    PORT: 0,
    NATS_PORT: 0,
    DATA_DIR: dir,
    SIM_RATE: simRate,
    SIM_SUBSCRIBERS: 200,
    LOG_LEVEL: 'silent' as const,
  };
  const sys = await runSystem(config, ['ingest', 'processor', 'sink', 'api', 'sim'], createLogger('silent'));
  return {
    sys,
    url: sys.url ?? '',
    dataDir: dir,
    close: async () => {
      await sys.stop();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

export function launch(): Promise<Browser> {
  return chromium.launch({
    executablePath: '/usr/bin/chromium',
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking'],
  });
}

/**
 * The whole system (real simulator) and a Chromium for one test file: started before its tests,
 * stopped after. Read `ui.env` and `ui.browser` inside the tests.
 */
export function systemInChromium(simRate = 200): {
  readonly env: Awaited<ReturnType<typeof startSystem>>;
  readonly browser: Browser;
} {
  const ui = {} as { env: Awaited<ReturnType<typeof startSystem>>; browser: Browser };
  beforeAll(async () => {
    ui.env = await startSystem(simRate);
    ui.browser = await launch();
  });
  afterAll(async () => {
    await ui.browser?.close();
    await ui.env?.close();
  });
  return ui;
}

export interface LoginOptions {
  /** A phone's screen (390 × 844, touch) instead of a desktop's. */
  phone?: boolean;
  /** The browser's time zone (default: the machine's). */
  timezoneId?: string;
  /** Called with the page before it opens, e.g. to watch its requests from the first one. */
  beforeOpen?: (page: Page) => void;
}

/** Logs in through the form as a demo user and waits for the role's first page. */
export async function login(
  browser: Browser,
  url: string,
  user: string,
  o: LoginOptions = {},
): Promise<Page> {
  const { phone = false, timezoneId } = o;
  const ctx = await browser.newContext({
    viewport: phone ? { width: 390, height: 844 } : { width: 1280, height: 900 },
    locale: 'zh-CN',
    ...(timezoneId ? { timezoneId } : {}),
    ...(phone ? { isMobile: true, hasTouch: true } : {}),
  });
  const page = await ctx.newPage();
  o.beforeOpen?.(page);
  await page.goto(url);
  await page.getByLabel('用户名').fill(user);
  await page.getByLabel('密码').fill(`${user}-demo-2026`);
  await page.getByRole('button', { name: '登录' }).click();
  await page.getByRole('button', { name: '退出登录' }).waitFor();
  return page;
}

export async function shot(page: Page, name: string): Promise<void> {
  mkdirSync(artifacts, { recursive: true });
  await page.screenshot({ path: `${artifacts}/${name}.png`, fullPage: true });
}

/**
 * Basic accessibility: every visible form control (through shadow roots) has a label, and tabbing
 * from the top reaches each of `targets` (button or link texts). Returns what failed.
 */
export async function a11y(
  page: Page,
  targets: string[],
): Promise<{ unlabelled: string[]; unreached: string[] }> {
  const unlabelled = await page.evaluate(() => {
    const out: string[] = [];
    const walk = (root: Document | ShadowRoot) => {
      for (const el of root.querySelectorAll<HTMLElement>('input, select, textarea')) {
        const i = el as HTMLInputElement;
        const named =
          (i.labels && i.labels.length > 0) ||
          i.getAttribute('aria-label') ||
          i.getAttribute('aria-labelledby');
        if (!named && i.type !== 'hidden') out.push(i.outerHTML.slice(0, 80));
      }
      for (const host of root.querySelectorAll('*')) if (host.shadowRoot) walk(host.shadowRoot);
    };
    walk(document);
    return out;
  });
  const seen = new Set<string>();
  await page.mouse.click(1, 1);
  for (let i = 0; i < 80 && seen.size < targets.length; i++) {
    await page.keyboard.press('Tab');
    const text = await page.evaluate(() => {
      let a: Element | null = document.activeElement;
      while (a?.shadowRoot?.activeElement) a = a.shadowRoot.activeElement;
      return (a?.textContent ?? '').trim();
    });
    for (const t of targets) if (text.includes(t)) seen.add(t);
  }
  return { unlabelled, unreached: targets.filter((t) => !seen.has(t)) };
}

/** The technician the open network ticket was dispatched to, read through the API as the NOC would. */
export async function dispatchedTechnician(url: string, siteId = 'GD-GZ-0012'): Promise<string> {
  const res = await fetch(`${url}/api/v1/auth/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ username: 'noc', password: 'noc-demo-2026' }),
  });
  const cookie = (res.headers.get('set-cookie') ?? '').split(';')[0] ?? '';
  for (let i = 0; i < 100; i++) {
    const list = (await (await fetch(`${url}/api/v1/noc/tickets`, { headers: { cookie } })).json()) as {
      items?: { technicianId?: string; siteId?: string }[];
    };
    const t = (list.items ?? []).find((x) => x.technicianId && x.siteId === siteId);
    if (t?.technicianId) return t.technicianId;
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error('no ticket was dispatched to a technician');
}

/** Creates (if missing) the login of a roster technician: username = roster id in lower case. */
export async function ensureTechnicianLogin(natsUrl: string, technicianId: string): Promise<string> {
  const username = technicianId === 'T-GD-GZ-01' ? 'technician' : technicianId.toLowerCase();
  const nats = await connectNats(natsUrl, 'ui-test-users');
  try {
    const store = await AuthStore.open(nats.nc, systemClock);
    if (!(await store.getUser(username)))
      await store.createUser({
        username,
        role: 'technician',
        passwordHash: await hashPassword(`${username}-demo-2026`),
      });
  } finally {
    await nats.nc.close();
  }
  return username;
}

/**
 * The `<sbss-series-chart>` that `host` selects, or the first one inside it (Playwright's CSS
 * locators pierce shadow roots).
 */
function seriesChart(page: Page, host: string): Locator {
  return page.locator(`${host}:is(sbss-series-chart, sbss-rate-chart), ${host} sbss-series-chart`).first();
}

/**
 * The x scale (epoch seconds), x data and y scale of the chart in `host` (see seriesChart): uPlot
 * draws its axes on a canvas, so the scales are what a test can read of what the axes show.
 */
export async function chartXScale(
  page: Page,
  host: string,
): Promise<{ min: number; max: number; xs: number[]; y: { min?: number; max?: number } } | null> {
  return seriesChart(page, host).evaluate((el) => {
    const c = el as Element & {
      plot?: { scales: Record<'x' | 'y', { min?: number; max?: number } | undefined> };
      data?: number[][];
    };
    const x = c.plot?.scales.x;
    if (x?.min === undefined || x.max === undefined) return null;
    const y = c.plot?.scales.y;
    return { min: x.min, max: x.max, xs: c.data?.[0] ?? [], y: { min: y?.min, max: y?.max } };
  });
}

/**
 * How many pixels of each colour (`#rrggbb`) the canvas of the chart in `host` holds: what a test
 * can read of which series' bars or lines are visible.
 */
export async function chartColourPixels(page: Page, host: string, colours: string[]): Promise<number[]> {
  return seriesChart(page, host).evaluate((el, wanted) => {
    const canvas = el.shadowRoot?.querySelector('canvas');
    const ctx = canvas?.getContext('2d');
    if (!canvas || !ctx) return wanted.map(() => 0);
    const px = ctx.getImageData(0, 0, canvas.width, canvas.height).data;
    const rgb = wanted.map((c) => [1, 3, 5].map((i) => parseInt(c.slice(i, i + 2), 16)));
    const counts = wanted.map(() => 0);
    for (let i = 0; i < px.length; i += 4)
      rgb.forEach(([r, g, b], k) => {
        if (px[i] === r && px[i + 1] === g && px[i + 2] === b) counts[k]!++;
      });
    return counts;
  }, colours);
}

/** How far the table in a `sbss-data-table` would scroll sideways (0 or less: it fits its card). */
export function tableOverflow(table: Locator): Promise<number> {
  return table.evaluate((el) => {
    const box = el.shadowRoot!.querySelector('.scroll')!;
    return box.scrollWidth - box.clientWidth;
  });
}

/** An instant as the screens write it: Beijing time (UTC+8 all year), "2026-11-27 18:05:09". */
export const beijingText = (ms: number): string =>
  new Date(ms + 8 * 3_600_000).toISOString().slice(0, 19).replace('T', ' ');

/** A request from the page, with its session cookie: the API as the signed-in user sees it. */
export const call = (page: Page, method: string, path: string, body?: unknown) =>
  page.evaluate(
    async ([m, p, b]) => {
      const res = await fetch(p as string, {
        method: m as string,
        headers: b === undefined ? {} : { 'content-type': 'application/json' },
        body: b === undefined ? null : JSON.stringify(b),
      });
      return { status: res.status, body: (await res.json().catch(() => null)) as unknown };
    },
    [method, path, body] as const,
  );
