/**
 * Summarizes a V8 CPU profile (`node --cpu-prof`, or `npm run bench -- --cpu-prof DIR`): self time by function
 * and by area (a dependency, a workspace package, Node's internals, idle, GC).
 *   node --import tsx bench/profile.ts <file.cpuprofile> [--top 25]
 */
import { readFileSync } from 'node:fs';
import { pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';

const root = new URL('..', import.meta.url).href;

interface ProfileNode { id: number; callFrame: { functionName: string; url: string; lineNumber: number }; children?: number[] }
interface CpuProfile { nodes: ProfileNode[]; samples: number[]; timeDeltas: number[]; startTime: number; endTime: number }

/** Where a function lives: a dependency, a workspace package or service, Node itself, or V8's pseudo-frames. */
export function areaOf(url: string, functionName: string): string {
  if (!url) return functionName.startsWith('(') ? functionName : '(native)';
  const dep = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(url);
  if (dep) return dep[1] as string;
  const own = url.startsWith(root) ? /^((?:packages|services)\/[^/]+|bench)\//.exec(url.slice(root.length)) : null;
  if (own) return own[1] as string;
  if (url.startsWith('node:')) return 'node internals';
  return url;
}

const unowned = new Set(['node internals', '(native)', '(program)']);

export function summarize(profile: CpuProfile): { totalMs: number; byFunction: Map<string, number>; byArea: Map<string, number>; byOwner: Map<string, number> } {
  const nodes = new Map(profile.nodes.map((n) => [n.id, n]));
  const parent = new Map<number, number>();
  for (const n of profile.nodes) for (const c of n.children ?? []) parent.set(c, n.id);
  /** Node's own stream and socket code does work for someone: charge it to the nearest caller that is not Node's. */
  const ownerOf = (id: number): string => {
    for (let at: number | undefined = id; at !== undefined; at = parent.get(at)) {
      const f = nodes.get(at)?.callFrame;
      const area = f ? areaOf(f.url, f.functionName) : '(root)';
      if (!unowned.has(area) && area !== '(root)') return area;
    }
    return 'node internals';
  };
  const self = new Map<number, number>();
  profile.samples.forEach((id, i) => self.set(id, (self.get(id) ?? 0) + (profile.timeDeltas[i] ?? 0) / 1000));
  const byFunction = new Map<string, number>();
  const byArea = new Map<string, number>();
  const byOwner = new Map<string, number>();
  for (const [id, ms] of self) {
    const owner = ownerOf(id);
    byOwner.set(owner, (byOwner.get(owner) ?? 0) + ms);
    const f = nodes.get(id)?.callFrame;
    if (!f) continue;
    const file = f.url.startsWith(root) ? f.url.slice(root.length) : f.url;
    const name = `${f.functionName || '(anonymous)'} ${file ? `${file}:${f.lineNumber + 1}` : ''}`.trim();
    byFunction.set(name, (byFunction.get(name) ?? 0) + ms);
    const area = areaOf(f.url, f.functionName);
    byArea.set(area, (byArea.get(area) ?? 0) + ms);
  }
  return { totalMs: (profile.endTime - profile.startTime) / 1000, byFunction, byArea, byOwner };
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const { values, positionals } = parseArgs({ allowPositionals: true, options: { top: { type: 'string', default: '25' } } });
  const file = positionals[0];
  if (!file) {
    process.stderr.write('usage: node --import tsx bench/profile.ts <file.cpuprofile> [--top 25]\n');
    process.exit(2);
  }
  const { totalMs, byFunction, byArea, byOwner } = summarize(JSON.parse(readFileSync(file, 'utf8')) as CpuProfile);
  const top = Number(values.top);
  const show = (title: string, m: Map<string, number>): void => {
    process.stdout.write(`\n${title}\n`);
    for (const [k, ms] of [...m].sort((a, b) => b[1] - a[1]).slice(0, top)) {
      process.stdout.write(`${(ms / 1000).toFixed(2).padStart(8)} s ${((ms / totalMs) * 100).toFixed(1).padStart(5)}%  ${k}\n`);
    }
  };
  process.stdout.write(`profile of ${(totalMs / 1000).toFixed(1)} s\n`);
  show('self time by area', byArea);
  show("self time by owner (Node's internals charged to their nearest caller outside Node)", byOwner);
  show('self time by function', byFunction);
}
