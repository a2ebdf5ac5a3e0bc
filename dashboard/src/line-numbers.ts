import { maskPhone } from '../../domain/customer/mask.ts';

/**
 * The whole number behind a listed line: the number itself when it is not masked, else the one
 * known number (searched for, or shown by the audited reveal) that masks to it; '' when none does.
 */
export function wholeNumber(listed: string, known: readonly string[]): string {
  if (!listed.includes('*')) return listed;
  const hits = [...new Set(known.filter((k) => k && maskPhone(k) === listed))];
  return hits.length === 1 ? hits[0]! : '';
}
