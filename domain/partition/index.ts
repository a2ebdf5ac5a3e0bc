/**
 * Subscriber partitioning: every event of one msisdn lands on the same partition, so one
 * consumer per partition is the single ordered writer of that subscriber's balance.
 * FNV-1a 32-bit: fast, stable across processes and releases (never change it: it decides
 * which partition holds a subscriber's history).
 */
export function partitionOf(msisdn: string, partitions: number): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < msisdn.length; i++) {
    h ^= msisdn.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return (h >>> 0) % partitions;
}
