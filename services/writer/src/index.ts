export * from './stage.ts';
export { droppedEventFindings, remapEventProjects } from './events.ts';
export * from './service.ts';
