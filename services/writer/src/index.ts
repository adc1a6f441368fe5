export * from './stage.ts';
export * from './service.ts';
