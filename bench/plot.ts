import type { ContestantName, ContestantResult } from './contestants/contestant.ts';
import type { BenchRun } from './results.ts';

export interface Point { rows: number; rowsPerSecond: number }

/** A line of the plot: a contestant, and relocate into a populated region (renaming, or merging users) apart. */
type Series = ContestantName | 'relocate-region' | 'relocate-region-merge';
const seriesOf = (c: ContestantResult): Series => (c.variant ? `relocate-${c.variant}` : c.contestant);

const colors: Record<Series, string> = {
  copy: '#1f77b4', baseline: '#d62728', relocate: '#2ca02c', 'relocate-region': '#9467bd', 'relocate-region-merge': '#ff7f0e',
  'copy-relocated': '#17becf', 'relocate-oneshot': '#8c564b',
};
const names: Record<Series, string> = {
  copy: 'COPY bound', baseline: 'row-at-a-time baseline', relocate: 'relocate end to end', 'copy-relocated': "COPY of relocate's rows", 'relocate-oneshot': 'relocate one-shot (CLI)',
  'relocate-region': 'relocate, populated region', 'relocate-region-merge': 'relocate, region, merge users',
};

/** The latest measurement of each series at each export size, across runs. */
export function latestPoints(runs: BenchRun[]): Map<Series, Point[]> {
  const latest = new Map<string, { at: string; point: Point; series: Series }>();
  for (const run of runs) {
    for (const size of run.sizes) {
      for (const c of size.contestants) {
        const key = `${seriesOf(c)}:${size.rows}`;
        const prior = latest.get(key);
        if (!prior || prior.at < run.startedAt) latest.set(key, { at: run.startedAt, series: seriesOf(c), point: { rows: size.rows, rowsPerSecond: c.rowsPerSecond } });
      }
    }
  }
  const out = new Map<Series, Point[]>();
  for (const { series, point } of latest.values()) (out.get(series) ?? out.set(series, []).get(series))?.push(point);
  for (const points of out.values()) points.sort((a, b) => a.rows - b.rows);
  return out;
}

const esc = (s: string): string => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
const short = (n: number): string => (n >= 1e6 ? `${n / 1e6}M` : n >= 1e3 ? `${n / 1e3}k` : String(n));

/** Rows/s against export size, both on log scales, as a self-contained SVG. */
export function throughputSvg(series: Map<Series, Point[]>, subtitle: string): string {
  const w = 720;
  const h = 440;
  const m = { left: 80, right: 200, top: 56, bottom: 56 };
  const targets = ([['target: 30% of COPY', 'copy', 0.3], ['target: 10x baseline', 'baseline', 10]] as const).flatMap(([label, of, factor]) => {
    const points = series.get(of);
    return points ? [{ label, color: colors[of], points: points.map((p) => ({ rows: p.rows, rowsPerSecond: p.rowsPerSecond * factor })) }] : [];
  });
  const all = [...[...series.values()].flat(), ...targets.flatMap((t) => t.points)];
  if (all.length === 0) throw new Error('no measurements to plot');
  const decade = (v: number, up: boolean): number => 10 ** (up ? Math.ceil(Math.log10(v)) : Math.floor(Math.log10(v)));
  // A fifth of a decade either side keeps the points off the frame.
  const x0 = Math.min(...all.map((p) => p.rows)) / 10 ** 0.2;
  const x1 = Math.max(...all.map((p) => p.rows)) * 10 ** 0.2;
  const y0 = decade(Math.min(...all.map((p) => p.rowsPerSecond)), false);
  const y1 = Math.max(decade(Math.max(...all.map((p) => p.rowsPerSecond)), true), y0 * 10);
  const x = (v: number): number => m.left + ((Math.log10(v) - Math.log10(x0)) / (Math.log10(x1) - Math.log10(x0))) * (w - m.left - m.right);
  const y = (v: number): number => h - m.bottom - ((Math.log10(v) - Math.log10(y0)) / (Math.log10(y1) - Math.log10(y0))) * (h - m.top - m.bottom);
  const parts: string[] = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${w}" height="${h}" viewBox="0 0 ${w} ${h}" font-family="sans-serif" font-size="12">`,
    `<rect width="${w}" height="${h}" fill="white"/>`,
    `<text x="${m.left}" y="24" font-size="16" font-weight="bold">Import throughput against export size</text>`,
    `<text x="${m.left}" y="42" fill="#555">${esc(subtitle)}</text>`,
  ];
  for (let v = decade(x0, true); v <= x1; v *= 10) {
    parts.push(`<line x1="${x(v)}" y1="${m.top}" x2="${x(v)}" y2="${h - m.bottom}" stroke="#ddd"/>`,
      `<text x="${x(v)}" y="${h - m.bottom + 18}" text-anchor="middle">${short(v)}</text>`);
  }
  for (let v = y0; v <= y1; v *= 10) {
    parts.push(`<line x1="${m.left}" y1="${y(v)}" x2="${w - m.right}" y2="${y(v)}" stroke="#ddd"/>`,
      `<text x="${m.left - 8}" y="${y(v) + 4}" text-anchor="end">${short(v)}</text>`);
  }
  parts.push(
    `<rect x="${m.left}" y="${m.top}" width="${w - m.left - m.right}" height="${h - m.top - m.bottom}" fill="none" stroke="#333"/>`,
    `<text x="${(m.left + w - m.right) / 2}" y="${h - 16}" text-anchor="middle">export size (rows: records + events, log scale)</text>`,
    `<text transform="translate(20 ${(m.top + h - m.bottom) / 2}) rotate(-90)" text-anchor="middle">rows per second (log scale)</text>`,
  );
  let legend = m.top + 10;
  for (const t of targets) {
    parts.push(`<polyline fill="none" stroke="${t.color}" stroke-width="1.5" stroke-dasharray="5 4" points="${t.points.map((p) => `${x(p.rows).toFixed(1)},${y(p.rowsPerSecond).toFixed(1)}`).join(' ')}"/>`,
      `<line x1="${w - m.right + 16}" y1="${legend}" x2="${w - m.right + 36}" y2="${legend}" stroke="${t.color}" stroke-width="1.5" stroke-dasharray="5 4"/>`,
      `<text x="${w - m.right + 42}" y="${legend + 4}">${esc(t.label)}</text>`);
    legend += 20;
  }
  for (const [contestant, points] of series) {
    const color = colors[contestant];
    parts.push(`<polyline fill="none" stroke="${color}" stroke-width="2" points="${points.map((p) => `${x(p.rows).toFixed(1)},${y(p.rowsPerSecond).toFixed(1)}`).join(' ')}"/>`);
    for (const p of points) {
      parts.push(`<circle cx="${x(p.rows).toFixed(1)}" cy="${y(p.rowsPerSecond).toFixed(1)}" r="4" fill="${color}"><title>${esc(`${names[contestant]}: ${short(p.rows)} rows at ${Math.round(p.rowsPerSecond)} rows/s`)}</title></circle>`,
        `<text x="${(x(p.rows) + 6).toFixed(1)}" y="${(y(p.rowsPerSecond) - 6).toFixed(1)}" fill="${color}" font-size="10">${Math.round(p.rowsPerSecond).toLocaleString('en-US')}</text>`);
    }
    parts.push(`<line x1="${w - m.right + 16}" y1="${legend}" x2="${w - m.right + 36}" y2="${legend}" stroke="${color}" stroke-width="2"/>`,
      `<text x="${w - m.right + 42}" y="${legend + 4}">${esc(names[contestant])}</text>`);
    legend += 20;
  }
  parts.push('</svg>');
  return `${parts.join('\n')}\n`;
}
