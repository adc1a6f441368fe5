import { runService } from '@relocate/pipeline';

await runService('slug-resolver');
