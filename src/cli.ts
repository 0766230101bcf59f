#!/usr/bin/env node
/**
 * The `catalyst` command line:
 *
 *   catalyst synth    [--app FILE] [--out DIR]   synthesize (default app: the built-in example; default out: out/)
 *   catalyst validate [--app FILE]               check without writing
 *   catalyst graph    [--app FILE] [--format mermaid|dot] [--svg FILE]
 *   catalyst catalog  [--json]                   the Blueprints this library ships
 *   catalyst audit    DIR [--json]               security findings for a synthesized or hand-written tree
 *
 * Exit codes: 0 ok; 1 invalid input (one line per problem, each naming the field path);
 * 2 usage error; 3 the user's program threw.
 */
import * as fs from 'fs';
import * as path from 'path';
import { compileCacheStats, installCompileCache } from './compile-cache';
import { formatIssue, isCatalystError } from './errors';
import type { Sovereign } from './sovereign';
import type { SynthResult, SynthSummary } from './synth';
import { deferOptimization } from './tiering';

/*
 * Each command requires the modules it needs when it runs: start-up time is most of a small
 * synth, and `catalog` or `audit` need neither the synthesizer nor each other.
 */
/* eslint-disable @typescript-eslint/no-require-imports */
const lazy = {
  audit: () => require('./audit') as typeof import('./audit'),
  catalog: () => require('./catalog') as typeof import('./catalog'),
  output: () => require('./output') as typeof import('./output'),
  sovereign: () => require('./sovereign') as typeof import('./sovereign'),
  synth: () => require('./synth') as typeof import('./synth'),
};
/* eslint-enable @typescript-eslint/no-require-imports */

interface Args {
  readonly command: string;
  readonly flags: Map<string, string | true>;
}

const USAGE = `usage: catalyst <command> [options]

commands:
  synth     [--app FILE] [--out DIR]     synthesize the Sovereign (default app: built-in example; default out: out/)
  validate  [--app FILE]                 check the Sovereign without writing anything
  graph     [--app FILE] [--format mermaid|dot] [--svg FILE]
                                         print the Blueprint dependency graph; --svg draws it
  catalog   [--json]                     list the Blueprints this library ships
  audit     DIR [--json]                 security findings for any tree of YAML and *.tf.json files
                                         (exit 1 if any finding is an error)
`;

class UsageError extends Error {}
class UserProgramError extends Error {}

function parse(argv: readonly string[]): Args {
  const [command, ...rest] = argv;
  const flags = new Map<string, string | true>();
  for (let i = 0; i < rest.length; i++) {
    const a = rest[i];
    // `audit` takes one positional argument (the directory, kept under the key '') and only boolean flags.
    if (command === 'audit') {
      if (!a.startsWith('--') && !flags.has('')) flags.set('', a);
      else if (a.startsWith('--')) flags.set(a.slice(2), true);
      else throw new UsageError(`unexpected argument ${JSON.stringify(a)}`);
      continue;
    }
    if (!a.startsWith('--')) throw new UsageError(`unexpected argument ${JSON.stringify(a)}`);
    const eq = a.indexOf('=');
    if (eq > 0) {
      flags.set(a.slice(2, eq), a.slice(eq + 1));
    } else if (i + 1 < rest.length && !rest[i + 1].startsWith('--')) {
      flags.set(a.slice(2), rest[++i]);
    } else {
      flags.set(a.slice(2), true);
    }
  }
  return { command: command ?? '', flags };
}

/** Rejects options the command does not take. */
function allowOnly(args: Args, allowed: readonly string[]): void {
  for (const k of args.flags.keys()) {
    if (!allowed.includes(k)) throw new UsageError(`unknown option --${k} for '${args.command}'; allowed: ${allowed.map((x) => `--${x}`).join(', ') || '(none)'}`);
  }
}

function flag(args: Args, name: string, allowed: readonly string[]): string | undefined {
  allowOnly(args, allowed);
  const v = args.flags.get(name);
  if (v === true) throw new UsageError(`--${name} needs a value`);
  return v;
}

/** Loads the user's program and returns its Sovereign. */
export function loadSovereign(appFile: string | undefined): Sovereign {
  if (appFile === undefined) {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const example = require('../examples/sovereign') as { exampleSovereign: () => Sovereign };
    return example.exampleSovereign();
  }
  const file = path.resolve(appFile);
  if (!fs.existsSync(file)) throw new UsageError(`--app ${appFile}: no such file`);
  if (/\.[cm]?tsx?$/.test(file)) registerTypeScript(appFile);
  let mod: unknown;
  try {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    mod = require(file);
  } catch (e) {
    if (isCatalystError(e)) throw e;
    throw new UserProgramError(`${appFile} threw while loading:\n${(e as Error)?.stack ?? String(e)}`);
  }
  const { isSovereign } = lazy.sovereign();
  const m = mod as { default?: unknown; sovereign?: unknown } | undefined;
  const exported = typeof mod === 'function' || isSovereign(mod) ? mod : m?.default ?? m?.sovereign;
  let value: unknown = exported;
  if (typeof exported === 'function') {
    try {
      value = (exported as () => unknown)();
    } catch (e) {
      if (isCatalystError(e)) throw e;
      throw new UserProgramError(`${appFile}: its default export threw:\n${(e as Error)?.stack ?? String(e)}`);
    }
  }
  if (!isSovereign(value)) {
    throw new UsageError(`${appFile} must export a Sovereign (or a function returning one): module.exports, export default, or export const sovereign`);
  }
  return value;
}

