import type { LagReport } from '@relocate/operations';

const seconds = (s: number | null): string => (s === null ? '-' : s.toFixed(1));

/** Per stage and partition, in the columns of `kafka-consumer-groups --describe`, with time lag and status. */
export function formatLag(report: LagReport): string {
  const header = `${'STAGE'.padEnd(14)} ${'GROUP'.padEnd(34)} ${'TOPIC'.padEnd(34)} ${'PARTITION'.padStart(9)} ${'CURRENT-OFFSET'.padStart(14)} ${'LOG-END-OFFSET'.padStart(14)} ${'LAG'.padStart(8)} ${'TIME-LAG-S'.padStart(10)}  STATUS`;
  const lines = [header];
  for (const s of report.stages) {
    for (const p of s.partitions) {
      lines.push(`${s.stage.padEnd(14)} ${s.group.padEnd(34)} ${s.topic.padEnd(34)} ${String(p.partition).padStart(9)} ${(p.committedOffset === null ? '-' : String(p.committedOffset)).padStart(14)} ${String(p.logEndOffset).padStart(14)} ${(p.lag === null ? '-' : String(p.lag)).padStart(8)} ${seconds(p.timeLagSeconds).padStart(10)}  ${p.status}`);
    }
  }
  lines.push('');
  for (const s of report.stages) lines.push(`${s.stage.padEnd(14)} lag ${s.lag}, time lag ${seconds(s.timeLagSeconds)} s, ${s.status}`);
  return `${lines.join('\n')}\n`;
}
