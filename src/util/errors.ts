// What a log line or a span may say about a caught error: its class name only. Messages can
// carry user text or health data (a JSON parse error quotes the input), so they are never logged.
export function errorName(error: unknown): string {
  return error instanceof Error ? error.name : 'unknown';
}
