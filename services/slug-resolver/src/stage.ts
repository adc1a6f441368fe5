import { payloadOf, type PipelineRecord, type SlugDecision, type Topics } from '@relocate/codec';
import { claimOrganizationSlugs, type Pool } from '@relocate/database';
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
      const inserted = written.entries.filter((e) => e.kind === 'INSERTED');
      if (inserted.length === 0) return [];
      // One claim for the batch's organizations; a replay finds the slugs already claimed and decides the same again.
      const claimed = await claimOrganizationSlugs(deps.pool, inserted.map((e) => ({ organizationId: e.newPk, requested: e.slug ?? '' })));
      const decisions = inserted.map((e): Output => {
        const decision: SlugDecision = { organizationId: e.newPk, oldPk: e.oldPk, requestedSlug: e.slug ?? '', candidateSlug: claimed.get(e.newPk) as string };
        return out(id, { 'relocate.SlugDecision': decision });
      });
      return decisions;
    },
  };
}
