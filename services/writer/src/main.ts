import { runService } from '@relocate/stage-host';
import { writerService } from './service.ts';

await runService('writer', writerService);
