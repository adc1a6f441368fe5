import type { Command } from 'commander';
import { stackDown, stackStatus, stackStopPart, stackUp } from '@relocate/native-stack';
import { withHelp } from '../help.ts';

export function stackCommands(program: Command): void {
  const stack = program.command('stack').description('the native local stack: Kafka (3.9, or 4.x with RELOCATE_KAFKA_VERSION), Apicurio Registry, PostgreSQL');
  withHelp(stack, ['relocate stack up', 'RELOCATE_KAFKA_VERSION=4.1.1 relocate stack up', 'relocate stack status'], 'Quickstart');
  withHelp(stack.command('up').description('start what is not running and wait until every part answers').action(async () => {
    const e = await stackUp();
    process.stdout.write(`${JSON.stringify(e)}\n`);
  }), ['relocate stack up', 'RELOCATE_STACK_KAFKA_PORT=19092 RELOCATE_STACK_CONTROLLER_PORT=19093 RELOCATE_STACK_REGISTRY_PORT=18081 relocate stack up'], 'Quickstart');
  withHelp(stack.command('down').description('stop Kafka and the registry (never PostgreSQL) and remove their data').action(async () => stackDown()),
    ['relocate stack down'], 'Using it');
  withHelp(stack.command('stop').argument('<part>', 'kafka or schema-registry').description('stop one part and keep its data; `stack up` restarts it')
    .action(async (part: string) => {
      if (part !== 'kafka' && part !== 'schema-registry') program.error(`stack stop takes kafka or schema-registry, got ${part}`, { exitCode: 2 });
      else await stackStopPart(part);
    }), ['relocate stack stop kafka', 'relocate stack stop schema-registry'], 'Faults');
  withHelp(stack.command('status').description('what runs, where, and which versions').action(async () => {
    for (const p of await stackStatus()) process.stdout.write(`${p.name.padEnd(16)} ${p.up ? 'up  ' : 'down'} ${p.detail}\n`);
  }), ['relocate stack status'], 'Quickstart');
}
