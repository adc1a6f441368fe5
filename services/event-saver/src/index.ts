export * from './stage.ts';
export * from './service.ts';
export { droppedEventFindings, remapEventProjects } from './projects.ts';
