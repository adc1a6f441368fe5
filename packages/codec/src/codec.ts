import { SchemaRegistry, SchemaType } from '@kafkajs/confluent-schema-registry';
import avro from 'avsc';
import { composeSchema, loadNamedSchemas } from './schemas.ts';

export class SchemaNotRegisteredError extends Error {
  override name = 'SchemaNotRegisteredError';
}

/**
 * Encodes and decodes topic values in the Confluent wire format (magic byte, schema id, Avro body),
 * with each topic's schema registered under `<topic>-value` with BACKWARD compatibility.
 */
export class RecordCodec {
  readonly registry: SchemaRegistry;
  private readonly registryUrl: string;
  private readonly ids = new Map<string, number>();
  private readonly named = loadNamedSchemas();

  constructor(registryUrl: string) {
    this.registryUrl = registryUrl.replace(/\/+$/, '');
    this.registry = new SchemaRegistry({ host: this.registryUrl, retry: { retries: 8 } });
  }

  /** The composed schema text for an Avro type, exactly as registered. */
  schemaOf(typeName: string): string {
    return JSON.stringify(composeSchema(typeName, this.named));
  }

  /** A local avsc type for the schema, for checks that need no registry. */
  typeOf(typeName: string): avro.Type {
    return avro.Type.forSchema(JSON.parse(this.schemaOf(typeName)) as avro.Schema);
  }

  async register(topic: string, typeName: string): Promise<number> {
    const subject = `${topic}-value`;
    await this.setCompatibility(subject, 'BACKWARD');
    const { id } = await this.registry.register({ type: SchemaType.AVRO, schema: this.schemaOf(typeName) }, { subject });
    this.ids.set(topic, id);
    return id;
  }

  async registerAll(valueTypes: Map<string, string>): Promise<void> {
    for (const [topic, type] of valueTypes) await this.register(topic, type);
  }

  async encode(topic: string, value: object): Promise<Buffer> {
    const id = this.ids.get(topic);
    if (id === undefined) throw new SchemaNotRegisteredError(`no schema registered for topic ${topic} in this process`);
    return this.registry.encode(id, value);
  }

  /** Decodes with the writer's schema, fetched from the registry by the id in the message. */
  async decode<T>(buffer: Buffer): Promise<T> {
    return (await this.registry.decode(buffer)) as T;
  }

  private async setCompatibility(subject: string, compatibility: string): Promise<void> {
    const res = await fetch(`${this.registryUrl}/config/${encodeURIComponent(subject)}`, {
      method: 'PUT',
      headers: { 'content-type': 'application/vnd.schemaregistry.v1+json' },
      body: JSON.stringify({ compatibility }),
    });
    if (!res.ok) throw new Error(`schema registry refused compatibility ${compatibility} for ${subject}: HTTP ${res.status} ${await res.text()}`);
  }
}
