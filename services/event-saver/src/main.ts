import { runService } from '@relocate/stage-host';
import { eventSaverService } from './service.ts';

await runService('event-saver', eventSaverService);
