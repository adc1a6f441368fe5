import type { RelocationEvent } from '@relocate/codec';
import { abortRelocation, buildSummary, type Client, type RelocationSummary } from '@relocate/database';
import type { ModelGraph } from '@relocate/domain';

/**
 * Ends a relocation once its end marker has passed every stage: everything before it is saved. On success its
 * hidden organizations become visible with their exported status; on failure what it inserted is removed.
 * Returns the completion event still to publish.
 */
export async function completeRelocation(client: Client, graph: ModelGraph, relocationId: string): Promise<{ summary: RelocationSummary; event: RelocationEvent | undefined }> {
  let summary = await buildSummary(client, relocationId);
  if (summary.status === 'failure') {
    // Nothing of a failed relocation stays: what it inserted goes, in reverse dependency order.
    await abortRelocation(client, graph, relocationId);
    summary = { ...(await buildSummary(client, relocationId)), status: 'failure' };
  } else {
    await client.query(
      `UPDATE sentry_organization o SET status = h.original_status FROM relocate.hidden_organization h
       WHERE h.relocation_id = $1 AND o.id = h.organization_id`,
      [relocationId],
    );
  }
  await client.query(
    `UPDATE relocate.relocation SET status = $2, summary = $3, reason = COALESCE(reason, $4),
       completed_at = COALESCE(completed_at, now()), updated_at = now() WHERE id = $1`,
    [relocationId, summary.status, summary, summary.reason],
  );
  const { rows } = await client.query<{ completion_published: boolean }>('SELECT completion_published FROM relocate.relocation WHERE id = $1', [relocationId]);
  const event: RelocationEvent | undefined = rows[0]?.completion_published ? undefined : {
    relocationId,
    type: summary.status === 'success' ? 'COMPLETED' : 'FAILED',
    at: Date.now(),
    summary: JSON.stringify({ ...summary, findings: summary.findings.length }),
  };
  return { summary, event };
}
