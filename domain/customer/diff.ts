import { maskEmail, maskIdNumber, maskPhone } from './mask.ts';

/** One changed field of a profile change, as written to the audit trail. */
export interface FieldChange {
  field: string;
  before: string | null;
  after: string | null;
}

const sensitive: Record<string, (v: string) => string> = {
  idNumber: maskIdNumber,
  mobile: maskPhone,
  landline: maskPhone,
  email: maskEmail,
};

function flat(prefix: string, v: unknown, out: Map<string, string | null>): void {
  if (v !== null && typeof v === 'object' && !Array.isArray(v)) {
    for (const [k, x] of Object.entries(v as Record<string, unknown>))
      flat(prefix ? `${prefix}.${k}` : k, x, out);
  } else out.set(prefix, v === undefined || v === null ? null : String(v));
}

/**
 * The before/after of every field that differs between two profiles (nested objects flattened
 * to dotted paths, e.g. `address.street`), sorted by field. Identity numbers, phones and e-mail
 * are masked in the trail so the audit log itself never leaks them; a changed value still shows.
 */
export function diffProfile(before: object, after: object, ignore: readonly string[] = []): FieldChange[] {
  const a = new Map<string, string | null>();
  const b = new Map<string, string | null>();
  flat('', before, a);
  flat('', after, b);
  const keys = [...new Set([...a.keys(), ...b.keys()])].filter((k) => !ignore.includes(k)).sort();
  const out: FieldChange[] = [];
  for (const k of keys) {
    const x = a.get(k) ?? null;
    const y = b.get(k) ?? null;
    if (x === y) continue;
    const leaf = k.split('.').at(-1) ?? k;
    const m = sensitive[leaf];
    out.push({ field: k, before: x !== null && m ? m(x) : x, after: y !== null && m ? m(y) : y });
  }
  return out;
}

/** Fields whose change needs a supervisor's approval before it takes effect. */
export const approvalFields = ['idType', 'idNumber'] as const;

export function needsApproval(changes: FieldChange[]): boolean {
  return changes.some((c) => (approvalFields as readonly string[]).includes(c.field));
}
