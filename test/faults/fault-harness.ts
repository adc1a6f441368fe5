import assert from 'node:assert/strict';
import type { ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { type EventstreamInsert, type StageName } from '@relocate/codec';
import type { RelocationSummary } from '@relocate/database';
import { shapeForRows, writeExport, type WrittenExport } from '@relocate/export-generator';
import { disconnect, runImport } from '@relocate/pipeline';
import { canonicalDigest, canonicalState } from '../harness/canonical.ts';
import { testEnvironment, type TestEnvironment } from '../harness/environment.ts';
import { eventually } from '../harness/eventually.ts';
import { stopService } from '../harness/processes.ts';
import { readTopic } from '../harness/topics.ts';
import { after, before } from 'node:test';

/** Rows of the export every fault relocates: export records plus events. */
export const rows = Number(process.env.RELOCATE_FAULT_ROWS ?? 5000);
/** Chooses the moment of each kill; printed, so a failing run can be repeated with RELOCATE_FAULT_SEED. */
export const seed = Number(process.env.RELOCATE_FAULT_SEED ?? Math.floor(Math.random() * 2 ** 31));
process.stderr.write(`fault suite: RELOCATE_FAULT_SEED=${seed} RELOCATE_FAULT_ROWS=${rows}\n`);

/** mulberry32: a small seeded generator, enough to place kills reproducibly. */
export function random(s: number): () => number {
  let a = s >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 2 ** 32;
  };
}

const exports = new Map<number, Promise<WrittenExport>>();
/** The generated export of a seed, written once per run of the suite. */
export function exportOf(exportSeed: number): Promise<WrittenExport> {
  let written = exports.get(exportSeed);
  if (!written) {
    const dir = mkdtempSync(path.join(tmpdir(), 'relocate-faults-'));
    written = writeExport({ shape: shapeForRows(rows), seed: exportSeed, exportPath: path.join(dir, 'export.json'), eventsPath: path.join(dir, 'events.ndjson') });
    exports.set(exportSeed, written);
  }
  return written;
}

// Production's retry policy rather than the tests' short one: outages are what it is for. A killed consumer
// leaves its group after the shortest session Kafka allows, so a restart takes its partitions up soon.
const faultEnv = { RELOCATE_MAX_RETRIES: '5', RELOCATE_RETRY_BASE_MS: '200', RELOCATE_SESSION_TIMEOUT_MS: '6000' };

const worlds: TestEnvironment[] = [];
export async function faultWorld(name: string): Promise<TestEnvironment> {
  const world = await testEnvironment(`fault_${name}`, faultEnv);
  worlds.push(world);
  return world;
}
export async function closeWorlds(): Promise<void> {
  for (const w of worlds.splice(0)) await disconnect(w.connections).catch(() => undefined);
}

const options = { scope: 'ORGANIZATION', mergeUsers: false, overwriteConfigs: false, hideOrganizations: true, filterOrgSlugs: null, filterUsernames: null } as const;

/** Submits the export as `relocate import` does and waits for its end; stages must already be live. */
export async function relocate(world: TestEnvironment, relocationId: string, written: WrittenExport): Promise<RelocationSummary> {
  // A bound on the test, so a stuck relocation fails it instead of hanging the suite.
  const { summary, hostedStages } = await runImport(world.connections, { relocationId, exportPath: written.exportPath, eventsPath: written.eventsPath, options: { ...options } }, { timeoutMs: 300_000, hostStages: false });
  assert.deepEqual(hostedStages, [], 'every stage runs in the processes under test, none in the test');
  return summary;
}

/**
 * Waits for a seeded random point of the relocation while the stage is at work, measured by what the pipeline
 * has saved: rows in the PrimaryKeyMap (the reader, early; the stages after it, anywhere in the models) or events
 * saved (the event saver). Returns the point, for the log.
 */
export async function midStage(world: TestEnvironment, stage: StageName, next: () => number, reference: Reference): Promise<string> {
  const events = stage === 'event-saver';
  const total = events ? reference.events.eventIds.length : (reference.state['relocate.pk_map'] ?? []).length;
  const fraction = stage === 'reader' ? next() * 0.1 : 0.1 + next() * 0.7;
  const target = Math.max(1, Math.floor(total * fraction));
  const sql = events ? 'SELECT count(*)::int AS n FROM relocate.saved_event' : 'SELECT count(*)::int AS n FROM relocate.pk_map';
  await eventually(`${target} of ${total} ${events ? 'events saved' : 'rows written'}`, async () => {
    const { rows } = await world.connections.pool.query<{ n: number }>(sql);
    return (rows[0]?.n ?? 0) >= target ? true : undefined;
  }, 180_000, 50);
  return `${target} of ${total} ${events ? 'events saved' : 'rows written'}`;
}

export interface EventstreamShape {
  eventIds: string[];
  /** Messages beyond the first per dedupe key (projectId, eventId). */
  duplicates: number;
  /** Dedupe keys whose copies differ: a consumer that keeps one copy would lose something. */
  conflicting: string[];
}

