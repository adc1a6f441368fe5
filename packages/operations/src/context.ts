import type { Kafka } from 'kafkajs';
import type { RecordCodec, Topics } from '@relocate/codec';
import type { Config } from '@relocate/config';
import type { Pool } from '@relocate/database';
import type { Logger } from '@relocate/logging';

/** What operations need of a connected process; the pipeline's Connections is one. */
export interface OperationsContext { config: Config; log: Logger; pool: Pool; kafka: Kafka; codec: RecordCodec; topics: Topics }

/** The consumer group that projects the relocations topic into the relocation record. */
export const recordGroupOf = (prefix: string): string => `${prefix}.record`;
