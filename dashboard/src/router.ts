import { html, type TemplateResult } from 'lit';
import type { MsgKey } from './i18n.ts';
import type { Me, Role } from './api-client.ts';
import './pages/home-page.ts';
import './pages/live-page.ts';
import './pages/noc-page.ts';
import './pages/care-page.ts';
import './pages/hall-page.ts';
import './pages/tech-page.ts';
import './pages/boards-page.ts';

/** One page of the app: add an entry here (and its component file) to add a screen. */
export interface PageDef {
  id: string;
  label: MsgKey;
  /** Roles that may open the page (the API enforces the same on its data). */
  roles: readonly Role[];
  render(me: Me, allowed: readonly PageDef[]): TemplateResult;
}

const everyone: readonly Role[] = ['agent', 'noc', 'technician', 'supervisor', 'admin', 'customer'];

export const pages: PageDef[] = [
  {
    id: 'home',
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
    label: 'nav.noc',
    roles: ['noc', 'supervisor', 'admin'],
    render: () => html`<sbss-noc-page ?kiosk=${location.hash.includes('/kiosk')}></sbss-noc-page>`,
  },
  {
    id: 'care',
    label: 'nav.care',
    roles: ['agent', 'supervisor', 'admin'],
    render: () => html`<sbss-care-page></sbss-care-page>`,
  },
  {
    id: 'hall',
    label: 'nav.hall',
    roles: ['customer'],
    render: (me) => html`<sbss-hall-page .msisdn=${me.customerMsisdn ?? ''}></sbss-hall-page>`,
  },
  {
    id: 'tech',
    label: 'nav.tech',
    roles: ['technician'],
    render: () => html`<sbss-tech-page></sbss-tech-page>`,
  },
  {
    id: 'boards',
    label: 'nav.boards',
    roles: ['agent', 'noc', 'supervisor', 'admin'],
    render: (me) => html`<sbss-boards-page .role=${me.role}></sbss-boards-page>`,
  },
  {
    id: 'live',
    label: 'nav.live',
    roles: ['noc', 'supervisor', 'admin'],
    render: () => html`<sbss-live-page></sbss-live-page>`,
  },
];

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
