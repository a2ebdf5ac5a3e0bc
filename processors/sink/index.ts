export { sinks, runSinks, ratedRowsOf, sinkBatching, type SinkRole, type SinkDepsAll } from './runner.ts';
export { ratedCdrSink } from './rated.ts';
export { careSinks, careAuditSink, careOrderSink, careCustomerSink } from './care.ts';
