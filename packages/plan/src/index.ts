export * from './plan.ts';
export * from './report.ts';
