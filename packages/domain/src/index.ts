export * from './findings.ts';
export * from './model-graph.ts';
export * from './primary-key-map.ts';
export * from './scopes.ts';
export * from './slugs.ts';
