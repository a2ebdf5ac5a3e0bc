import { html, type TemplateResult } from 'lit';
import type { MsgKey } from './i18n.ts';
import type { Me, Role } from './api-client.ts';

/**
 * One page of the app: add an entry here (and its component file) to add a screen. Each page's
 * code is its own chunk, fetched on first use (`load`): the NOC wall screen does not download and
 * run the order wizard, and the other way round. Until the chunk has run, the page's element is
 * an unknown tag; it upgrades in place (Lit keeps properties set before the upgrade).
 */
export interface PageDef {
  id: string;
  label: MsgKey;
  /** Roles that may open the page (the API enforces the same on its data). */
  roles: readonly Role[];
  load(): Promise<unknown>;
  render(me: Me, allowed: readonly PageDef[]): TemplateResult;
}

const everyone: readonly Role[] = ['agent', 'noc', 'technician', 'supervisor', 'admin', 'customer'];

export const pages: PageDef[] = [
  {
    id: 'home',
    load: () => import('./pages/home-page.ts'),
    label: 'nav.home',
    roles: everyone,
    render: (me, allowed) =>
      html`<sbss-home-page
        .me=${me}
        .links=${allowed.filter((p) => p.id !== 'home').map((p) => ({ id: p.id, label: p.label }))}
      ></sbss-home-page>`,
  },
  {
    id: 'noc',
    load: () => import('./pages/noc-page.ts'),
    label: 'nav.noc',
    roles: ['noc', 'supervisor', 'admin'],
    render: (me) =>
      html`<sbss-noc-page ?kiosk=${location.hash.includes('/kiosk')} .role=${me.role}></sbss-noc-page>`,
  },
  {
    id: 'care',
    load: () => import('./pages/care-page.ts'),
    label: 'nav.care',
    roles: ['agent', 'supervisor', 'admin'],
    render: (me) => html`<sbss-care-page .role=${me.role} .username=${me.username}></sbss-care-page>`,
  },
  {
    id: 'order',
    load: () => import('./pages/order-page.ts'),
    label: 'nav.order',
    roles: ['agent', 'supervisor'],
    render: (me) => html`<sbss-order-page .agent=${me.username}></sbss-order-page>`,
  },
  {
    id: 'hall',
    load: () => import('./pages/hall-page.ts'),
    label: 'nav.hall',
    roles: ['customer'],
    render: (me) => html`<sbss-hall-page .msisdn=${me.customerMsisdn ?? ''}></sbss-hall-page>`,
  },
  {
    id: 'tech',
    load: () => import('./pages/tech-page.ts'),
    label: 'nav.tech',
    roles: ['technician'],
    render: () => html`<sbss-tech-page></sbss-tech-page>`,
  },
  {
    id: 'boards',
    load: () => import('./pages/boards-page.ts'),
    label: 'nav.boards',
    roles: ['agent', 'noc', 'supervisor', 'admin'],
    render: (me) => html`<sbss-boards-page .role=${me.role}></sbss-boards-page>`,
  },
  {
    id: 'billing',
    load: () => import('./pages/billing-page.ts'),
    label: 'nav.billing',
    roles: ['supervisor', 'admin'],
    render: (me) => html`<sbss-billing-page .role=${me.role}></sbss-billing-page>`,
  },
  {
    id: 'stock',
    load: () => import('./pages/stock-page.ts'),
    label: 'nav.stock',
    roles: ['supervisor', 'admin'],
    render: () => html`<sbss-stock-page></sbss-stock-page>`,
  },
  {
    id: 'live',
    load: () => import('./pages/live-page.ts'),
    label: 'nav.live',
    roles: ['noc', 'supervisor', 'admin'],
    render: () => html`<sbss-live-page></sbss-live-page>`,
  },
];

/** Fetches the page's chunk (once; the module cache keeps it). A failed fetch is retried on the next visit. */
export function loadPage(p: PageDef): void {
  p.load().catch((err: unknown) => console.error(`page ${p.id} failed to load`, err));
}

/** Starts fetching the chunk of the page in the address bar while the session is still being checked. */
export function preloadCurrentPage(): void {
  const p = pages.find((x) => x.id === currentPageId());
  if (p) loadPage(p);
}

export const pagesFor = (role: Role) => pages.filter((p) => p.roles.includes(role));

/** The page id in the location hash ('#/live' → 'live'). */
export const currentPageId = () => location.hash.replace(/^#\/?/, '').split('/')[0] ?? '';

export function navigate(id: string): void {
  location.hash = `#/${id}`;
}

/** The page to show: the one in the hash if the role may use it, else the role's first page. */
export function resolvePage(role: Role): PageDef | undefined {
  const allowed = pagesFor(role);
  const wanted = currentPageId();
  return allowed.find((p) => p.id === wanted) ?? allowed.find((p) => p.id !== 'home') ?? allowed[0];
}
