import type { RelocationSummary } from '@relocate/database';
import { describeFinding } from '@relocate/domain';

/** Changed slugs and usernames listed before "… and N more"; all of them are in the findings file and --json. */
export const listedChanges = 20;
/** Findings shown per kind. */
const listedFindings = 3;

export interface SummaryFiles { findingsPath?: string | undefined; logPath?: string | undefined }

const plural = (n: number, one: string, many = `${one}s`): string => `${n.toLocaleString('en-US')} ${n === 1 ? one : many}`;

/** Up to `listedChanges` lines of a list, then one "… and N more". */
function capped(items: string[], indent: string): string[] {
  const lines = items.slice(0, listedChanges).map((i) => `${indent}${i}`);
  if (items.length > listedChanges) lines.push(`${indent}… and ${(items.length - listedChanges).toLocaleString('en-US')} more`);
  return lines;
}

function modelTable(models: RelocationSummary['models']): string[] {
  const rows = Object.entries(models).sort(([a], [b]) => a.localeCompare(b));
  if (rows.length === 0) return ['  no models written'];
  const width = Math.max(5, ...rows.map(([m]) => m.length));
  const num = (n: number): string => n.toLocaleString('en-US').padStart(11);
  return [
    `  ${'MODEL'.padEnd(width)} ${'INSERTED'.padStart(11)} ${'EXISTING'.padStart(11)} ${'OVERWRITTEN'.padStart(11)}`,
    ...rows.map(([m, c]) => `  ${m.padEnd(width)} ${num(c.inserted)} ${num(c.existing)} ${num(c.overwritten)}`),
  ];
}

function slugLines(slugs: RelocationSummary['slugs']): string[] {
  const entries = Object.entries(slugs);
  if (entries.length === 0) return [];
  const changed = entries.filter(([from, to]) => from !== to);
  const kept = entries.length - changed.length;
  const lines = [`  ${plural(kept, 'organization')} kept ${kept === 1 ? 'its' : 'their'} slug`];
  if (changed.length > 0) {
    lines.push(`  ${plural(changed.length, 'organization')} got a new slug:`);
    lines.push(...capped(changed.map(([from, to]) => `${from} -> ${to}`), '    '));
  }
  return lines;
}

function userLines(users: RelocationSummary['users']): string[] {
  if (!users) return [];
  const renamed = Object.entries(users.renamed);
  if (users.kept + renamed.length + users.merged.length === 0) return [];
  const lines = [`  ${plural(users.kept, 'user')} kept ${users.kept === 1 ? 'its' : 'their'} username`];
  if (renamed.length > 0) {
    lines.push(`  ${plural(renamed.length, 'user')} renamed (the username was taken):`);
    lines.push(...capped(renamed.map(([from, to]) => `${from} -> ${to}`), '    '));
  }
  if (users.merged.length > 0) {
    lines.push(`  ${plural(users.merged.length, 'user')} merged into the existing user of the same name:`);
    lines.push(...capped(users.merged, '    '));
  }
  return lines;
}

/** Findings grouped by severity and kind, most frequent first, each with its count and the first few. */
function findingLines(s: RelocationSummary): string[] {
  if (s.findings.length === 0) return ['  no findings'];
  const groups = new Map<string, RelocationSummary['findings']>();
  for (const f of s.findings) {
    const key = `${f.severity} ${f.kind}`;
    groups.set(key, [...(groups.get(key) ?? []), f]);
  }
  const order = [...groups.entries()].sort(([a, x], [b, y]) => (a.startsWith('error') === b.startsWith('error') ? y.length - x.length : a.startsWith('error') ? -1 : 1));
  const lines = [`  ${plural(s.findings.length, 'finding')}:`];
  for (const [key, list] of order) {
    const [severity, kind] = key.split(' ');
    lines.push(`    ${kind} (${severity}) × ${list.length.toLocaleString('en-US')}`);
    for (const f of list.slice(0, listedFindings)) lines.push(`      ${describeFinding({ relocationId: s.relocationId, ...f }).replace(`relocation ${s.relocationId}, `, '').replace(` (relocation ${s.relocationId})`, '')}`);
    if (list.length > listedFindings) lines.push(`      … and ${(list.length - listedFindings).toLocaleString('en-US')} more`);
  }
  return lines;
}

/** The summary a person reads: status, the model table, slugs, users, events, findings, and where the files are. */
export function formatSummary(s: RelocationSummary, files: SummaryFiles = {}): string {
  const lines = [
    `relocation ${s.relocationId}: ${s.status}${s.reason ? ` (${s.reason})` : ''}`,
    ...modelTable(s.models),
    ...slugLines(s.slugs),
    ...userLines(s.users),
    `  ${plural(s.events, 'event')} saved`,
    ...findingLines(s),
  ];
  if (files.findingsPath) lines.push(`  findings file: ${files.findingsPath}`);
  if (files.logPath) lines.push(`  log file: ${files.logPath}`);
  return `${lines.join('\n')}\n`;
}

/** With --json the result object is the last line of stdout; otherwise the summary for a person. */
export function printSummary(s: RelocationSummary, json: boolean, files: SummaryFiles = {}): void {
  process.stdout.write(json ? `${JSON.stringify({ ...s, ...(files.findingsPath ? { findingsPath: files.findingsPath } : {}) })}\n` : formatSummary(s, files));
}
