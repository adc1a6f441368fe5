import { runService } from '@relocate/stage-host';
import { slugResolverService } from './service.ts';

await runService('slug-resolver', slugResolverService);
