import type { IHeaders, KafkaMessage } from 'kafkajs';
import type { StageName, UndecodableRecordError } from '@relocate/codec';
import { BadInputError, type Finding, describeFinding } from '@relocate/domain';

export interface DeadLetterContext { stage: StageName; topic: string; partition: number; message: KafkaMessage }

/** The DLQ copy keeps the original key, value and headers, and adds headers naming the error and where it came from. */
export function deadLetterHeaders(ctx: DeadLetterContext, err: unknown): IHeaders {
  const error = err instanceof Error ? err : new Error(String(err));
  return {
    ...(ctx.message.headers ?? {}),
    'relocate.error': error.message.slice(0, 2000),
    'relocate.error.kind': error.name,
    // The first origin survives replays (a replayed record that fails again keeps it), so a later replay sends
    // each record once however often it went round.
    'relocate.first.origin': ctx.message.headers?.['relocate.first.origin'] ?? `${ctx.topic}:${ctx.partition}:${ctx.message.offset}`,
    'relocate.stage': ctx.stage,
    'relocate.original.topic': ctx.topic,
    'relocate.original.partition': String(ctx.partition),
    'relocate.original.offset': ctx.message.offset,
    'relocate.original.timestamp': ctx.message.timestamp,
  };
}

/** Headers of a record parked behind its relocation's failed record: same origin headers, and why. */
export function parkedHeaders(ctx: DeadLetterContext, relocationId: string): IHeaders {
  return {
    ...deadLetterHeaders(ctx, new Error(`parked: relocation ${relocationId} failed earlier at ${ctx.stage}; retry it to process this record`)),
    'relocate.parked': 'true',
  };
}

/** Headers this runtime adds to a DLQ copy; a replay removes them so the stage sees the record as it was. */
export const deadLetterHeaderNames = [
  'relocate.error', 'relocate.error.kind', 'relocate.stage', 'relocate.parked',
  'relocate.original.topic', 'relocate.original.partition', 'relocate.original.offset', 'relocate.original.timestamp',
];

/** The finding a dead-lettered record leaves on its relocation. */
export function deadLetterFinding(relocationId: string, ctx: DeadLetterContext, err: unknown): Finding {
  if (err instanceof BadInputError) return { relocationId, stage: ctx.stage, ...err.finding };
  const error = err instanceof Error ? err : new Error(String(err));
  return {
    relocationId,
    stage: ctx.stage,
    severity: 'error',
    kind: error.name === 'Error' ? 'StageFailed' : error.name,
    model: null,
    pk: null,
    field: null,
    reason: `${ctx.stage} could not process ${ctx.topic}[${ctx.partition}]@${ctx.message.offset}: ${error.message}`,
  };
}

export { describeFinding };

/**
 * A message its stage cannot even read (not the wire format, a schema id the registry does not know, a schema the
 * topic's subject would not accept): bad input of the relocation it is keyed by, named by where it sits.
 */
export class UndecodableMessageError extends BadInputError {
  override name = 'UndecodableMessageError';
}

export function undecodable(err: UndecodableRecordError, topic: string, partition: number, offset: string): UndecodableMessageError {
  return new UndecodableMessageError({ kind: err.kind, model: null, pk: null, field: null, reason: `the message at ${topic}[${partition}]@${offset} cannot be read: ${err.message}` });
}

/**
 * Whether a dead-lettered record counts toward the DLQ limit. A bad export fails only its own relocation and says
 * nothing about the stage, so a run of them must not halt it for everyone; an unreadable message or any other
 * failure may be a bad deploy upstream or a broken dependency, which is what the limit is for.
 */
export function countsTowardDlqLimit(err: unknown): boolean {
  return !(err instanceof BadInputError) || err instanceof UndecodableMessageError;
}
