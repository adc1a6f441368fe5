import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { SchemaType } from '@kafkajs/confluent-schema-registry';
import type { ExportChunk, ImportOptions, Topics } from '@relocate/codec';
import { startRelocation, type RelocationSummary } from '@relocate/database';
import { publishRelocationEvent } from '@relocate/operations';
import { type Connections, runImport, waitForRelocation } from '@relocate/pipeline';
import { createProducer } from '@relocate/stage-runtime';
import { runCli } from '../harness/processes.ts';

export const corpusDir = fileURLToPath(new URL('./', import.meta.url));

export interface ExpectedFinding {
  stage: string; severity: 'error' | 'warning'; kind: string; model: string | null; pk: number | null; field: string | null;
  /** A regular expression the finding's reason must match. */
  reason: string;
}

export interface Expected {
  about: string;
  status: 'success' | 'failure';
  /** Every finding of the relocation, in the order they were recorded. */
  findings: ExpectedFinding[];
  /** For an encrypted export: the private key (relative to the corpus) it is decrypted with. */
  decryptWith?: string;
}

/** A message produced raw to a pipeline topic, keyed by a relocation that is otherwise well formed. */
interface MessageCase {
  about: string;
  topic: keyof Omit<Topics, 'dlq'>;
  /** A wire header naming this schema id, then `body` (base64) as the Avro body. */
  schemaId?: number;
  body?: string;
  /** Or: `value` encoded with `schema`, registered under a subject of its own. */
  schema?: object;
  value?: object;
  export: unknown[];
  events: unknown[];
}

export interface Case { name: string; file: string; relocationId: string; expected: Expected }

/** Every input file of the corpus, each beside its `<name>.expected.json`. */
export function loadCases(): Case[] {
  return readdirSync(corpusDir)
    .filter((f) => /\.(json|tar)$/.test(f) && !f.endsWith('.expected.json'))
    .sort()
    .map((file) => {
      const name = file.replace(/\.(message\.json|json|tar)$/, '');
      const expected = JSON.parse(readFileSync(path.join(corpusDir, `${name}.expected.json`), 'utf8')) as Expected;
      return { name, file: path.join(corpusDir, file), relocationId: `corpus-${name}`, expected };
    });
}

export const organizationScope: ImportOptions = { scope: 'ORGANIZATION', mergeUsers: false, overwriteConfigs: false, hideOrganizations: true, filterOrgSlugs: null, filterUsernames: null };

/** Runs one case as a user would submit it, and returns the relocation's result once it ended. */
export async function runCase(c: Connections, env: NodeJS.ProcessEnv, k: Case): Promise<RelocationSummary> {
  if (k.file.endsWith('.tar')) {
    const key = path.join(corpusDir, k.expected.decryptWith ?? 'keys/corpus.pem');
    const run = await runCli(['import', k.file, '--decrypt-with', key, '--relocation-id', k.relocationId, '--json'], env);
    if (!run.result) throw new Error(`relocate import printed no result (exit ${run.code}): ${run.stderr.slice(-2000)}`);
    return run.result as RelocationSummary;
  }
  if (k.file.endsWith('.message.json')) return runMessageCase(c, k);
  return (await runImport(c, { relocationId: k.relocationId, exportPath: k.file, options: organizationScope }, { timeoutMs: 120_000 })).summary;
}

/**
 * Submits the relocation's export, then the raw message, then its events: the message lands on its topic before
 * the relocation's end marker can, so it is read while the relocation is still running.
 */
async function runMessageCase(c: Connections, k: Case): Promise<RelocationSummary> {
  const spec = JSON.parse(readFileSync(k.file, 'utf8')) as MessageCase;
  const id = k.relocationId;
  await startRelocation(c.pool, id, organizationScope);
  await publishRelocationEvent(c, { relocationId: id, type: 'STARTED', at: Date.now(), summary: '' });
  const chunk = (part: 'EXPORT' | 'EVENTS', text: string): ExportChunk => ({
    relocationId: id, part, seq: 0, isLast: true, hasEvents: part === 'EXPORT', options: part === 'EXPORT' ? organizationScope : null, data: Buffer.from(text),
  });
  const producer = createProducer(c.kafka);
  await producer.connect();
  try {
    const send = async (topic: string, value: Buffer): Promise<void> => {
      await producer.send({ topic, acks: -1, messages: [{ key: id, value }] });
    };
    await send(c.topics.exports, await c.codec.encode(c.topics.exports, chunk('EXPORT', JSON.stringify(spec.export))));
    await send(c.topics[spec.topic], await rawMessage(c, spec));
    await send(c.topics.exports, await c.codec.encode(c.topics.exports, chunk('EVENTS', spec.events.map((e) => JSON.stringify(e)).join('\n'))));
  } finally {
    await producer.disconnect();
  }
  return waitForRelocation(c, id, () => undefined, 120_000);
}

async function rawMessage(c: Connections, spec: MessageCase): Promise<Buffer> {
  if (spec.schema && spec.value) {
    const subject = `${c.config.topicPrefix}.corpus-foreign-value`;
    const { id } = await c.codec.registry.register({ type: SchemaType.AVRO, schema: JSON.stringify(spec.schema) }, { subject });
    return c.codec.registry.encode(id, spec.value);
  }
  const header = Buffer.alloc(5);
  header.writeInt32BE(spec.schemaId ?? 0, 1);
  return Buffer.concat([header, Buffer.from(spec.body ?? '', 'base64')]);
}
