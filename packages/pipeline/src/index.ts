export * from './host.ts';
export * from './submit.ts';
export * from './wait.ts';
export * from './import.ts';
