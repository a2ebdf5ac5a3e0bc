/** Resident identity card (居民身份证) number rules, GB 11643-1999. Pure: the caller passes "today". */

const WEIGHTS = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2] as const;
const CHECK_CHARS = '10X98765432';

export type ResidentIdErrorCode = 'ID_FORMAT' | 'ID_CHECK_DIGIT' | 'ID_BIRTH_DATE';

export type ResidentIdCheck =
  | { ok: true; birthDate: string; sex: 'male' | 'female'; regionCode: string }
  | { ok: false; code: ResidentIdErrorCode; message: string };

/** The check character (0–9 or X) for the first 17 digits. */
export function residentIdCheckChar(first17: string): string {
  let sum = 0;
  for (let i = 0; i < 17; i++) sum += Number(first17[i]) * (WEIGHTS[i] ?? 0);
  return CHECK_CHARS[sum % 11] ?? '?';
}

function realDate(y: number, m: number, d: number): boolean {
  const t = new Date(Date.UTC(y, m - 1, d));
  return t.getUTCFullYear() === y && t.getUTCMonth() === m - 1 && t.getUTCDate() === d;
}

/**
 * Validates an 18-digit resident ID: shape, a real birth date between 1900 and today, and the
 * ISO 7064 MOD 11-2 check character. A lower-case 'x' is accepted as 'X'.
 */
export function checkResidentId(raw: string, todayMs: number): ResidentIdCheck {
  const id = raw.trim().toUpperCase();
  if (!/^[1-9][0-9]{16}[0-9X]$/.test(id))
    return { ok: false, code: 'ID_FORMAT', message: 'must be 17 digits followed by a digit or X' };
  const y = Number(id.slice(6, 10));
  const m = Number(id.slice(10, 12));
  const d = Number(id.slice(12, 14));
  const today = new Date(todayMs);
  const birthMs = Date.UTC(y, m - 1, d);
  if (y < 1900 || !realDate(y, m, d) || birthMs > todayMs)
    return {
      ok: false,
      code: 'ID_BIRTH_DATE',
      message: `birth date ${id.slice(6, 14)} is not a real date between 1900 and ${today.toISOString().slice(0, 10)}`,
    };
  if (residentIdCheckChar(id.slice(0, 17)) !== id[17])
    return { ok: false, code: 'ID_CHECK_DIGIT', message: 'check digit does not match the first 17 digits' };
  return {
    ok: true,
    birthDate: `${id.slice(6, 10)}-${id.slice(10, 12)}-${id.slice(12, 14)}`,
    sex: Number(id[16]) % 2 === 1 ? 'male' : 'female',
    regionCode: id.slice(0, 6),
  };
}

/** Normal form of an identity number for storage and duplicate detection. */
export function normaliseIdNumber(idType: string, raw: string): string {
  const t = raw.trim().toUpperCase();
  return idType === 'resident_id' ? t : t.replace(/\s+/g, '');
}
