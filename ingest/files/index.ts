export { readCsv, CSV_COLUMNS, type CsvFile } from './csv.ts';
export { importFile, processInboxOnce, runInboxWatcher, type FileReport, type InboxDeps } from './inbox.ts';
