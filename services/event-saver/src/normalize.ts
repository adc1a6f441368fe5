import { createHash } from 'node:crypto';
import { BadInputError } from '@relocate/domain';

/** Sentry's limits on what it stores for an event. */
export const limits = { message: 8192, release: 250, environment: 64, platform: 64 } as const;
const levels = new Set(['fatal', 'error', 'warning', 'info', 'debug']);

export interface NormalizedEvent {
  eventId: string;
  projectId: number;
  timestamp: number;
  received: number;
  platform: string;
  level: string;
  message: string;
  release: string | null;
  environment: string | null;
  fingerprint: string[];
  primaryHash: string;
  data: Record<string, unknown>;
}

const invalid = (ordinal: number, field: string, reason: string): BadInputError =>
  new BadInputError({ kind: 'InvalidEvent', model: 'event', pk: ordinal, field, reason: `event #${ordinal}: ${reason}` });

function toMillis(v: unknown): number | undefined {
  if (typeof v === 'number' && Number.isFinite(v)) return Math.round(v * 1000);
  if (typeof v === 'string') {
    const t = Date.parse(/[zZ]|[+-]\d\d:?\d\d$/.test(v) ? v : `${v}Z`);
    return Number.isNaN(t) ? undefined : t;
  }
  return undefined;
}

function clamp(s: string, max: number): string {
  return s.length > max ? s.slice(0, max) : s;
}

/**
 * What Sentry's save does to a payload before it stores it: fill the timestamp, received time, platform,
 * level and default fingerprint, and clamp sizes. A payload that cannot be an event is bad input.
 */
export function normalizeEvent(raw: Record<string, unknown>, ordinal: number, now: number): NormalizedEvent {
  const id = typeof raw.event_id === 'string' ? raw.event_id.replaceAll('-', '').toLowerCase() : '';
  if (!/^[0-9a-f]{32}$/.test(id)) throw invalid(ordinal, 'event_id', 'event_id must be 32 hexadecimal characters (a UUID)');
  const projectId = raw.project;
  if (typeof projectId !== 'number') throw invalid(ordinal, 'project', 'project is missing');
  const received = raw.received === undefined ? now : toMillis(raw.received);
  if (received === undefined) throw invalid(ordinal, 'received', `received is not a time: ${JSON.stringify(raw.received)}`);
  const timestamp = raw.timestamp === undefined ? received : toMillis(raw.timestamp);
  if (timestamp === undefined) throw invalid(ordinal, 'timestamp', `timestamp is not a time: ${JSON.stringify(raw.timestamp)}`);
  const level = typeof raw.level === 'string' && levels.has(raw.level) ? raw.level : 'error';
  const platform = clamp(typeof raw.platform === 'string' && raw.platform ? raw.platform : 'other', limits.platform);
  const logentry = raw.logentry as { formatted?: unknown; message?: unknown } | undefined;
  const message = clamp(String(raw.message ?? logentry?.formatted ?? logentry?.message ?? ''), limits.message);
  const release = typeof raw.release === 'string' && raw.release.trim() ? clamp(raw.release.trim(), limits.release) : null;
  const environment = typeof raw.environment === 'string' && raw.environment.trim() ? clamp(raw.environment.trim(), limits.environment) : null;
  if (environment?.includes('/')) throw invalid(ordinal, 'environment', 'environment names may not contain "/"');
  const fingerprint = Array.isArray(raw.fingerprint) && raw.fingerprint.length > 0 ? raw.fingerprint.map(String) : ['{{ default }}'];
  const hashInput = fingerprint.map((f) => (f === '{{ default }}' ? `default:${message}` : f)).join('\u0000');
  const primaryHash = createHash('md5').update(hashInput).digest('hex');
  const tags = Array.isArray(raw.tags) ? (raw.tags as unknown[]) : [];
  // Sentry stores release, dist and user tags prefixed; un-prefixed keys must not reach the eventstream.
  const cleanTags = tags.filter((t) => !(Array.isArray(t) && ['release', 'dist', 'user'].includes(String(t[0]))));
  if (release) cleanTags.push(['sentry:release', release]);
  const data = {
    ...raw, event_id: id, project: projectId, level, platform, message, fingerprint, tags: cleanTags,
    timestamp: timestamp / 1000, received: received / 1000, ...(release ? { release } : {}), ...(environment ? { environment } : {}),
  };
  return { eventId: id, projectId, timestamp, received, platform, level, message, release, environment, fingerprint, primaryHash, data };
}
