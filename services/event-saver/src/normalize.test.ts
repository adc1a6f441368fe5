import { test } from 'node:test';
import assert from 'node:assert/strict';
import { BadInputError } from '@relocate/domain';
import { limits, normalizeEvent } from './normalize.ts';

const now = Date.parse('2026-01-01T00:00:00Z');
const base = { event_id: 'A1B2C3D4-0000-4000-8000-000000000001', project: 7 };

test('missing fields get Sentry defaults', () => {
  const e = normalizeEvent({ ...base }, 1, now);
  assert.equal(e.eventId, 'a1b2c3d4000040008000000000000001');
  assert.equal(e.level, 'error');
  assert.equal(e.platform, 'other');
  assert.equal(e.timestamp, now);
  assert.equal(e.received, now);
  assert.deepEqual(e.fingerprint, ['{{ default }}']);
});

test('events with the same default fingerprint and message group together', () => {
  const a = normalizeEvent({ ...base, message: 'boom' }, 1, now);
  const b = normalizeEvent({ ...base, event_id: 'f'.repeat(32), message: 'boom' }, 2, now);
  const c = normalizeEvent({ ...base, event_id: 'e'.repeat(32), message: 'other' }, 3, now);
  assert.equal(a.primaryHash, b.primaryHash);
  assert.notEqual(a.primaryHash, c.primaryHash);
});

test('sizes are clamped', () => {
  const e = normalizeEvent({ ...base, message: 'x'.repeat(limits.message + 10), release: 'r'.repeat(300) }, 1, now);
  assert.equal(e.message.length, limits.message);
  assert.equal(e.release?.length, limits.release);
});

test('release tags are stored prefixed', () => {
  const e = normalizeEvent({ ...base, release: '1.0', tags: [['release', 'x'], ['browser', 'y']] }, 1, now);
  assert.deepEqual(e.data.tags, [['browser', 'y'], ['sentry:release', '1.0']]);
});

test('invalid payloads name the event and the field', () => {
  assert.throws(() => normalizeEvent({ project: 1, event_id: 'nope' }, 9, now), (e: unknown) => e instanceof BadInputError && e.finding.field === 'event_id' && /#9/.test(e.message));
  assert.throws(() => normalizeEvent({ ...base, timestamp: 'yesterday' }, 2, now), (e: unknown) => e instanceof BadInputError && e.finding.field === 'timestamp');
});
