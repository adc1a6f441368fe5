import { runService } from '@relocate/pipeline';

await runService('event-saver');
