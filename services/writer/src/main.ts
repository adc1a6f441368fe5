import { runService } from '@relocate/pipeline';

await runService('writer');
