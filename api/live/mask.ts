/**
 * Masks a phone number for screens that do not need it in full (DESIGN §8):
 * '+8613812345678' → '+86138****5678'. Short numbers keep less.
 */
export function maskMsisdn(msisdn: string): string {
  if (msisdn.length >= 11) return `${msisdn.slice(0, 6)}****${msisdn.slice(-4)}`;
  if (msisdn.length >= 6) return `${msisdn.slice(0, 3)}****${msisdn.slice(-2)}`;
  return '****';
}
