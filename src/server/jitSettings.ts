// V8 settings for a long-running `backline serve` process.
import { setFlagsFromString } from 'node:v8';

/**
 * How many bytes of bytecode TurboFan may inline into one optimised function, in all (V8's default
 * is 920). Backline's turn runs a few large functions (the decision steps, the answer recognizers)
 * that become hot only after many turns, and each is compiled with everything it calls inlined: a
 * `perf record` of the server under the bench's load (bench/profileHttp.ts PERF_DIR=...) put 13 %
 * of the process's CPU in V8's optimising compiler during the measured phase, compiles of several
 * hundred milliseconds each (decideMessageSteps about 600 ms), some repeated after a deopt. Half the
 * budget: 10 % and 16 % less server CPU per turn over the bench's load in two paired rounds.
 */
export const MAX_INLINED_BYTECODE_CUMULATIVE = 460;

/** Applies the settings above; V8 reads them per compilation, so they hold for all code optimised from now on. */
export function tuneJitForServing(): void {
  setFlagsFromString(`--max-inlined-bytecode-size-cumulative=${MAX_INLINED_BYTECODE_CUMULATIVE}`);
}
