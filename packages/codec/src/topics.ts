/** The stages of the pipeline, in flow order. */
export const stageNames = ['reader', 'writer', 'slug-resolver', 'reservation', 'event-saver'] as const;
export type StageName = (typeof stageNames)[number];

export interface Topics {
  exports: string;
  models: string;
  written: string;
  slugs: string;
  reserved: string;
  eventstream: string;
  relocations: string;
  dlq: Record<StageName, string>;
}

/** Topic names read as the flow: exports -> models -> written -> slugs -> reserved -> eventstream. */
export function topicsFor(prefix: string): Topics {
  return {
    exports: `${prefix}.exports`,
    models: `${prefix}.models`,
    written: `${prefix}.written`,
    slugs: `${prefix}.slugs`,
    reserved: `${prefix}.reserved`,
    eventstream: `${prefix}.eventstream`,
    relocations: `${prefix}.relocations`,
    dlq: Object.fromEntries(stageNames.map((s) => [s, `${prefix}.dlq.${s}`])) as Record<StageName, string>,
  };
}

/** Which Avro type each topic carries; its subject is `<topic>-value` (TopicNameStrategy). */
export function valueTypeOf(topics: Topics): Map<string, string> {
  return new Map([
    [topics.exports, 'relocate.ExportChunk'],
    [topics.models, 'relocate.PipelineRecord'],
    [topics.written, 'relocate.PipelineRecord'],
    [topics.slugs, 'relocate.PipelineRecord'],
    [topics.reserved, 'relocate.PipelineRecord'],
    [topics.eventstream, 'relocate.EventstreamInsert'],
    [topics.relocations, 'relocate.RelocationEvent'],
  ]);
}

export function consumerGroupOf(prefix: string, stage: StageName): string {
  return `${prefix}.${stage}`;
}
