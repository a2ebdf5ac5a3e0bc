export {
  describeDeadLetter,
  planReprocess,
  DeadLetterError,
  type DeadLetter,
  type Republish,
} from './plan.ts';
export {
  countDeadLetters,
  listDeadLetters,
  reprocessDeadLetters,
  filterSubject,
  DLQ_STREAM,
  type DeadLetterCount,
  type DeadLetterFilter,
  type ReprocessResult,
} from './store.ts';
