import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import client from 'prom-client';

export const registry = new client.Registry();
client.collectDefaultMetrics({ register: registry });

export const metrics = {
  recordsProcessed: new client.Counter({
    name: 'relocate_records_processed_total',
    help: 'Kafka records a stage processed, by outcome: ok, dlq (failed), parked (behind a failed record of its relocation), skipped (cancelled relocation)',
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
  // Named as kafka-lag-exporter names them, so existing dashboards and alerts apply; seen from inside the stage.
  groupOffset: new client.Gauge({
    name: 'kafka_consumergroup_group_offset',
    help: 'Next offset the stage will process on a partition it owns',
    labelNames: ['group', 'topic', 'partition'],
    registers: [registry],
  }),
  groupLag: new client.Gauge({
    name: 'kafka_consumergroup_group_lag',
    help: 'Records on a partition the stage owns that it has not processed yet (log-end offset minus next offset)',
    labelNames: ['group', 'topic', 'partition'],
    registers: [registry],
  }),
  groupLagSeconds: new client.Gauge({
    name: 'kafka_consumergroup_group_lag_seconds',
    help: 'Age of the oldest record not processed yet on a partition the stage owns, from its timestamp',
    labelNames: ['group', 'topic', 'partition'],
    registers: [registry],
  }),
  latestOffset: new client.Gauge({
    name: 'kafka_partition_latest_offset',
    help: 'Log-end offset of a partition the stage owns, as of its last fetch',
    labelNames: ['topic', 'partition'],
    registers: [registry],
  }),
  pausedPartitions: new client.Gauge({
    name: 'relocate_paused_partitions',
    help: 'Partitions a stage holds because the next record on them belongs to a paused relocation (summed over its consumers in the process)',
    labelNames: ['stage'],
    registers: [registry],
  }),
  stageHalted: new client.Gauge({
    name: 'relocate_stage_halted',
    help: '1 when the stage stopped because its DLQ limit was exceeded',
    labelNames: ['stage'],
    registers: [registry],
  }),
  rereads: new client.Counter({
    name: 'relocate_rereads_total',
    help: 'Times a stage went back to the oldest held record of a partition after a failure mid-run',
    labelNames: ['stage'],
    registers: [registry],
  }),
  stageRestarts: new client.Counter({
    name: 'relocate_stage_restarts_total',
    help: 'Times a stage rebuilt its crashed consumer and joined its group again',
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

export interface HealthReport { healthy: boolean; stages: Record<string, string>; restarts?: Record<string, number>; halted?: Record<string, string | undefined> }

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
