import { SchemaRegistry, SchemaType } from '@kafkajs/confluent-schema-registry';
import avro from 'avsc';
import { composeSchema, loadNamedSchemas } from './schemas.ts';

export class SchemaNotRegisteredError extends Error {
  override name = 'SchemaNotRegisteredError';
}

/** Why a value could not be read as its topic's type: none of these changes on a retry. */
export type UndecodableKind = 'NotWireFormat' | 'UnknownSchema' | 'IncompatibleSchema' | 'UndecodableRecord';

/** The value itself is unreadable (not the registry being away): trying again cannot help. */
export class UndecodableRecordError extends Error {
  override name = 'UndecodableRecordError';
  readonly retriable = false;
  readonly kind: UndecodableKind;
  constructor(kind: UndecodableKind, message: string) {
    super(message);
    this.kind = kind;
  }
}

/**
 * Encodes and decodes topic values in the Confluent wire format (magic byte, schema id, Avro body),
 * with each topic's schema registered under `<topic>-value` with BACKWARD compatibility.
 */
export class RecordCodec {
  readonly registry: SchemaRegistry;
  private readonly registryUrl: string;
  private readonly ids = new Map<string, number>();
  /** Each topic's own type: what a consumer of the topic reads, whatever schema a message was written with. */
  private readonly readers = new Map<string, avro.Type>();
  private readonly resolvers = new Map<string, avro.Resolver>();
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
    return (await this.lookUp(topic, typeName)) ?? this.registerAnew(topic, typeName);
  }

  /**
   * Registers every topic's schema, as every process does at start: the lookups at once, then any registration
   * one at a time, so that two never race to store the same schema text.
   */
  async registerAll(valueTypes: Map<string, string>): Promise<void> {
    const entries = [...valueTypes];
    const known = await Promise.all(entries.map(([topic, type]) => this.lookUp(topic, type)));
    for (const [i, [topic, type]] of entries.entries()) if (known[i] === undefined) await this.registerAnew(topic, type);
  }

  /**
   * The id of a subject that already holds this very schema: an earlier start registered it, compatibility first.
   * A lookup is a read; registering again takes the registry's write path (about 60 ms each on Apicurio, one at a
   * time). Any failure (a subject not there yet, or a registry away) leaves it to the registration to answer.
   */
  private async lookUp(topic: string, typeName: string): Promise<number | undefined> {
    const id = await this.registry.getRegistryIdBySchema(`${topic}-value`, { type: SchemaType.AVRO, schema: this.schemaOf(typeName) }).catch(() => undefined);
    if (id !== undefined) this.remember(topic, typeName, id);
    return id;
  }

  private async registerAnew(topic: string, typeName: string): Promise<number> {
    const subject = `${topic}-value`;
    await this.setCompatibility(subject, 'BACKWARD');
    const { id } = await this.registry.register({ type: SchemaType.AVRO, schema: this.schemaOf(typeName) }, { subject });
    this.remember(topic, typeName, id);
    return id;
  }

  private remember(topic: string, typeName: string, id: number): void {
    this.ids.set(topic, id);
    this.readers.set(topic, this.typeOf(typeName));
  }

  async encode(topic: string, value: object): Promise<Buffer> {
    const id = this.ids.get(topic);
    if (id === undefined) throw new SchemaNotRegisteredError(`no schema registered for topic ${topic} in this process`);
    return this.registry.encode(id, value);
  }

  /**
   * Decodes with the writer's schema, fetched from the registry by the id in the message. Given the topic, the
   * value is resolved to the topic's own type by Avro's schema resolution, so a message written with a schema
   * the topic's subject would not accept is refused here instead of reaching a stage in a shape it does not expect.
   */
  async decode<T>(buffer: Buffer, topic?: string): Promise<T> {
    if (buffer.length < 5 || buffer[0] !== 0) {
      throw new UndecodableRecordError('NotWireFormat', `the value is not in the Confluent wire format (magic byte 0, schema id, Avro body)`);
    }
    const id = buffer.readInt32BE(1);
    const writer = await this.writerType(id);
    const reader = topic === undefined ? undefined : this.readers.get(topic);
    try {
      if (!reader) return writer.fromBuffer(buffer.subarray(5)) as T;
      return reader.fromBuffer(buffer.subarray(5), this.resolver(topic as string, id, reader, writer)) as T;
    } catch (err) {
      if (err instanceof UndecodableRecordError) throw err;
      throw new UndecodableRecordError('UndecodableRecord', `the value does not decode with schema id ${id}: ${(err as Error).message}`);
    }
  }

  private async writerType(id: number): Promise<avro.Type> {
    try {
      return (await this.registry.getSchema(id)) as unknown as avro.Type;
    } catch (err) {
      if (typeof err === 'object' && err !== null && 'status' in err && err.status === 404) {
        throw new UndecodableRecordError('UnknownSchema', `schema id ${id} is not known to the schema registry`);
      }
      throw err;
    }
  }

  /** Undefined when the message was written with the topic's own schema, the common case: no resolution needed. */
  private resolver(topic: string, id: number, reader: avro.Type, writer: avro.Type): avro.Resolver | undefined {
    if (id === this.ids.get(topic)) return undefined;
    const key = `${topic}\u0000${id}`;
    let resolver = this.resolvers.get(key);
    if (!resolver) {
      try {
        resolver = reader.createResolver(writer);
      } catch (err) {
        throw new UndecodableRecordError('IncompatibleSchema', `schema id ${id} (${writer.name ?? writer.typeName}) cannot be read as ${topic}'s ${reader.name ?? reader.typeName}: ${(err as Error).message}`);
      }
      this.resolvers.set(key, resolver);
    }
    return resolver;
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
