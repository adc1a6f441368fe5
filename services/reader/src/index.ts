export * from './stage.ts';
// The reader's parsing, limits, batching and filters, for `relocate plan`, which reads an export without Kafka.
export { type AssemblySink, RelocationAssembly } from './assembly.ts';
export { ExportFilter, filteredOutFindings } from './filters.ts';
export type { ExportRecord } from './batcher.ts';
export { eventItems, exportRecords, isInvalidLine } from './export-stream.ts';
export * from './service.ts';
