import type { CareEnv } from '../support/care.ts';
import type { OpenApiDoc } from './fuzz.ts';
import type { HttpMethod } from './matrix.ts';

/** Routes whose success would end the callers' sessions or change their logins mid-run. */
const SKIP = new Set(['POST /api/v1/auth/logout', 'POST /api/v1/accounts/password']);

/** What the API fuzzers aim at: every documented operation, and a session cookie per role (plus none). */
export async function fuzzTargets(env: CareEnv): Promise<{
  doc: OpenApiDoc;
  ops: { method: HttpMethod; path: string }[];
  cookies: string[];
}> {
  const doc = (await env.api.app.inject('/openapi.json')).json() as OpenApiDoc;
  const ops = Object.entries(doc.paths).flatMap(([path, item]) =>
    (['GET', 'POST', 'PUT', 'PATCH', 'DELETE'] as const)
      .filter((m) => m.toLowerCase() in item && !SKIP.has(`${m} ${path}`))
      .map((method) => ({ method: method as HttpMethod, path })),
  );
  const cookies = [''];
  for (const u of ['admin', 'agent', 'customer', 'noc', 'supervisor', 'technician'])
    cookies.push(await env.login(u));
  return { doc, ops, cookies };
}