export async function eventstream(world: TestEnvironment): Promise<EventstreamShape> {
  const c = world.connections;
  const byKey = new Map<string, string[]>();
  for (const m of await readTopic(c, c.topics.eventstream)) {
    const e = await c.codec.decode<EventstreamInsert>(m.message.value as Buffer);
    const key = `${e.projectId}/${e.eventId}`;
    byKey.set(key, [...(byKey.get(key) ?? []), JSON.stringify(e)]);
  }
  const copies = [...byKey.values()];
  return {
    eventIds: [...new Set(copies.map((c) => (JSON.parse(c[0] as string) as EventstreamInsert).eventId))].sort(),
    duplicates: copies.reduce((n, c) => n + c.length - 1, 0),
    conflicting: [...byKey].filter(([, c]) => new Set(c).size > 1).map(([k]) => k),
  };
}

/** Records on every DLQ topic of the world, from the topics' offsets. */
export async function deadLettered(world: TestEnvironment): Promise<number> {
  const admin = world.connections.kafka.admin();
  await admin.connect();
  try {
    let n = 0;
    for (const topic of Object.values(world.connections.topics.dlq)) {
      for (const p of await admin.fetchTopicOffsets(topic)) n += Number(p.high) - Number(p.low);
    }
    return n;
  } finally {
    await admin.disconnect();
  }
}

type Reference = Pick<Outcome, 'state' | 'digest' | 'events'>;
export interface Outcome { state: Record<string, string[]>; digest: Record<string, string>; events: EventstreamShape; dlq: number }

export async function outcomeOf(world: TestEnvironment): Promise<Outcome> {
  const [state, events, dlq] = await Promise.all([canonicalState(world.connections.pool), eventstream(world), deadLettered(world)]);
  return { state, digest: canonicalDigest(state), events, dlq };
}

/** The same digest as the reference, the same event ids on the eventstream, nothing dead-lettered; a mismatch names its first rows. */
export function assertSameOutcome(actual: Outcome, reference: Pick<Outcome, 'state' | 'digest' | 'events'>): void {
  for (const table of new Set([...Object.keys(actual.digest), ...Object.keys(reference.digest)])) {
    if (actual.digest[table] === reference.digest[table]) continue;
    const mine = new Set(actual.state[table] ?? []);
    const theirs = new Set(reference.state[table] ?? []);
    const extra = [...mine].filter((l) => !theirs.has(l)).slice(0, 3);
    const missing = [...theirs].filter((l) => !mine.has(l)).slice(0, 3);
    assert.fail(`${table}: ${actual.digest[table] ?? 'no rows'} where the reference has ${reference.digest[table] ?? 'no rows'}\nextra: ${extra.join('\n')}\nmissing: ${missing.join('\n')}`);
  }
  assert.deepEqual(actual.events.eventIds, reference.events.eventIds);
  assert.deepEqual(actual.events.conflicting, []);
  assert.equal(actual.dlq, 0, 'nothing went to a DLQ');
}


/**
 * The outcome of a clean run of the export, with all stages hosted in this process. Computed once per run of
 * the suite: the files of one `node --test` run share their parent, whose pid names the cached copy.
 */
export async function referenceOf(exportSeed: number, relocationId: string): Promise<Reference> {
  const file = path.join(tmpdir(), `relocate-faults-reference-${process.ppid}-${rows}-${exportSeed}-${relocationId}.json`);
  if (existsSync(file)) return JSON.parse(readFileSync(file, 'utf8')) as Reference;
  const world = await faultWorld(`reference_${exportSeed}`);
  const written = await exportOf(exportSeed);
  const { summary } = await runImport(world.connections, { relocationId, exportPath: written.exportPath, eventsPath: written.eventsPath, options: { ...options } });
  assert.equal(summary.status, 'success', JSON.stringify(summary.findings.slice(0, 3)));
  const { state, digest, events, dlq } = await outcomeOf(world);
  assert.equal(events.duplicates, 0);
  assert.equal(dlq, 0);
  assert.equal(events.eventIds.length, written.events);
  const reference = { state, digest, events };
  writeFileSync(file, JSON.stringify(reference));
  return reference;
}

/**
 * The usual frame of a fault file: the reference of relocation fault-a of export seed 1 loaded before its tests, and
 * every process pushed to `processes` stopped (thawed first, in case a test froze it) after them.
 */
export function faultFile(): { reference: () => Reference; processes: Array<{ child: ChildProcess }> } {
  let reference: Reference | undefined;
  const processes: Array<{ child: ChildProcess }> = [];
  before(async () => {
    reference = await referenceOf(1, 'fault-a');
  });
  after(async () => {
    for (const p of processes) p.child.kill('SIGCONT');
    await Promise.all(processes.map((p) => stopService(p)));
    await closeWorlds();
  });
  return {
    reference: () => {
      if (!reference) throw new Error('the reference is loaded before the tests');
      return reference;
    },
    processes,
  };
}
