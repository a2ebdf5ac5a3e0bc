export const ROLES = ['ingest', 'processor', 'sink', 'api', 'sim'] as const;
export type Role = (typeof ROLES)[number];

export class RoleError extends Error {
  readonly code = 'ROLE_INVALID';
}

/** Parses "ingest,processor" into roles, naming an unknown one. */
export function parseRoles(text: string): Role[] {
  const list = text
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
  if (list.length === 0) throw new RoleError(`no roles given; choose from ${ROLES.join(', ')}`);
  for (const r of list)
    if (!(ROLES as readonly string[]).includes(r))
      throw new RoleError(`unknown role "${r}"; choose from ${ROLES.join(', ')}`);
  return [...new Set(list)] as Role[];
}

export const needsClickHouse = (roles: readonly Role[]) => roles.includes('sink') || roles.includes('api');
