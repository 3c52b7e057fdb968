// `node --import tsx bench/perfReport.ts FILE.data [LATE_FRACTION]`: a `perf record -g` of a Node
// server (bench/profileHttp.ts with PERF_DIR=...) summed up: the share of the process's on-CPU
// samples per thread kind (main, V8's optimising compiler, concurrent GC, other), and on the main
// thread per category (JavaScript and V8 runtime, SQLite, kernel, GC, lazy compilation) and per
// module and function (the nearest JavaScript frame on the stack, so builtins and V8 runtime calls
// count for the function that made them). LATE_FRACTION (default 1): only the last part of the
// samples, e.g. 0.5 for the measured phase of the bench's load (its second, warm part).
//
// Why perf and not `node --cpu-prof`: V8's profiler samples on a wall clock, so on a shared machine
// a sample that lands while the process waits for a core counts for wherever it was preempted: a
// socket write that wakes the load generator (writev) showed as 13 % of the turn under --cpu-prof
// and is under 1 % of the on-CPU samples. perf also sees V8's own threads, which /proc's CPU time
// (the bench's CPU per turn) counts too.
import { execFileSync } from 'node:child_process';

const [file, late = '1'] = process.argv.slice(2);
if (!file) throw new Error('usage: bench/perfReport.ts FILE.data [LATE_FRACTION]');
const text = execFileSync('perf', ['script', '-i', file, '-F', 'tid,ip,sym,dso'], { maxBuffer: 1 << 30, stdio: ['ignore', 'pipe', 'ignore'] }).toString();

interface Frame {
  sym: string;
  dso: string;
}
interface Sample {
  tid: string;
  frames: Frame[];
}
const all: Sample[] = [];
for (const line of text.split('\n')) {
  if (/^\S/.test(line)) all.push({ tid: line.trim(), frames: [] });
  else {
    const frame = /^\s*[0-9a-f]+ (.*) \((.*)\)$/.exec(line);
    if (frame && all.length > 0) all.at(-1)!.frames.push({ sym: frame[1]!, dso: frame[2]! });
  }
}
const samples = all.slice(Math.floor(all.length * (1 - Number(late))));
// The main thread is the one with the most samples.
const perThread = new Map<string, number>();
for (const s of samples) perThread.set(s.tid, (perThread.get(s.tid) ?? 0) + 1);
const mainTid = [...perThread].sort((a, b) => b[1] - a[1])[0]?.[0];

const add = (m: Map<string, number>, key: string) => m.set(key, (m.get(key) ?? 0) + 1);
const threads = new Map<string, number>();
const categories = new Map<string, number>();
const modules = new Map<string, number>();
const functions = new Map<string, number>();
let main = 0;
const near = (s: Sample, n: number) =>
  s.frames
    .slice(0, n)
    .map((f) => f.sym)
    .join(' ');
for (const s of samples) {
  if (s.tid !== mainTid) {
    const stack = near(s, 40);
    add(
      threads,
      /compiler::|Maglev/.test(stack) ? "V8's optimising compiler" : /Marking|Scaveng|Sweep|Evacuat|Heap::/.test(stack) ? 'concurrent GC' : 'other threads',
    );
    continue;
  }
  main++;
  add(threads, 'main thread');
  const leaf = s.frames[0] ?? { sym: '?', dso: '?' };
  let category = 'JavaScript and V8 runtime';
  if (/Scavenge|MarkCompact|Heap::Collect|GCTracer|IncrementalMarking/.test(near(s, 12))) category = 'GC (main thread)';
  else if (/RegExpImpl::Compile|RegExpCompiler/.test(near(s, 40))) category = 'regular expression compilation';
  else if (/v8::internal::Compiler::|Builtins_CompileLazy|v8::internal::Parser|BytecodeGenerator/.test(near(s, 15))) category = 'lazy compilation';
  else if (s.frames.some((f) => f.dso.includes('better_sqlite3'))) category = leaf.dso.includes('kernel') ? 'SQLite (system calls)' : 'SQLite';
  else if (leaf.dso.includes('kernel')) category = 'kernel (sockets, memory, other system calls)';
  add(categories, category);
  const js = s.frames.find((f) => f.sym.startsWith('JS:'));
  const name = js ? js.sym.replace(/^JS:[*~^+-]?/, '') : `(native) ${leaf.sym.slice(0, 70)}`;
  add(functions, name);
  const url = js ? (/ (\S+):\d+:\d+$/.exec(js.sym)?.[1] ?? '(builtin)') : '(native)';
  add(
    modules,
    url
      .replace(/^.*node_modules\/(@[^/]+\/[^/]+|[^/]+)\/.*$/, '$1')
      .replace(/^file:\/\/.*\/(dist|src)\//, '$1/')
      .replace(/^file:\/\//, ''),
  );
}
const top = (m: Map<string, number>, n: number, of: number) =>
  [...m]
    .sort((a, b) => b[1] - a[1])
    .slice(0, n)
    .map(([k, v]) => `${((100 * v) / of).toFixed(1).padStart(5)} %  ${k}`)
    .join('\n');
console.log(`${samples.length} samples (main thread ${mainTid})\n\nthreads, of all samples:\n${top(threads, 5, samples.length)}`);
console.log(`\nmain thread by kind, of its samples:\n${top(categories, 10, main)}`);
console.log(`\nmain thread by module (nearest JavaScript frame):\n${top(modules, Number(process.env.TOP_MODULES ?? 40), main)}`);
console.log(`\nmain thread by function (nearest JavaScript frame):\n${top(functions, Number(process.env.TOP ?? 50), main)}`);
