import { stageNames } from '@relocate/codec';
import { contestantTitle, type RegionComparison, type SizeResult } from './results.ts';

const mb = (bytes: number): string => `${(bytes / 1024 ** 2).toFixed(0)} MB`;
const ratio = (v: number | null): string => (v === null ? '-' : v >= 10 ? `${v.toFixed(1)}x` : `${v.toFixed(2)}x`);
const count = (n: number): string => Math.round(n).toLocaleString('en-US');

function render(header: string[], rows: string[][]): string {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (cells: string[]): string => `| ${cells.map((c, i) => (i === 0 ? c.padEnd(widths[i] ?? 0) : c.padStart(widths[i] ?? 0))).join(' | ')} |`;
  return [line(header), `|${widths.map((w, i) => (i === 0 ? `:${'-'.repeat(w + 1)}` : `${'-'.repeat(w + 1)}:`)).join('|')}|`, ...rows.map(line)].join('\n');
}

/** The result table of one export size, in Markdown so it pastes into a note as it is. */
export function resultTable(size: SizeResult): string {
  const header = ['contestant', 'rows', 'wall time', 'rows/s', 'vs COPY', 'vs baseline', "vs COPY of relocate's rows", 'peak RSS', 'CPU of its process', 'load avg'];
  const rows = size.contestants.map((c) => [
    contestantTitle(c),
    count(c.rows),
    `${(c.wallMs / 1000).toFixed(1)} s`,
    count(c.rowsPerSecond),
    ratio(c.toCopy),
    ratio(c.toBaseline),
    ratio(c.toCopyRelocated ?? null),
    mb(c.peakRssBytes),
    `${((c.cpuMs / c.wallMs) * 100).toFixed(0)}%`,
    c.loadAverage ? `${c.loadAverage[0].toFixed(1)} -> ${c.loadAverage[1].toFixed(1)}` : '-',
  ]);
  const out = [`${size.label}: ${count(size.rows)} rows (${count(size.rows - size.events)} records, ${count(size.events)} events), ${mb(size.exportBytes + size.eventsBytes)} of export`, '', render(header, rows)];
  for (const c of size.contestants) {
    if (!c.stages) continue;
    const total = Object.values(c.stages).reduce((n, s) => n + s.busySeconds, 0);
    const stages = c.stages;
    const stageRows = stageNames.flatMap((stage) => {
      const s = stages[stage];
      return s ? [[
        stage,
        `${s.busySeconds.toFixed(1)} s`,
        `${((s.busySeconds / total) * 100).toFixed(0)}%`,
        `${((s.busySeconds / (c.wallMs / 1000)) * 100).toFixed(0)}%`,
        count(s.records),
        count(s.batches),
      ]] : [];
    });
    out.push('', `${contestantTitle(c)}: time per stage (stages run concurrently; busy = sum of relocate_batch_duration_seconds; starting the stages took ${((c.startupMs ?? 0) / 1000).toFixed(1)} s before the clock)`, '',
      render(['stage', 'busy', 'share of stage time', 'busy / wall', 'Kafka records', 'fetch batches'], stageRows));
  }
  for (const c of size.contestants) {
    if (!c.statements) continue;
    out.push('', `${contestantTitle(c)}: slowest statements (--trace-sql; latency of each call, overlapping across stages)`, '',
      render(['statement', 'total', 'calls', 'mean'], c.statements.slice(0, 15).map((s) => [
        s.sql.slice(0, 110), `${(s.totalMs / 1000).toFixed(1)} s`, count(s.calls), `${(s.totalMs / s.calls).toFixed(2)} ms`,
      ])));
  }
  return out.join('\n');
}

/** What the one-shot import costs beyond relocate with its stages started and joined before the clock. */
export function oneshotLine(oneshot: SizeResult['contestants'][number], live: SizeResult['contestants'][number] | undefined): string {
  const beyond = live
    ? `, ${((oneshot.wallMs - live.wallMs) / 1000).toFixed(1)} s (${(((oneshot.wallMs - live.wallMs) / oneshot.wallMs) * 100).toFixed(0)}% of it) more than relocate with its stages live, whose stages took ${((live.startupMs ?? 0) / 1000).toFixed(1)} s to start and join before its clock`
    : '';
  return `relocate one-shot (\`relocate import --json\`, every stage hosted by the CLI): ${(oneshot.wallMs / 1000).toFixed(1)} s from spawn to exit${beyond}; peak RSS ${mb(oneshot.peakRssBytes)}`;
}

/** relocate into the empty target and into the populated region, side by side. */
export function regionTable(label: string, r: RegionComparison): string {
  const populated = `${count(r.users)} users, ${count(r.organizations)} organizations, ${(r.collide * 100).toFixed(0)}% of the export's names taken`;
  const rows = [
    ['relocate', count(r.emptyRowsPerSecond), count(r.populatedRowsPerSecond), ratio(r.populatedToEmpty), ratio(r.emptyRowsPerSecond / r.populatedRowsPerSecond)],
    ...(r.mergeRowsPerSecond === null ? [] : [['relocate --merge-users', count(r.emptyRowsPerSecond), count(r.mergeRowsPerSecond), ratio(r.mergeToEmpty), ratio(r.emptyRowsPerSecond / r.mergeRowsPerSecond)]]),
  ];
  return [`${label} into an empty target and into a region of ${populated} (target: rows/s ratio at least 0.67, wall-time ratio at most 1.5)`, '',
    render(['contestant', 'empty rows/s', 'region rows/s', 'rows/s ratio', 'wall-time ratio'], rows)].join('\n');
}
