export { openClickHouse, pingClickHouse, type ClickHouse, type OpenClickHouseOptions } from './client.ts';
export { migrate, migrations, type Migration } from './migrations.ts';
export { compactLines, createSinkHandler, type SinkSpec, type SinkDeps, type SinkRow } from './sink.ts';
