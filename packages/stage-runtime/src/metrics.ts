import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import client from 'prom-client';

export const registry = new client.Registry();
client.collectDefaultMetrics({ register: registry });

export const metrics = {
  recordsProcessed: new client.Counter({
    name: 'relocate_records_processed_total',
    help: 'Kafka records a stage processed, by outcome (ok or dlq)',
    labelNames: ['stage', 'outcome'],
    registers: [registry],
  }),
  batchLatency: new client.Histogram({
    name: 'relocate_batch_duration_seconds',
    help: 'Time to process one fetched Kafka batch, from first decode to offset commit',
    labelNames: ['stage'],
    buckets: [0.005, 0.02, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30],
    registers: [registry],
  }),
  dlqRecords: new client.Counter({
    name: 'relocate_dlq_records_total',
    help: 'Records a stage sent to its dead-letter topic',
    labelNames: ['stage'],
    registers: [registry],
  }),
  retries: new client.Counter({
    name: 'relocate_retries_total',
    help: 'Retries of a record after a retriable failure',
    labelNames: ['stage'],
    registers: [registry],
  }),
};

export interface HealthReport { healthy: boolean; stages: Record<string, string> }

/** Serves /metrics (Prometheus) and /healthz (200 when every hosted stage is running). */
export async function startMonitoringServer(port: number, health: () => HealthReport): Promise<{ server: Server; port: number }> {
  const server = createServer((req, res) => {
    if (req.url === '/metrics') {
      registry.metrics().then(
        (body) => res.writeHead(200, { 'content-type': registry.contentType }).end(body),
        (err: Error) => res.writeHead(500).end(err.message),
      );
    } else if (req.url === '/healthz') {
      const report = health();
      res.writeHead(report.healthy ? 200 : 503, { 'content-type': 'application/json' }).end(JSON.stringify(report));
    } else {
      res.writeHead(404).end();
    }
  });
  await new Promise<void>((resolve, reject) => server.once('error', reject).listen(port, '127.0.0.1', resolve));
  return { server, port: (server.address() as AddressInfo).port };
}
