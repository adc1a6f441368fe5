import { runService } from '@relocate/pipeline';

await runService('reader');