function registerTypeScript(appFile: string): void {
  try {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    require('ts-node').register({ transpileOnly: true, compilerOptions: { module: 'commonjs' } });
  } catch {
    throw new UsageError(`--app ${appFile} is TypeScript; install ts-node (npm i -D ts-node typescript) or compile it to JavaScript first`);
  }
}

/**
 * With CATALYST_STATS=FILE, writes the run's phases and peak memory as JSON (read by bench/).
 * `construct` includes loading the library and the user's program.
 */
function writeStats(result: SynthSummary, times: { construct: number; write: number }): void {
  const file = process.env.CATALYST_STATS;
  if (!file) return;
  fs.writeFileSync(file, JSON.stringify({
    phases: { construct: times.construct, build: result.phases.build, serialise: result.phases.serialise, phase0: result.phases.phase0, write: times.write },
    maxRssKiB: process.resourceUsage().maxRSS,
    objects: result.stats.objects,
    files: result.stats.files,
    bytes: result.stats.bytes,
    loadCache: compileCacheStats() ?? null,
  }) + '\n');
}

/** The library's own files; an exception whose first frame lies elsewhere came from the user's code. */
const LIBRARY_ROOT = path.resolve(__dirname, '..');

/** Frames of the compile cache's `require` stand in for Node's own (node:internal) ones. */
const LOADER_FRAMES = path.join(__dirname, 'compile-cache.');

function thrownByUserCode(e: unknown): boolean {
  const frame = String((e as Error)?.stack ?? '').split('\n').find((l) => /^\s+at /.test(l) && !l.includes('node:') && !l.includes(LOADER_FRAMES));
  const file = frame ? /\(?([^()\s]+?):\d+:\d+\)?$/.exec(frame)?.[1] : undefined;
  return file !== undefined && !path.resolve(file).startsWith(LIBRARY_ROOT + path.sep);
}

/**
 * Synthesizes the user's Sovereign. Synthesis calls the user's Blueprints (chartValues, overlays):
 * an exception thrown there is the user's error, reported with their stack, not an internal one.
 */
function synthesizeProgram(sov: Sovereign, appFile: string | undefined): SynthResult {
  try {
    return lazy.synth().synthesize(sov);
  } catch (e) {
    throw asProgramError(e, appFile);
  }
}

function asProgramError(e: unknown, appFile: string | undefined): unknown {
  if (isCatalystError(e) || !thrownByUserCode(e)) return e;
  return new UserProgramError(`${appFile ?? 'your program'}: a Blueprint of your program threw while synthesizing:\n${(e as Error)?.stack ?? String(e)}`);
}

/**
 * `catalyst synth`: into the output directory; a large output is rendered and written on a writer
 * thread while the main thread builds. CATALYST_WRITER_THREAD=on|off|N overrides the choice
 * (N: start the thread after N files).
 */
async function synthesizeProgramInto(sov: Sovereign, appFile: string | undefined, out: string): ReturnType<typeof import('./synth').synthesizeInto> {
  const setting = process.env.CATALYST_WRITER_THREAD ?? 'auto';
  const mode = setting === 'on' || setting === 'off' ? setting : /^[1-9][0-9]*$/.test(setting) ? Number(setting) : 'auto';
  try {
    return await lazy.synth().synthesizeInto(sov, out, mode);
  } catch (e) {
    throw asProgramError(e, appFile);
  }
}

function printSummary(result: SynthSummary, outDir: string | undefined, ms: number): void {
  const s = result.stats;
  const lines = [
    `${outDir ? `synthesized into ${outDir}` : 'valid'}: ${s.blueprints} Blueprints, ${s.objects} objects, ${s.files} files, ${(s.bytes / 1024).toFixed(1)} KiB in ${ms.toFixed(0)} ms`,
    'objects by kind:',
    ...Object.entries(s.objectsByKind).map(([k, n]) => `  ${k.padEnd(24)} ${n}`),
  ];
  for (const w of result.warnings) lines.push(`warning: ${w}`);
  process.stdout.write(lines.join('\n') + '\n');
}

