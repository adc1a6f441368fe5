import type { StageName } from '@relocate/codec';
import { eventSaverService } from '@relocate/event-saver';
import { readerService } from '@relocate/reader';
import { reservationService } from '@relocate/reservation';
import { slugResolverService } from '@relocate/slug-resolver';
import { type Connections, type HostedStages, hostStageBuilders, type StageBuilder } from '@relocate/stage-host';
import { writerService } from '@relocate/writer';

export { connect, disconnect, stopOnSignals, type Connections, type HostedStages } from '@relocate/stage-host';

/** Each stage's service, by name: what `relocate run` and `relocate import` host in one process. */
export const stageServices = {
  reader: readerService,
  writer: writerService,
  'slug-resolver': slugResolverService,
  reservation: reservationService,
  'event-saver': eventSaverService,
} satisfies Record<StageName, StageBuilder>;

/** Runs the named stages in this process, with one /metrics and /healthz endpoint for all of them. */
export function hostStages(c: Connections, names: StageName[]): Promise<HostedStages> {
  return hostStageBuilders(c, names.map((n) => stageServices[n]));
}
