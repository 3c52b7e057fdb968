// `node --import tsx bench/cpuProfile.ts FILE.cpuprofile [FROM_US TO_US]`: a V8 CPU profile
// (`node --cpu-prof`) summed up: self time by function and total (inclusive) time by function,
// over the samples in the window (bench/profile.ts prints its measured window in µs), as shares.
import { readFileSync } from 'node:fs';

interface Node {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  children?: number[];
}
const [file, from, to] = process.argv.slice(2);
const profile = JSON.parse(readFileSync(file!, 'utf8')) as { nodes: Node[]; samples: number[]; timeDeltas: number[]; startTime: number };
const byId = new Map(profile.nodes.map((n) => [n.id, n]));
const parent = new Map<number, number>();
for (const n of profile.nodes) for (const c of n.children ?? []) parent.set(c, n.id);
const name = (n: Node) => {
  const url = n.callFrame.url.replace(/^.*\/(node_modules|src|bench)\//, '$1/');
  return `${n.callFrame.functionName || '(anonymous)'} ${url}:${n.callFrame.lineNumber + 1}`;
};
const self = new Map<string, number>();
const total = new Map<string, number>();
let time = profile.startTime;
let counted = 0;
for (let i = 0; i < profile.samples.length; i++) {
  time += profile.timeDeltas[i]!;
  if (from && (time < Number(from) || time > Number(to))) continue;
  const node = byId.get(profile.samples[i]!)!;
  if (node.callFrame.functionName === '(idle)') continue;
  counted++;
  self.set(name(node), (self.get(name(node)) ?? 0) + 1);
  const seen = new Set<string>();
  for (let id: number | undefined = node.id; id !== undefined; id = parent.get(id)) {
    const key = name(byId.get(id)!);
    if (seen.has(key)) continue;
    seen.add(key);
    total.set(key, (total.get(key) ?? 0) + 1);
  }
}
const top = (m: Map<string, number>, n: number) =>
  [...m]
    .sort((a, b) => b[1] - a[1])
    .slice(0, n)
    .map(([k, v]) => `${((100 * v) / counted).toFixed(1).padStart(5)} %  ${k}`)
    .join('\n');
console.log(`${counted} samples\n\nself:\n${top(self, Number(process.env.TOP ?? 45))}\n\ntotal:\n${top(total, Number(process.env.TOP_TOTAL ?? 90))}`);