async function run(argv: readonly string[]): Promise<number> {
  const args = parse(argv);
  const started = performance.now();
  switch (args.command) {
    case 'synth': {
      const out = flag(args, 'out', ['app', 'out']) ?? 'out';
      const app = flag(args, 'app', ['app', 'out']);
      const sov = loadSovereign(app);
      // performance.now() counts from process start: construct includes Node, the library and the program.
      const constructed = performance.now();
      const { summary, times } = await synthesizeProgramInto(sov, app, out);
      printSummary(summary, out, performance.now() - started);
      writeStats(summary, { construct: constructed, write: times.write });
      return 0;
    }
    case 'validate': {
      const app = flag(args, 'app', ['app']);
      const sov = loadSovereign(app);
      const result = synthesizeProgram(sov, app);
      printSummary(result, undefined, performance.now() - started);
      return 0;
    }
    case 'graph': {
      const allowed = ['app', 'format', 'svg'];
      const format = flag(args, 'format', allowed) ?? 'mermaid';
      if (format !== 'mermaid' && format !== 'dot') throw new UsageError(`--format must be mermaid or dot (got ${JSON.stringify(format)})`);
      const sov = loadSovereign(flag(args, 'app', allowed));
      const svg = flag(args, 'svg', allowed);
      process.stdout.write(format === 'dot' ? sov.graph.toDot() : sov.graph.toMermaid());
      if (svg) {
        const { renderSvg } = await import('./render-svg');
        fs.writeFileSync(svg, await renderSvg(sov.graph.toDot()));
        process.stderr.write(`wrote ${svg}\n`);
      }
      return 0;
    }
    case 'catalog': {
      allowOnly(args, ['json']);
      const json = args.flags.has('json');
      const entries = lazy.catalog().catalog();
      if (json) {
        process.stdout.write(JSON.stringify(entries, null, 2) + '\n');
      } else {
        const rows = entries.map((e) => [e.name, e.version, e.visibility, e.upstream.map((u) => `${u.chart}@${u.version}`).join(' + ') || '(manifests)', e.depends.join(', ') || '-']);
        const head = ['BLUEPRINT', 'VERSION', 'VISIBILITY', 'UPSTREAM', 'DEPENDS'];
        const widths = head.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
        const fmt = (r: string[]) => r.map((c, i) => (i === r.length - 1 ? c : c.padEnd(widths[i]))).join('  ');
        process.stdout.write([fmt(head), ...rows.map(fmt)].join('\n') + '\n');
      }
      return 0;
    }
    case 'audit': {
      const dir = args.flags.get('');
      const flagsOnly: Args = { command: args.command, flags: new Map([...args.flags].filter(([k]) => k !== '')) };
      allowOnly(flagsOnly, ['json']);
      if (typeof dir !== 'string') throw new UsageError('audit needs the directory to audit: catalyst audit DIR [--json]');
      if (!fs.existsSync(dir) || !fs.statSync(dir).isDirectory()) throw new UsageError(`audit ${dir}: no such directory`);
      const { auditDirectory, formatTable, hasErrors } = lazy.audit();
      const findings = auditDirectory(dir);
      const errors = findings.filter((f) => f.severity === 'error').length;
      if (flagsOnly.flags.has('json')) {
        process.stdout.write(JSON.stringify({ directory: dir, errors, warnings: findings.length - errors, findings }, null, 2) + '\n');
      } else {
        process.stdout.write(findings.length ? formatTable(findings) : '');
        process.stdout.write(`${findings.length} finding(s), ${errors} error(s) in ${dir}\n`);
      }
      return hasErrors(findings) ? 1 : 0;
    }
    case '':
    case 'help':
    case '--help':
      process.stdout.write(USAGE);
      return args.command === '' ? 2 : 0;
    default:
      throw new UsageError(`unknown command ${JSON.stringify(args.command)}`);
  }
}

/** Runs the CLI and returns the exit code (never throws). */
export async function main(argv: readonly string[]): Promise<number> {
  try {
    return await run(argv);
  } catch (e) {
    return report(e);
  } finally {
    // Only if synthesis loaded it: a writer thread must not outlive the command.
    const writer = require.cache[require.resolve('./synth-writer')]?.exports as typeof import('./synth-writer') | undefined;
    await writer?.stopWriterThreads();
  }
}

/** Prints an error of the command and returns its exit code. */
function report(e: unknown): number {
  if (isCatalystError(e)) {
    for (const issue of e.issues) process.stderr.write(`error: ${formatIssue(issue)}\n`);
    return 1;
  }
  if (e instanceof UsageError) {
    process.stderr.write(`error: ${e.message}\n\n${USAGE}`);
    return 2;
  }
  if (e instanceof UserProgramError) {
    process.stderr.write(`error in your program: ${e.message}\n`);
    return 3;
  }
  process.stderr.write(`internal error (please report): ${(e as Error)?.stack ?? String(e)}\n`);
  return 70;
}

if (require.main === module) {
  // Commands that synthesize start without TurboFan (src/tiering.ts); a large synthesis turns it
  // on. Not `graph`: it makes no files, so nothing would turn TurboFan on for a large SVG layout.
  const synthesizes = ['synth', 'validate'].includes(process.argv[2] ?? '');
  installCompileCache({ v8Flags: synthesizes ? deferOptimization() : [] });
  void main(process.argv.slice(2)).then((code) => {
    process.exitCode = code;
  });
}
