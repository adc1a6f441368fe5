import type { ImportPlan } from '@relocate/plan';

const shown = 50;

/** Human plan on stdout; with --json the plan object is the last line. */
export function printPlan(p: ImportPlan, json: boolean): void {
  if (json) {
    process.stdout.write(`${JSON.stringify(p)}\n`);
    return;
  }
  const lines = [p.status === 'would-succeed' ? 'plan: the import would succeed' : `plan: the import would fail (${p.reason ?? 'see the findings'})`];
  for (const [model, c] of Object.entries(p.models).sort(([a], [b]) => a.localeCompare(b))) {
    lines.push(`  ${model.padEnd(36)} would insert ${c.inserted}, reuse existing ${c.existing}, overwrite ${c.overwritten}`);
  }
  for (const [from, to] of Object.entries(p.users.renamed)) lines.push(`  user ${from} would be renamed ${to}`);
  for (const [from, id] of Object.entries(p.users.merged)) lines.push(`  user ${from} would be merged into existing user ${id}`);
  for (const [from, to] of Object.entries(p.slugs)) lines.push(`  organization slug ${from} -> ${to}${from === to ? '' : ' (taken; the suffix is drawn again by the import)'}`);
  for (const t of p.tokens.slice(0, shown)) lines.push(`  ${t.model} pk ${t.pk}: ${t.field} would be ${t.change}`);
  if (p.tokens.length > shown) lines.push(`  ... ${p.tokens.length - shown} more tokens: --json`);
  lines.push(`  events to save: ${p.events}`);
  if (p.findings.length > 0) {
    lines.push(`  findings (${p.findings.length}):`);
    for (const f of p.findings.slice(0, shown)) {
      const where = [f.model && `model ${f.model}`, f.pk != null && `pk ${f.pk}`, f.field && `field ${f.field}`].filter(Boolean).join(', ');
      lines.push(`    [${f.severity}] ${f.stage}: ${f.kind}: ${f.reason}${where ? ` (${where})` : ''}`);
    }
    if (p.findings.length > shown) lines.push(`    ... ${p.findings.length - shown} more: --json`);
  }
  lines.push('  nothing was written (ids drawn from sequences stay drawn)');
  process.stdout.write(`${lines.join('\n')}\n`);
}
