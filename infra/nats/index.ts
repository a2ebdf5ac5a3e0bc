export { startNatsServer, NatsServerError, type NatsServerHandle, type StartNatsOptions } from './server.ts';
export { connectNats, type Nats } from './connect.ts';
export {
  startNatsCluster,
  freePorts,
  parseJszStreams,
  type NatsCluster,
  type NatsClusterNode,
  type NodeState,
  type NodeStreamState,
  type StartNatsClusterOptions,
} from './cluster.ts';
export {
  applyTopology,
  buckets,
  careBuckets,
  consumerConfig,
  isNotFound,
  streams,
  subjects,
  type ConsumerSpec,
  type ReplicaChange,
  type StreamSpec,
  type TopologyOptions,
  type TopologyReport,
} from './topology.ts';
export { PipelinedPublisher, type PublishItem, type PublishStats } from './publisher.ts';
export { runConsumer, RetryableError, type ConsumerRunOptions } from './consumer.ts';
export type { JsMsg } from '@nats-io/jetstream';
export { publishDeadLetter, DLQ_HEADERS } from './deadletter.ts';
