import { runService } from '@relocate/stage-host';
import { reservationService } from './service.ts';

await runService('reservation', reservationService);
