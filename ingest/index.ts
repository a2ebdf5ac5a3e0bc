export { normaliseCdr, toE164, MAX_FUTURE_SKEW_MS, type Normalised, type Rejection } from './normalize.ts';
export { ingestCdrBatch, mergeGroups, type IngestResult, type RejectedItem } from './batch.ts';
export { runNatsIngest, INGEST_CONSUMER, MAX_CDRS_PER_MESSAGE, type IngestDeps } from './nats-adapter.ts';
export {
  decideLines,
  lineText,
  parseNdjson,
  splitLines,
  MAX_LINE_BYTES,
  type LineOutcome,
  type LineRecord,
  type LinesDecision,
} from './lines.ts';
export * from './files/index.ts';
export * from './deadletters/index.ts';
