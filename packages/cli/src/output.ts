import type { RelocationSummary } from '@relocate/database';
import { describeFinding } from '@relocate/domain';

/** Human summary on stderr; with --json the result object is the last line of stdout. */
export function printSummary(s: RelocationSummary & { findingsPath?: string }, json: boolean): void {
  if (json) {
    process.stdout.write(`${JSON.stringify(s)}\n`);
    return;
  }
  const lines = [`relocation ${s.relocationId}: ${s.status}${s.reason ? ` (${s.reason})` : ''}`];
  for (const [model, c] of Object.entries(s.models).sort(([a], [b]) => a.localeCompare(b))) lines.push(`  ${model.padEnd(36)} inserted ${c.inserted}, existing ${c.existing}, overwritten ${c.overwritten}`);
  for (const [from, to] of Object.entries(s.slugs)) lines.push(`  organization slug ${from} -> ${to}`);
  lines.push(`  events saved: ${s.events}`);
  if (s.findings.length > 0) {
    lines.push(`  findings (${s.findings.length}):`);
    for (const f of s.findings.slice(0, 50)) lines.push(`    [${f.severity}] ${describeFinding({ relocationId: s.relocationId, ...f })}`);
    if (s.findings.length > 50) lines.push(`    ... ${s.findings.length - 50} more: relocate status ${s.relocationId} --json`);
  }
  if (s.findingsPath) lines.push(`  findings file: ${s.findingsPath}`);
  process.stdout.write(`${lines.join('\n')}\n`);
}
