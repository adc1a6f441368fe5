import type { DestinationStream } from 'pino';

/** pino's numeric levels, for the few a person is shown. */
const levelNames: Record<number, string> = { 40: 'warning', 50: 'error', 60: 'fatal' };

interface LogRecord {
  level?: number; msg?: string; service?: string; stage?: string; component?: string; attempt?: number;
  err?: { message?: string }; error?: string;
}

/**
 * One readable line for one pino JSON record: "writer: PostgreSQL not answering, retrying (attempt 3)". Who speaks
 * is the stage, else the component (kafkajs), else the service; the error's message follows the log message.
 */
export function humanLine(json: string): string {
  let r: LogRecord;
  try {
    r = JSON.parse(json) as LogRecord;
  } catch {
    return json.trimEnd();
  }
  const who = r.stage ?? r.component ?? r.service ?? 'relocate';
  const cause = r.err?.message ?? r.error;
  const level = r.level !== undefined && r.level >= 50 ? `${levelNames[r.level] ?? 'error'}: ` : '';
  const attempt = r.attempt !== undefined ? ` (attempt ${r.attempt})` : '';
  return `${who}: ${level}${r.msg ?? ''}${cause && !String(r.msg ?? '').includes(cause) ? `: ${cause}` : ''}${attempt}`.replace(/\s+/g, ' ').trim();
}

/** A pino destination that writes each record as one readable line through `write`. */
export function humanLines(write: (line: string) => void): DestinationStream {
  return { write: (json: string) => write(humanLine(json)) };
}
