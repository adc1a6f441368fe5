import { readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { createRequire } from 'node:module';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import type { OperationsContext } from '../context.ts';
import { LagHistory } from '../lag/history.ts';
import { sampleLag } from '../lag/sample.ts';
import type { LagStatus } from '../lag/status.ts';
import { listRelocations } from '../record/views.ts';
import { dashboardPage } from './page.ts';

const uplotDir = path.dirname(createRequire(import.meta.url).resolve('uplot'));
const assets: Record<string, { file: string; type: string }> = {
  '/assets/uPlot.iife.min.js': { file: path.join(uplotDir, 'uPlot.iife.min.js'), type: 'text/javascript' },
  '/assets/uPlot.min.css': { file: path.join(uplotDir, 'uPlot.min.css'), type: 'text/css' },
};

export interface LagSeries { times: number[]; series: Record<string, number[]>; status: Record<string, LagStatus> }
export interface Dashboard { port: number; stop(): Promise<void> }

/**
 * `relocate dashboard`: serves the status page and its data. Lag is sampled every sampleMs in this process and
 * kept for the last maxPoints samples.
 */
export async function startDashboard(c: OperationsContext, opts: { port: number; sampleMs: number; maxPoints?: number }): Promise<Dashboard> {
  const maxPoints = opts.maxPoints ?? 600;
  const history = new LagHistory(c.config.commitIntervalMs * 3);
  const lag: LagSeries = { times: [], series: {}, status: {} };
  let sampling: Promise<void> = Promise.resolve();
  const sample = async (): Promise<void> => {
    const report = history.add(await sampleLag(c, { timeLag: false }));
    lag.times.push(report.at);
    for (const s of report.stages) {
      const series = (lag.series[s.stage] ??= new Array<number>(lag.times.length - 1).fill(0));
      series.push(s.lag);
      lag.status[s.stage] = s.status;
    }
    if (lag.times.length > maxPoints) {
      lag.times.shift();
      for (const s of Object.values(lag.series)) s.shift();
    }
  };
  const timer = setInterval(() => {
    sampling = sampling.then(sample).catch((err: unknown) => c.log.warn({ err }, 'sampling lag failed'));
  }, opts.sampleMs);

  const server: Server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://localhost');
    const asset = assets[url.pathname];
    if (url.pathname === '/') {
      res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' }).end(dashboardPage);
    } else if (asset) {
      res.writeHead(200, { 'content-type': asset.type }).end(readFileSync(asset.file));
    } else if (url.pathname === '/api/state') {
      listRelocations(c.pool).then(
        (relocations) => res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ relocations, lag })),
        (err: Error) => res.writeHead(500, { 'content-type': 'text/plain' }).end(`reading the relocation record failed: ${err.message}`),
      );
    } else {
      res.writeHead(404).end();
    }
  });
  await new Promise<void>((resolve, reject) => server.once('error', reject).listen(opts.port, '127.0.0.1', resolve));
  return {
    port: (server.address() as AddressInfo).port,
    stop: async () => {
      clearInterval(timer);
      await sampling;
      await new Promise<void>((r) => server.close(() => r()));
    },
  };
}
