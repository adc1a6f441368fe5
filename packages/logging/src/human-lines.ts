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

/** A broker that refuses or drops connections: kafkajs retries, but a person should know why the bars stand still. */
const brokerAway = [/ECONNREFUSED|ECONNRESET|ETIMEDOUT|EHOSTUNREACH/, /Connection (error|timeout)/];
const brokerNoticeEveryMs = 15_000;

/**
 * A pino destination that writes each record as one readable line through `write`. kafkajs's own lines (a client
 * reconnecting, a rebalance, a leader moving) stay out: kafkajs retries them itself. Only a broker that does not
 * answer gets one line of ours, at most every 15 s, so an outage does not pass in silence.
 */
export function humanLines(write: (line: string) => void, now: () => number = Date.now): DestinationStream {
  let lastBrokerNotice = -Infinity;
  return {
    write: (json: string) => {
      if (!json.includes('"component":"kafkajs"')) {
        write(humanLine(json));
        return;
      }
      // The system's error code says more than kafkajs's words around it.
      const away = brokerAway.map((r) => r.exec(json)).find((m) => m !== null);
      if (!away || now() - lastBrokerNotice < brokerNoticeEveryMs) return;
      lastBrokerNotice = now();
      const broker = /"broker":"([^"]+)"/.exec(json)?.[1];
      write(`kafka: ${broker ? `broker ${broker}` : 'a broker'} does not answer (${away[0]}); retrying, details in the log file`);
    },
  };
}
