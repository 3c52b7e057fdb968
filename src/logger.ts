// Structured logs, one JSON object a line. Never pass message text, answers or anything a
// person typed: logs carry ids, counts, timings and error names only.
export type LogLevel = 'debug' | 'info' | 'warn' | 'error' | 'silent';
const ORDER: Record<LogLevel, number> = { debug: 10, info: 20, warn: 30, error: 40, silent: 100 };

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
const RESERVED = new Set(['t', 'level', 'event']);

/**
 * Ids and names can come from clients (a channelId, a conversation id): keep printable ASCII
 * only, and at most MAX_LOG_VALUE_CHARS of it, so no one can forge or flood log lines.
 */
export function logSafe(value: string): string {
  const printable = value.replace(/[^\x20-\x7e]/g, '?');
  return printable.length > MAX_LOG_VALUE_CHARS ? `${printable.slice(0, MAX_LOG_VALUE_CHARS)}...` : printable;
}

function lineOf(at: Exclude<LogLevel, 'silent'>, event: string, fields: LogFields | undefined): string {
  const line: Record<string, string | number | boolean> = { t: new Date().toISOString(), level: at, event: logSafe(event) };
  for (const [name, value] of Object.entries(fields ?? {})) {
    if (value === undefined) continue;
    const key = logSafe(RESERVED.has(name) ? `field_${name}` : name);
    line[key] = typeof value === 'string' ? logSafe(value) : value;
  }
  return JSON.stringify(line);
}

export function createLogger(level: LogLevel, write: (line: string) => void = (line) => process.stderr.write(`${line}\n`)): Logger {
  const emit = (at: Exclude<LogLevel, 'silent'>, event: string, fields?: LogFields) => {
    if (ORDER[at] < ORDER[level]) return;
    write(lineOf(at, event, fields));
  };
  return {
    debug: (event, fields) => emit('debug', event, fields),
    info: (event, fields) => emit('info', event, fields),
    warn: (event, fields) => emit('warn', event, fields),
    error: (event, fields) => emit('error', event, fields),
  };
}

export const silentLogger: Logger = createLogger('silent');
