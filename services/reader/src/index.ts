export * from './stage.ts';
export type { ExportRecord } from './batcher.ts';
export { eventItems, exportRecords, isInvalidLine } from './export-stream.ts';
