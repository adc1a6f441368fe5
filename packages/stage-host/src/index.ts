export * from './connect.ts';
export * from './host.ts';
export * from './service.ts';
