import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import path from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);
const root = fileURLToPath(new URL('../../', import.meta.url));

/** The Kafka jars the native stack downloaded: RELOCATE_KAFKA_LIBS, else the checkout's .cache/kafka-libs. */
export function kafkaLibs(): string {
  const dir = process.env.RELOCATE_KAFKA_LIBS ?? path.join(root, '.cache', 'kafka-libs');
  if (!existsSync(path.join(dir, 'kafka-tools-3.9.1.jar'))) throw new Error(`no Kafka tools in ${dir}: run \`relocate stack up\` or set RELOCATE_KAFKA_LIBS`);
  return dir;
}

export interface DescribedPartition { topic: string; partition: number; currentOffset: number | null; logEndOffset: number; lag: number | null }

/** `kafka-consumer-groups --describe --group <g>`, the broker's own tool, parsed; "-" becomes null. */
export async function describeGroup(bootstrap: string, group: string): Promise<DescribedPartition[]> {
  const { stdout } = await run('java', ['-cp', `${kafkaLibs()}/*`, 'org.apache.kafka.tools.consumer.group.ConsumerGroupCommand', '--bootstrap-server', bootstrap, '--describe', '--group', group], { timeout: 60_000 });
  const lines = stdout.split('\n').map((l) => l.trim()).filter(Boolean);
  const header = lines.findIndex((l) => l.startsWith('GROUP'));
  if (header < 0) return [];
  const columns = (lines[header] as string).split(/\s+/);
  const col = (cells: string[], name: string): string => cells[columns.indexOf(name)] ?? '-';
  const num = (v: string): number | null => (v === '-' ? null : Number(v));
  return lines.slice(header + 1).filter((l) => !l.startsWith('GROUP')).map((l) => {
    const cells = l.split(/\s+/);
    return {
      topic: col(cells, 'TOPIC'),
      partition: Number(col(cells, 'PARTITION')),
      currentOffset: num(col(cells, 'CURRENT-OFFSET')),
      logEndOffset: Number(col(cells, 'LOG-END-OFFSET')),
      lag: num(col(cells, 'LAG')),
    };
  });
}
