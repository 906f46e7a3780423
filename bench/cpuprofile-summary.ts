/**
 * The top self-time functions of a V8 .cpuprofile (what `node --cpu-prof` writes, e.g. the
 * gateway's under `BENCH_CPU_PROF=gateway-cpu`), with the share of busy time (idle and GC
 * shown apart) and the self time per package or project file: enough to see where the hot path's
 * CPU goes without opening DevTools on a remote machine.
 *
 *   node -r @swc-node/register bench/cpuprofile-summary.ts <file.cpuprofile> [top, default 30]
 */
import { readFileSync } from 'node:fs';

interface ProfileNode {
  readonly id: number;
  readonly callFrame: {
    readonly functionName: string;
    readonly url: string;
    readonly lineNumber: number;
  };
  readonly children?: number[];
}

interface CpuProfile {
  readonly nodes: ProfileNode[];
  readonly samples: number[];
  readonly timeDeltas: number[];
}

/** `node_modules/<package>` (scoped too), `node:<builtin>`, or the project-relative path. */
function origin(url: string): string {
  if (url === '') return '(native)';
  const modules = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(url);
  if (modules) return modules[1];
  if (url.startsWith('node:')) return 'node:' + url.slice(5).split('/')[0];
  const project = /\/(apps|libs|bench)\/(.*)$/.exec(url);
  return project ? `${project[1]}/${project[2]}` : url;
}

function summarise(profile: CpuProfile, top: number): string {
  const byId = new Map(profile.nodes.map((node) => [node.id, node]));
  const selfUs = new Map<number, number>();
  profile.samples.forEach((id, i) => {
    selfUs.set(id, (selfUs.get(id) ?? 0) + (profile.timeDeltas[i] ?? 0));
  });
  const byFunction = new Map<string, number>();
  const byOrigin = new Map<string, number>();
  let total = 0;
  let idle = 0;
  for (const [id, us] of selfUs) {
    const frame = byId.get(id)?.callFrame;
    if (!frame) continue;
    total += us;
    if (frame.functionName === '(idle)') idle += us;
    const where = origin(frame.url);
    const name = `${frame.functionName || '(anonymous)'}  ${where}:${frame.lineNumber + 1}`;
    byFunction.set(name, (byFunction.get(name) ?? 0) + us);
    if (frame.functionName !== '(idle)') byOrigin.set(where, (byOrigin.get(where) ?? 0) + us);
  }
  const busy = total - idle;
  const pct = (us: number): string => `${((us / busy) * 100).toFixed(1).padStart(5)} %`;
  const lines = [
    `busy ${(busy / 1000).toFixed(0)} ms of ${(total / 1000).toFixed(0)} ms sampled ` +
      `(idle ${(idle / 1000).toFixed(0)} ms); shares below are of busy time`,
    '',
    'self time by function:',
  ];
  const sorted = [...byFunction].filter(([name]) => !name.startsWith('(idle)'));
  sorted.sort((a, b) => b[1] - a[1]);
  for (const [name, us] of sorted.slice(0, top)) lines.push(`${pct(us)}  ${name}`);
  lines.push('', 'self time by package / file:');
  const origins = [...byOrigin].sort((a, b) => b[1] - a[1]);
  for (const [where, us] of origins.slice(0, top)) lines.push(`${pct(us)}  ${where}`);
  return lines.join('\n');
}

const [file, topArg] = process.argv.slice(2);
if (!file) {
  process.stderr.write('usage: cpuprofile-summary.ts <file.cpuprofile> [top]\n');
  process.exit(2);
}
const profile = JSON.parse(readFileSync(file, 'utf8')) as CpuProfile;
process.stdout.write(summarise(profile, Number(topArg ?? 30)) + '\n');
