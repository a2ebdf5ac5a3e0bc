import type { RouteEntry } from '../../api/security/index.ts';
import type { Role } from '../../api/index.ts';

/** Who calls: anonymous, a dead or forged session, or a logged-in role. */
export type Caller = 'anonymous' | 'forged' | 'expired' | Role;
export const callers: readonly Caller[] = [
  'anonymous',
  'forged',
  'expired',
  'customer',
  'agent',
  'technician',
  'noc',
  'supervisor',
  'admin',
];

export interface Operation {
  method: string;
  /** OpenAPI path, e.g. /api/v1/customers/{customerId} */
  path: string;
  roles: readonly Role[] | null;
}

export type HttpMethod = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
const methods: readonly HttpMethod[] = ['GET', 'POST', 'PUT', 'PATCH', 'DELETE'];

interface OpenApiDoc {
  paths: Record<string, Record<string, unknown>>;
}

/** Fastify `/a/:b` → OpenAPI `/a/{b}`. */
export const toOpenApiPath = (url: string) => url.replace(/:([A-Za-z0-9_]+)/g, '{$1}');

/**
 * Every operation of the OpenAPI document joined with the roles its route declares. Returns the
 * operations and the findings: documented operations without a registered route, and API routes
 * that declare no roles without being on the public list.
 */
export function operationsOf(
  doc: unknown,
  routes: readonly RouteEntry[],
  publicOps: ReadonlySet<string>,
): { ops: Operation[]; findings: string[] } {
  const paths = (doc as OpenApiDoc).paths;
  const byKey = new Map(routes.map((r) => [`${r.method} ${toOpenApiPath(r.url)}`, r]));
  const ops: Operation[] = [];
  const findings: string[] = [];
  for (const [path, item] of Object.entries(paths)) {
    for (const m of methods) {
      if (!(m.toLowerCase() in item)) continue;
      const key = `${m} ${path}`;
      const route = byKey.get(key);
      if (!route) {
        findings.push(`${key}: documented but no route registered`);
        continue;
      }
      if (!route.roles && !publicOps.has(key) && path.startsWith('/api/'))
        findings.push(`${key}: declares no roles and is not on the public list`);
      ops.push({ method: m, path, roles: route.roles });
    }
  }
  // routes that exist but are missing from the document are invisible to clients and scanners
  for (const r of routes) {
    if (!r.url.startsWith('/api/') || r.method === 'HEAD' || r.method === 'OPTIONS') continue;
    const key = `${r.method} ${toOpenApiPath(r.url)}`;
    if (!(toOpenApiPath(r.url) in paths)) findings.push(`${key}: registered but not in the OpenAPI document`);
  }
  return { ops, findings };
}

/** What a caller must get: 'denied401', 'denied403', or 'allowed' (then object checks apply). */
export function expectationOf(op: Operation, caller: Caller): 'denied401' | 'denied403' | 'allowed' {
  if (!op.roles) return 'allowed';
  if (caller === 'anonymous' || caller === 'forged' || caller === 'expired') return 'denied401';
  return op.roles.includes(caller) ? 'allowed' : 'denied403';
}

/** URL-encodes a segment; a lone surrogate becomes the invalid UTF-8 bytes an attacker would send. */
function segment(v: string): string {
  try {
    return encodeURIComponent(v);
  } catch {
    return '%ED%A0%80';
  }
}

/** Fills path parameters with the victim's ids (someone else's objects). */
export function fillPath(path: string, ids: Record<string, string>): string {
  return path.replace(/\{([A-Za-z0-9_]+)\}/g, (_, name: string) => segment(ids[name] ?? `unknown-${name}`));
}

/** An 18-character PRC resident ID number (17 digits + digit or X) anywhere in a text. */
export const RAW_ID_NUMBER = /(?<![0-9])[1-9][0-9]{16}[0-9Xx](?![0-9])/;
