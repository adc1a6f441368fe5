import { StackConfigError } from './errors.ts';

export interface StackConfig {
  host: string;
  kafkaPort: number;
  controllerPort: number;
  registryPort: number;
  postgresPort: number;
  /** The Kafka release to run: 3.9.x (the default, 3.9.1) or 4.x, from RELOCATE_KAFKA_VERSION. */
  kafkaVersion: string;
}

/** The Kafka the stack runs unless RELOCATE_KAFKA_VERSION says otherwise. */
export const DEFAULT_KAFKA_VERSION = '3.9.1';

/** RELOCATE_KAFKA_VERSION's value, checked: unset or empty is the default. */
export function kafkaVersionFrom(value: string | undefined): string {
  const raw = value?.trim();
  if (raw === undefined || raw === '') return DEFAULT_KAFKA_VERSION;
  // 3.9 is the last 3.x with the KRaft tooling we use; 4.x is KRaft only. Both were run in CI (see the README).
  if (!/^(3\.9|4\.\d+)\.\d+$/.test(raw)) {
    throw new StackConfigError(`RELOCATE_KAFKA_VERSION must be a Kafka release 3.9.x or 4.x.y (as Maven Central names it, e.g. 4.1.1), got ${JSON.stringify(raw)}`);
  }
  return raw;
}

function portFromEnv(name: string, fallback: number): number {
  const raw = process.env[name];
  if (raw === undefined || raw.trim() === '') return fallback;
  const text = raw.trim();
  const value = Number(text);
  if (!/^\d+$/.test(text) || !Number.isInteger(value) || value < 1 || value > 65535) {
    throw new StackConfigError(`${name} must be an integer port between 1 and 65535, got ${JSON.stringify(raw)}`);
  }
  return value;
}

let cached: StackConfig | undefined;

/** Ports of the stack. Environment overrides are read once, on first use, and validated. */
export function stackConfig(): StackConfig {
  if (cached) return cached;
  const config: StackConfig = {
    host: '127.0.0.1',
    kafkaPort: portFromEnv('RELOCATE_STACK_KAFKA_PORT', 9092),
    controllerPort: portFromEnv('RELOCATE_STACK_CONTROLLER_PORT', 9093),
    registryPort: portFromEnv('RELOCATE_STACK_REGISTRY_PORT', 8081),
    postgresPort: 5432,
    kafkaVersion: kafkaVersionFrom(process.env.RELOCATE_KAFKA_VERSION),
  };
  const used = new Map<number, string>();
  for (const [key, port] of [
    ['RELOCATE_STACK_KAFKA_PORT', config.kafkaPort],
    ['RELOCATE_STACK_CONTROLLER_PORT', config.controllerPort],
    ['RELOCATE_STACK_REGISTRY_PORT', config.registryPort],
  ] as const) {
    const other = used.get(port);
    if (other) throw new StackConfigError(`${key} and ${other} both use port ${port}; they must differ`);
    used.set(port, key);
  }
  cached = config;
  return config;
}
