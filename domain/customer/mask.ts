/** Masking of personal data in responses (DESIGN §8). Reveal is a separate, audited action. */

/** '110105199001011234' → '110***********1234'. */
export function maskIdNumber(id: string): string {
  if (id.length <= 4) return '*'.repeat(id.length);
  const head = id.length >= 15 ? 3 : 1;
  return `${id.slice(0, head)}${'*'.repeat(id.length - head - 4)}${id.slice(-4)}`;
}

/** '+8613812345678' → '+86138****5678'; landlines keep their last 4. */
export function maskPhone(phone: string): string {
  if (phone.length >= 11) return `${phone.slice(0, 6)}****${phone.slice(-4)}`;
  if (phone.length >= 6) return `${phone.slice(0, 2)}****${phone.slice(-2)}`;
  return '****';
}

/** 'zhang.san@example.com' → 'z***@example.com'. */
export function maskEmail(email: string): string {
  const at = email.indexOf('@');
  if (at <= 0) return '***';
  return `${email[0]}***${email.slice(at)}`;
}

export interface Address {
  province: string;
  city: string;
  district: string;
  street: string;
  number: string;
}

/** Province and city stay visible (needed for routing); district, street and number are hidden. */
export function maskAddress(a: Address): Address {
  return { province: a.province, city: a.city, district: '***', street: '***', number: '***' };
}
