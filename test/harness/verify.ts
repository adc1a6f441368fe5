import assert from 'node:assert/strict';
import type { Pool } from '@relocate/database';
import { ModelGraph } from '@relocate/domain';
import { verifyRelocation, type VerifyResult } from '@relocate/verify';

const graph = ModelGraph.load();

/** `relocate verify` for a relocation, as the oracle of a test: fails the test with every mismatch named. */
export async function assertVerified(pool: Pool, relocationId: string, exportPath: string, eventsPath?: string): Promise<VerifyResult> {
  const r = await verifyRelocation(pool, graph, { relocationId, exportPath, eventsPath });
  const listed = r.mismatches.slice(0, 30).map((m) => `  ${m.model} pk ${m.pk} ${m.field}: expected ${JSON.stringify(m.expected)}, actual ${JSON.stringify(m.actual)} (${m.reason})`);
  assert.ok(r.ok, `relocate verify ${relocationId} found ${r.mismatchCount} mismatches:\n${listed.join('\n')}`);
  return r;
}
