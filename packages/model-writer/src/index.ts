export * from './batch-writer.ts';
export * from './rules/index.ts';
export * from './write-for-relocation.ts';
export * from './pk-map-source.ts';
export { TableColumns, type Column } from './table-columns.ts';
