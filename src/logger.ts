// Structured logs, one JSON object a line, written by pino. Never pass message text, answers or
// anything a person typed: logs carry ids, counts, timings and error names only. As a second
// guard, fields whose names suggest text (REDACTED_FIELDS) are replaced by "[redacted]".
//
// A line: {"level":"info","t":"2026-12-06T23:00:00.000Z", ...fields, "event":"turn_done"}
import { pino, type DestinationStream } from 'pino';

export type LogLevel = 'debug' | 'info' | 'warn' | 'error' | 'silent';

export type LogFields = Record<string, string | number | boolean | undefined>;

export interface Logger {
  debug(event: string, fields?: LogFields): void;
  info(event: string, fields?: LogFields): void;
  warn(event: string, fields?: LogFields): void;
  error(event: string, fields?: LogFields): void;
}

/** Longest string value a log line keeps: ids are short, anything longer came from a client. */
export const MAX_LOG_VALUE_CHARS = 160;
/** The line's own fields; a caller's field of the same name is written as `field_<name>`. */
const RESERVED = new Set(['t', 'level', 'event', 'time', 'msg']);

/**
 * Field names that could carry what a person wrote or read. No caller logs them today; if one
 * ever does, pino writes "[redacted]" instead of the value. (Not "replies", a count in
 * directline_turn, nor "note", the operator hint in support_no_agents.)
 */
export const REDACTED_FIELDS = [
  'text',
  'message',
  'messages',
  'answer',
  'answers',
  'reply',
  'userText',
  'utterance',
  'transcript',
  'body',
  'content',
  'value',
  'label',
  'password',
  'token',
  'secret',
  'authorization',
  'cookie',
];

/**
 * Ids and names can come from clients (a channelId, a conversation id): keep printable ASCII
 * only, and at most MAX_LOG_VALUE_CHARS of it, so no one can forge or flood log lines.
 */
export function logSafe(value: string): string {
  const printable = value.replace(/[^\x20-\x7e]/g, '?');
  return printable.length > MAX_LOG_VALUE_CHARS ? `${printable.slice(0, MAX_LOG_VALUE_CHARS)}...` : printable;
}

function safeFields(fields: LogFields | undefined): Record<string, string | number | boolean> {
  const safe: Record<string, string | number | boolean> = {};
  for (const [name, value] of Object.entries(fields ?? {})) {
    if (value === undefined) continue;
    safe[logSafe(RESERVED.has(name) ? `field_${name}` : name)] = typeof value === 'string' ? logSafe(value) : value;
  }
  return safe;
}

/**
 * @param write receives each line without its newline (tests collect them); the default writes
 * to stderr synchronously, so the last lines before a crash are not lost.
 */
export function createLogger(level: LogLevel, write?: (line: string) => void): Logger {
  const destination: DestinationStream = write
    ? { write: (line: string) => write(line.endsWith('\n') ? line.slice(0, -1) : line) }
    : pino.destination({ fd: 2, sync: true });
  const log = pino(
    {
      level,
      base: undefined,
      messageKey: 'event',
      timestamp: () => `,"t":"${new Date().toISOString()}"`,
      formatters: { level: (label) => ({ level: label }) },
      redact: { paths: REDACTED_FIELDS, censor: '[redacted]' },
    },
    destination,
  );
  // The level is checked before the fields are cleaned: a disabled line (the per-turn debug line
  // at the default level) costs a comparison, not a regex per field (about 13 µs a call here).
  const at =
    (name: 'debug' | 'info' | 'warn' | 'error') =>
    (event: string, fields?: LogFields): void => {
      if (log.isLevelEnabled(name)) log[name](safeFields(fields), logSafe(event));
    };
  return { debug: at('debug'), info: at('info'), warn: at('warn'), error: at('error') };
}

export const silentLogger: Logger = createLogger('silent', () => {});
