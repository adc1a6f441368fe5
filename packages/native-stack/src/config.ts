import { StackConfigError } from './errors.ts';

export interface StackConfig {
  host: string;
  kafkaPort: number;
  controllerPort: number;
  registryPort: number;
  postgresPort: number;
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
