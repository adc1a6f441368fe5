import type { RelocationView } from '@relocate/operations';

const stateOf = (r: RelocationView): string => (r.status === 'running' && r.paused ? 'running (paused)' : r.status);

/** One line per relocation, newest first. */
export function printRelocationList(list: RelocationView[]): void {
  if (list.length === 0) {
    process.stdout.write('no relocations\n');
    return;
  }
  const lines = list.map((r) => {
    const stages = r.stages.map((s) => `${s.stage}:${s.state}`).join(' ');
    return `${r.relocationId.padEnd(38)} ${stateOf(r).padEnd(17)} ${r.createdAt}  ${stages}`;
  });
  process.stdout.write(`${'RELOCATION'.padEnd(38)} ${'STATUS'.padEnd(17)} ${'CREATED'.padEnd(24)}  STAGES\n${lines.join('\n')}\n`);
}

/** A relocation's record: its state, and per stage its state, counts, failure and times. */
export function printRelocationRecord(r: RelocationView): void {
  const lines = [
    `relocation ${r.relocationId}: ${stateOf(r)}${r.reason ? ` (${r.reason})` : ''}`,
    `  created ${r.createdAt}, updated ${r.updatedAt}${r.completedAt ? `, completed ${r.completedAt}` : ''}`,
    `  ${'STAGE'.padEnd(14)} ${'STATE'.padEnd(8)} ${'IN'.padStart(8)} ${'OUT'.padStart(8)}  STARTED                   FINISHED`,
  ];
  for (const s of r.stages) {
    lines.push(`  ${s.stage.padEnd(14)} ${s.state.padEnd(8)} ${String(s.recordsIn).padStart(8)} ${String(s.recordsOut).padStart(8)}  ${(s.startedAt ?? '-').padEnd(25)} ${s.finishedAt ?? '-'}`);
    if (s.reason) lines.push(`    ${s.reason}`);
  }
  process.stdout.write(`${lines.join('\n')}\n`);
}
