import { payloadOf, type PipelineRecord, type SlugDecision, type Topics } from '@relocate/codec';
import { claimOrganizationSlug, type Pool } from '@relocate/database';
import { type Output, pipelineOutput, type StageDefinition, type StageMessage } from '@relocate/stage-runtime';

export interface SlugResolverDeps { pool: Pool; topics: Topics }

/**
 * slug-resolver: written -> slugs. Decides each written organization's final slug by Sentry's rule and claims it
 * with a temporary alias reservation (resolve_org_slugs_from_pk_map); other written batches end here, events and
 * the end marker pass on.
 */
export function slugResolverStage(deps: SlugResolverDeps): StageDefinition<PipelineRecord> {
  const out = pipelineOutput(deps.topics.slugs, 'slug-resolver');

  return {
    stage: 'slug-resolver',
    inputTopic: deps.topics.written,
    async process({ value }: StageMessage<PipelineRecord>): Promise<Output[]> {
      const id = value.relocationId;
      const written = payloadOf(value.payload, 'relocate.WrittenBatch');
      if (!written) return [out(id, value.payload)];
      if (written.model !== 'sentry.organization') return [];
      const decisions: Output[] = [];
      for (const e of written.entries) {
        if (e.kind !== 'INSERTED') continue;
        const requested = e.slug ?? '';
        // A replay finds the slug already claimed and decides the same again.
        const candidate = await claimOrganizationSlug(deps.pool, e.newPk, requested);
        const decision: SlugDecision = { organizationId: e.newPk, oldPk: e.oldPk, requestedSlug: requested, candidateSlug: candidate };
        decisions.push(out(id, { 'relocate.SlugDecision': decision }));
      }
      return decisions;
    },
  };
}
