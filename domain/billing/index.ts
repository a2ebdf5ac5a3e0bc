export {
  billsForMonth,
  endedPeriodStarts,
  monthOf,
  monthRange,
  MONTH_PATTERN,
  type NotBilled,
} from './period.ts';
export { supplementaryBill } from './supplement.ts';
