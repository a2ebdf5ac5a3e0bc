import type { Migration } from '../migrations.ts';

export const m004: Migration = {
  version: 4,
  name: 'ledger_application_order',
  statements: [
    // Entries are applied in stream order, not event-time order (a late CDR is charged after a
    // newer one): (stream_seq, ord) is the order the balance moved in, so "the balance the
    // ledger reports last" is argMax(balance_after_fen, (stream_seq, ord)).
    `ALTER TABLE {db}.ledger ADD COLUMN IF NOT EXISTS ord UInt32 DEFAULT 0`,
  ],
};
