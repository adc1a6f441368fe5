import { runService } from '@relocate/stage-host';
import { readerService } from './service.ts';

await runService('reader', readerService);
