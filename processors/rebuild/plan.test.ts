import { describe, expect, it } from 'vitest';
import { planProjections } from './plan.ts';

describe('planProjections', () => {
  it('takes the views reading a sink table and the tables they write, and nothing else', () => {
    const plan = planProjections(
      'sb',
      ['cdr_rated', 'ledger'],
      [
        {
          name: 'usage_minute_mv',
          createQuery:
            'CREATE MATERIALIZED VIEW sb.usage_minute_mv TO sb.usage_minute (x UInt8) AS SELECT 1 FROM sb.cdr_rated',
        },
        {
          name: 'other_mv',
          createQuery:
            'CREATE MATERIALIZED VIEW sb.other_mv TO sb.other (x UInt8) AS SELECT 1 FROM sb.tickets',
        },
        {
          name: 'q_mv',
          createQuery:
            'CREATE MATERIALIZED VIEW `sb`.`q_mv` TO `sb`.`ledger_daily` AS SELECT 1 FROM `sb`.`ledger`',
        },
      ],
    );
    expect(plan).toEqual({
      tables: ['cdr_rated', 'ledger'],
      derived: ['usage_minute', 'ledger_daily'],
      views: ['usage_minute_mv', 'q_mv'],
    });
  });
});
