export { normaliseCdr, toE164, MAX_FUTURE_SKEW_MS, type Normalised, type Rejection } from './normalize.ts';
export { ingestCdrBatch, type IngestResult, type RejectedItem } from './batch.ts';
export { runNatsIngest, INGEST_CONSUMER, type IngestDeps } from './nats-adapter.ts';
