export * from './pool.ts';
export * from './migrate.ts';
export * from './relocations.ts';
export * from './org-slugs.ts';
export * from './abort.ts';
export * from './sql.ts';
export * from './admin.ts';
