export * from './host.ts';
export * from './submit.ts';
export * from './wait.ts';
export * from './import.ts';
export * from './groups.ts';
export * from './hosting.ts';
export * from './interrupt.ts';
export * from './stall.ts';
