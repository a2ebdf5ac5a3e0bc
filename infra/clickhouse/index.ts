export { openClickHouse, pingClickHouse, type ClickHouse, type OpenClickHouseOptions } from './client.ts';
export { migrate, migrations, type Migration } from './migrations.ts';
export { RowEncodeError, nativeBlockEncoder, nativeBlockWriter, NativeBlockWriter } from './native-block.ts';
export {
  compactLines,
  createSinkHandler,
  jsonOf,
  type ArrayRows,
  type SinkDeps,
  type SinkMessage,
  type SinkRow,
  type SinkSpec,
  type TableRows,
} from './sink.ts';
