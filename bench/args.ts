// The benchmarks' command-line flags, read once with Node's util.parseArgs:
//   npm run bench -- --http-only --rounds 2     (bench/run.ts, bench/cluster.ts)
//   --messages N                                 (bench/widget.ts)
//   a positional sqlite | postgres               (bench/profile.ts)
import { parseArgs } from 'node:util';

const { values, positionals } = parseArgs({
  options: {
    'http-only': { type: 'boolean', default: false },
    rounds: { type: 'string' },
    messages: { type: 'string' },
  },
  allowPositionals: true,
});

/** Skip the in-process benchmarks and run only the HTTP load. */
export const httpOnly = values['http-only'] === true;

/** A whole number at least `min` from a flag, or the default. */
function wholeNumber(value: string | undefined, fallback: number, min: number): number {
  const n = Number(value);
  return value !== undefined && Number.isInteger(n) && n >= min ? n : fallback;
}

/** `--rounds N` (default 3): every HTTP target N times, interleaved; ratios are the rounds' median. */
export const rounds = wholeNumber(values.rounds, 3, 1);
/** `--messages N` (default 20, at least 5): messages per widget conversation. */
export const messages = Math.max(5, wholeNumber(values.messages, 20, 1));
/** The first positional argument, if any (bench/profile.ts: sqlite or postgres). */
export const firstPositional = positionals[0];
