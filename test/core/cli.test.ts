import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import { writeAtomically } from '../../src/output';
import { readTree, ROOT, tempDir } from '../support/tools';

const CLI = path.join(ROOT, 'lib', 'src', 'cli.js');

function catalyst(args: string[], cwd = ROOT) {
  const r = spawnSync(process.execPath, [CLI, ...args], { cwd, encoding: 'utf8' });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

function writeApp(dir: string, name: string, body: string): string {
  const file = path.join(dir, name);
  fs.writeFileSync(file, body);
  return file;
}

const appHeader = `const { Sovereign } = require(${JSON.stringify(path.join(ROOT, 'lib', 'src', 'index.js'))});\n`;

describe('catalyst CLI (compiled lib/)', () => {
  beforeAll(() => {
    if (!fs.existsSync(CLI)) throw new Error(`${CLI} missing: npm test compiles first (projen test task)`);
  });

  test('synth without --app writes the example Sovereign and prints a summary', () => {
    const out = path.join(tempDir(), 'out');
    const r = catalyst(['synth', '--out', out]);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^synthesized into .*: \d+ Blueprints, \d+ objects, \d+ files, [\d.]+ KiB in \d+ ms\nobjects by kind:\n/);
    expect(r.stdout).toMatch(/HelmRelease +\d+/);
    expect(fs.existsSync(path.join(out, 'flux/clusters/omantel.omani.works/kustomization.yaml'))).toBe(true);
    expect(fs.existsSync(path.join(out, 'platform.json'))).toBe(true);
    expect(fs.existsSync(path.join(out, 'blueprints/bp-cilium/blueprint.yaml'))).toBe(true);
  });

  test('re-synth is byte-identical', () => {
    const a = path.join(tempDir(), 'a');
    const b = path.join(tempDir(), 'b');
    expect(catalyst(['synth', '--out', a]).code).toBe(0);
    expect(catalyst(['synth', '--out', b]).code).toBe(0);
    expect(readTree(a)).toEqual(readTree(b));
  });

  test('a user program (JS) is loaded with --app; bad input exits 1 with one line per problem and leaves old output intact', () => {
    const dir = tempDir();
    const out = path.join(dir, 'out');
    const good = writeApp(dir, 'good.js', `${appHeader}module.exports = () => new Sovereign({ fqdn: 'cli.sovereign.test', org: { name: 'A', email: 'a@b.test' } });\n`);
    expect(catalyst(['synth', '--app', good, '--out', out]).code).toBe(0);
    const before = readTree(out);
    const bad = writeApp(dir, 'bad.js', `${appHeader}module.exports = () => new Sovereign({ fqdn: 'BAD', org: { name: 'A', email: 'nope' } });\n`);
    const r = catalyst(['synth', '--app', bad, '--out', out]);
    expect(r.code).toBe(1);
    expect(r.stderr.trim().split('\n')).toEqual([
      expect.stringMatching(/^error: sovereign\.fqdn: must be a lowercase fully-qualified domain name/),
      'error: sovereign.org.email: must be an e-mail address such as ops@example.com (got "nope")',
    ]);
    expect(readTree(out)).toEqual(before);
  });

  test('a TypeScript program works through ts-node', () => {
    const dir = tempDir();
    const app = writeApp(dir, 'main.ts', `import { Sovereign } from ${JSON.stringify(path.join(ROOT, 'src', 'index'))};\nexport default new Sovereign({ fqdn: 'ts.sovereign.test', org: { name: 'A', email: 'a@b.test' } });\n`);
    const r = catalyst(['validate', '--app', app]);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^valid: /);
  });

  test("a program that throws is reported as the user's error, with its stack", () => {
    const dir = tempDir();
    const app = writeApp(dir, 'throws.js', 'module.exports = () => { throw new TypeError(\'boom in user code\'); };\n');
    const r = catalyst(['validate', '--app', app]);
    expect(r.code).toBe(3);
    expect(r.stderr).toContain('error in your program:');
    expect(r.stderr).toContain('TypeError: boom in user code');
    expect(r.stderr).toContain('throws.js');
  });

  test('usage errors exit 2', () => {
    expect(catalyst(['frobnicate']).code).toBe(2);
    expect(catalyst(['synth', '--bogus', 'x']).stderr).toContain("unknown option --bogus for 'synth'");
    expect(catalyst(['graph', '--format', 'png']).code).toBe(2);
    expect(catalyst(['synth', '--app', '/nonexistent/app.ts']).stderr).toContain('no such file');
  });

  test('graph prints Mermaid by default and DOT on request, and draws SVG offline', () => {
    const m = catalyst(['graph']);
    expect(m.code).toBe(0);
    expect(m.stdout).toMatch(/^flowchart LR\n/);
    expect(m.stdout).toContain('cilium --> cert_manager');
    const svg = path.join(tempDir(), 'g.svg');
    const d = catalyst(['graph', '--format', 'dot', '--svg', svg]);
    expect(d.code).toBe(0);
    expect(d.stdout).toContain('"bp-cilium" -> "bp-cert-manager";');
    const picture = fs.readFileSync(svg, 'utf8');
    expect(picture).toContain('<svg');
    expect(picture).toContain('<title>bp&#45;cert&#45;manager</title>');
  });

  test('catalog lists the kit as a table and as JSON', () => {
    const t = catalyst(['catalog']);
    expect(t.code).toBe(0);
    expect(t.stdout.split('\n')[0]).toMatch(/^BLUEPRINT +VERSION +VISIBILITY +UPSTREAM +DEPENDS$/);
    expect(t.stdout).toMatch(/bp-cilium +1\.1\.1 +unlisted +cilium@1\.16\.5/);
    const j = JSON.parse(catalyst(['catalog', '--json']).stdout);
    expect(j.find((e: { name: string }) => e.name === 'bp-cert-manager')).toMatchObject({ version: '1.1.1', depends: ['bp-cilium ^1'], inKit: true });
  });
});

describe('atomic output', () => {
  test('a crash midway leaves the previous output untouched and no temp dirs behind', () => {
    const parent = tempDir();
    const out = path.join(parent, 'out');
    writeAtomically(out, new Map([['a.txt', 'old a'], ['sub/b.txt', 'old b']]));
    const before = readTree(out);
    let n = 0;
    expect(() =>
      writeAtomically(out, new Map([['a.txt', 'new a'], ['sub/b.txt', 'new b'], ['c.txt', 'c']]), {
        afterFile: () => {
          if (++n === 2) throw new Error('disk full (simulated)');
        },
      }),
    ).toThrow('disk full (simulated)');
    expect(readTree(out)).toEqual(before);
    expect(fs.readdirSync(parent)).toEqual(['out']);
  });

  test('a successful write replaces the whole directory (stale files go)', () => {
    const out = path.join(tempDir(), 'out');
    writeAtomically(out, new Map([['stale.txt', 'x']]));
    writeAtomically(out, new Map([['fresh.txt', 'y']]));
    expect(readTree(out)).toEqual({ 'fresh.txt': 'y', '.catalyst-owned.json': expect.stringContaining('fresh.txt') });
  });
});

describe('output into a directory with foreign files (a Flux repo checkout)', () => {
  test('only owned paths are touched: stale owned files go, foreign files stay', () => {
    const out = path.join(tempDir(), 'repo');
    fs.mkdirSync(path.join(out, 'flux'), { recursive: true });
    fs.writeFileSync(path.join(out, 'README.md'), 'mine');
    fs.writeFileSync(path.join(out, 'flux', 'notes.txt'), 'also mine');
    writeAtomically(out, new Map([['flux/a.yaml', 'a1'], ['flux/old/b.yaml', 'b1']]));
    expect(readTree(out)).toMatchObject({ 'README.md': 'mine', 'flux/notes.txt': 'also mine', 'flux/a.yaml': 'a1', 'flux/old/b.yaml': 'b1' });
    writeAtomically(out, new Map([['flux/a.yaml', 'a2'], ['flux/c.yaml', 'c2']]));
    const after = readTree(out);
    expect(after['README.md']).toBe('mine');
    expect(after['flux/notes.txt']).toBe('also mine');
    expect(after['flux/a.yaml']).toBe('a2');
    expect(after['flux/c.yaml']).toBe('c2');
    expect(after['flux/old/b.yaml']).toBeUndefined();
    expect(fs.existsSync(path.join(out, 'flux/old'))).toBe(false);
    expect(JSON.parse(after['.catalyst-owned.json']).files).toEqual(['flux/a.yaml', 'flux/c.yaml']);
  });

  test('a crash while writing leaves a checkout with foreign files untouched', () => {
    const out = path.join(tempDir(), 'repo');
    fs.mkdirSync(out, { recursive: true });
    fs.writeFileSync(path.join(out, 'README.md'), 'mine');
    writeAtomically(out, new Map([['a.yaml', 'a1']]));
    const before = readTree(out);
    expect(() => writeAtomically(out, new Map([['a.yaml', 'a2'], ['b.yaml', 'b2']]), { afterFile: () => { throw new Error('crash'); } })).toThrow('crash');
    expect(readTree(out)).toEqual(before);
  });

  test('paths escaping the output directory are refused', () => {
    expect(() => writeAtomically(path.join(tempDir(), 'o'), new Map([['../evil', 'x']]))).toThrow('must be relative and inside the output directory');
  });
});

describe('load cache of the catalyst command and the library', () => {
  const CACHE_MODULE = path.join(ROOT, 'lib', 'src', 'compile-cache.js');

  /** A package in node_modules that reports what its module scope sees, and fails on request. */
  function fixture(): string {
    const work = tempDir('catalyst-cc-');
    const pkg = path.join(work, 'node_modules', 'probe');
    fs.mkdirSync(pkg, { recursive: true });
    fs.writeFileSync(path.join(pkg, 'child.js'), 'module.exports = 1;\n');
    const dep = path.join(work, 'node_modules', 'dep');
    fs.mkdirSync(dep, { recursive: true });
    fs.writeFileSync(path.join(dep, 'package.json'), '{"name":"dep","main":"a.js"}\n');
    fs.writeFileSync(path.join(dep, 'a.js'), "module.exports = 'outer a';\n");
    fs.writeFileSync(path.join(dep, 'b.js'), "module.exports = 'outer b';\n");
    fs.writeFileSync(path.join(pkg, 'index.js'), [
      "if (process.env.PROBE_THROW) { throw new Error('at load'); }",
      "const path = require('path');",
      'require(\'./child\');',
      'exports.report = function report() {',
      "  const dep = require('dep');",
      '  let missing;',
      "  try { require('./nope'); } catch (e) { missing = `${e.code} ${e.requireStack.map((p) => path.basename(p)).join(',')}`; }",
      '  let badResolve;',
      '  try { require.resolve(42); } catch (e) { badResolve = `${e.name} ${e.code}`; }',
      '  return {',
      '    main: require.main === process.mainModule, cache: require.cache === require(\'module\')._cache,',
      "    resolved: path.basename(require.resolve('./child')), lookup: require.resolve.paths('x').length,",
      '    thisIsExports: this === exports, file: __filename, dir: __dirname, children: module.children.map((c) => path.basename(c.filename)),',
      "    stack: new Error('here').stack.split('\\n')[1], message: [new Error('here')][0].message, source: report.toString().length, missing, badResolve, dep,",
      '  };',
      '};',
      '',
    ].join('\n'));
    return work;
  }

  /** Loads the fixture in a fresh node, with the cache in `cacheDir` (or none), and returns what it saw. */
  function probe(work: string, cacheDir: string | undefined, env: NodeJS.ProcessEnv = {}) {
    const script = `
      const cc = require(${JSON.stringify(CACHE_MODULE)});
      const dir = process.env.PROBE_CACHE;
      if (dir) cc.installCompileCache({ dir, roots: [process.cwd()] });
      let report, loadError;
      try { report = require('probe').report(); } catch (e) { loadError = e.stack.split('\\n').slice(0, 2).join('\\n'); }
      console.log(JSON.stringify({ report, loadError, stats: cc.compileCacheStats() ?? null }));`;
    const r = spawnSync(process.execPath, ['-e', script], { cwd: work, encoding: 'utf8', env: { ...process.env, PROBE_CACHE: cacheDir ?? '', ...env } });
    expect(r.stderr).toBe('');
    type Stats = { hits: number; misses: number; rejected: number; resolved: number; valid: boolean };
    return JSON.parse(r.stdout) as { report: { dep: string; stack: string } & Record<string, unknown>; loadError?: string; stats: Stats | null };
  }

  test('modules behave the same compiled from source, into the cache and from it; a damaged cache is rebuilt', () => {
    const work = fixture();
    const cache = path.join(tempDir(), 'a', 'b');
    const native = probe(work, undefined);
    expect(native.stats).toBeNull();
    const first = probe(work, cache);
    expect(first.stats).toMatchObject({ hits: 0, misses: 3, valid: false });
    const second = probe(work, cache);
    // probe and child, and dep (which the first run compiled on report()); resolutions from the cache
    expect(second.stats).toMatchObject({ hits: 3, misses: 0, rejected: 0, valid: true });
    expect(second.stats!.resolved).toBeGreaterThanOrEqual(2);
    expect(first.report).toEqual(native.report);
    expect(second.report).toEqual(native.report);

    const [file] = fs.readdirSync(cache).map((f) => path.join(cache, f));
    const bytes = fs.readFileSync(file);
    const middle = Math.floor(bytes.length / 2);
    bytes[middle] = 255 - bytes[middle];
    fs.writeFileSync(file, bytes);
    expect(probe(work, cache)).toMatchObject({ report: native.report, stats: { hits: 0, misses: 3, valid: false } });
    fs.writeFileSync(file, bytes.subarray(0, 100));
    expect(probe(work, cache)).toMatchObject({ report: native.report, stats: { hits: 0, misses: 3, valid: false } });
    expect(probe(work, cache).stats).toMatchObject({ hits: 3, misses: 0, valid: true });

    // An error at load time reads the same (file, line and column).
    const thrown = { PROBE_THROW: '1' };
    expect(probe(work, cache, thrown).loadError).toBe(probe(work, undefined, thrown).loadError);
    expect(probe(work, cache, thrown).loadError).toMatch(/^Error: at load\n +at Object\.<anonymous> \(.*index\.js:1:38\)$/);
  });

  test('a changed module is compiled afresh, and an unusable cache directory only means no cache', () => {
    const work = fixture();
    const cache = tempDir();
    // Files of other Node options: one no run has written for two months goes when the cache is written.
    const stale = path.join(cache, '0123456789abcdef.bin');
    const recent = path.join(cache, 'fedcba9876543210.bin');
    fs.writeFileSync(stale, '');
    fs.writeFileSync(recent, '');
    const twoMonthsAgo = new Date(Date.now() - 60 * 24 * 3600 * 1000);
    fs.utimesSync(stale, twoMonthsAgo, twoMonthsAgo);
    probe(work, cache);
    expect(fs.existsSync(stale)).toBe(false);
    expect(fs.existsSync(recent)).toBe(true);
    const index = path.join(work, 'node_modules', 'probe', 'index.js');
    fs.writeFileSync(index, fs.readFileSync(index, 'utf8').replace(/'here'/g, "'HERE'"));
    const changed = probe(work, cache);
    // Any change to a file the cache holds means loading as Node does, once.
    expect(changed.stats).toMatchObject({ hits: 0, misses: 3, valid: false });
    expect(changed.report).toEqual(probe(work, undefined).report);
    expect(changed.report.message).toBe('HERE');
    expect(probe(work, cache).stats).toMatchObject({ hits: 3, valid: true });
    const notADir = path.join(cache, 'file');
    fs.writeFileSync(notADir, '');
    expect(probe(work, path.join(notADir, 'sub'))).toMatchObject({ report: changed.report, stats: null });
  });

  test('what Node would resolve or read differently is never taken from the cache', () => {
    const work = fixture();
    const cache = tempDir();
    const dep = path.join(work, 'node_modules', 'dep');
    const warm = () => {
      probe(work, cache);
      expect(probe(work, cache).stats).toMatchObject({ valid: true, misses: 0 });
    };
    warm();
    // Same length, same mtime: only the ctime tells.
    const a = path.join(dep, 'a.js');
    const before = fs.statSync(a);
    fs.writeFileSync(a, "module.exports = 'OUTER A';\n");
    fs.utimesSync(a, before.atime, before.mtime);
    expect(probe(work, cache)).toMatchObject({ report: { dep: 'OUTER A' }, stats: { valid: false } });
    warm();
    // The package's main moves.
    fs.writeFileSync(path.join(dep, 'package.json'), '{"name":"dep","main":"b.js"}\n');
    expect(probe(work, cache)).toMatchObject({ report: { dep: 'outer b' }, stats: { valid: false } });
    warm();
    // A nearer node_modules now holds the package.
    const near = path.join(work, 'node_modules', 'probe', 'node_modules', 'dep');
    fs.mkdirSync(near, { recursive: true });
    fs.writeFileSync(path.join(near, 'index.js'), "module.exports = 'inner';\n");
    expect(probe(work, cache)).toMatchObject({ report: { dep: 'inner' }, stats: { valid: false } });
    warm();
    // A file that now shadows the resolved one (./child before ./child.js).
    fs.writeFileSync(path.join(work, 'node_modules', 'probe', 'child'), 'module.exports = 2;\n');
    expect(probe(work, cache).stats).toMatchObject({ valid: false });
    expect(probe(work, cache).report).toEqual(probe(work, undefined).report);
  });

  test("a program's own dependencies (required from outside the library) are left to Node", () => {
    const work = fixture();
    const cache = tempDir();
    const r = spawnSync(process.execPath, ['-e', `
      const cc = require(${JSON.stringify(CACHE_MODULE)});
      cc.installCompileCache({ dir: process.env.PROBE_CACHE });
      require('probe').report();
      console.log(JSON.stringify(cc.compileCacheStats()));`], { cwd: work, encoding: 'utf8', env: { ...process.env, PROBE_CACHE: cache } });
    expect(r.stderr).toBe('');
    expect(JSON.parse(r.stdout)).toMatchObject({ hits: 0, misses: 0, resolved: 0 });
    expect(fs.readdirSync(cache)).toEqual([]);
  });

  test('a loader hook installed later (ts-node, pirates) sees every module it would see without the cache', () => {
    const work = fixture();
    const cache = tempDir();
    probe(work, cache);
    const hook = `
      const Module = require('module');
      const load = Module._extensions['.js'];
      Module._extensions['.js'] = function (mod, filename) {
        const compile = mod._compile;
        mod._compile = function (code, file) { mod._compile = compile; return compile.call(this, code.replace(/'here'/g, "'hooked'"), file); };
        return load(mod, filename);
      };`;
    const r = spawnSync(process.execPath, ['-e', `
      const cc = require(${JSON.stringify(CACHE_MODULE)});
      cc.installCompileCache({ dir: process.env.PROBE_CACHE, roots: [process.cwd()] });
      ${hook}
      const report = require('probe').report();
      console.log(JSON.stringify({ stack: report.stack, message: report.message, stats: cc.compileCacheStats() }));`], { cwd: work, encoding: 'utf8', env: { ...process.env, PROBE_CACHE: cache } });
    expect(r.stderr).toBe('');
    const seen = JSON.parse(r.stdout) as { stack: string; message: string; stats: { hits: number; valid: boolean } };
    expect(seen.message).toBe('hooked');
    expect(seen.stats.valid).toBe(true);
    expect(seen.stats.hits).toBe(0);
    expect(seen.stack).toMatch(/index\.js:\d+:\d+/);
  });

  test('importing the library loads it through the cache (not under jest, whose loader is its own)', () => {
    const cache = tempDir();
    const load = () => {
      const r = spawnSync(process.execPath, ['-e', `
        const lib = require(${JSON.stringify(path.join(ROOT, 'lib', 'src', 'index.js'))});
        if (typeof lib.Sovereign !== 'function') throw new Error('no Sovereign');
        console.log(JSON.stringify(require(${JSON.stringify(CACHE_MODULE)}).compileCacheStats()));`], { encoding: 'utf8', env: { ...process.env, CATALYST_COMPILE_CACHE: cache } });
      expect(r.stderr).toBe('');
      return JSON.parse(r.stdout) as { hits: number; misses: number; resolved: number; valid: boolean };
    };
    const first = load();
    expect(first).toMatchObject({ valid: false, hits: 0 });
    expect(first.misses).toBeGreaterThan(100);
    const second = load();
    expect(second).toMatchObject({ valid: true, hits: first.misses, misses: 0 });
    expect(second.resolved).toBeGreaterThan(first.misses);
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    require('../../src/index');
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    expect((require('../../src/compile-cache') as typeof import('../../src/compile-cache')).compileCacheStats()).toBeUndefined();
  });

  test('synth writes the same files without the cache, filling it, and from it', () => {
    const cache = tempDir();
    const run = (setting: string) => {
      const out = path.join(tempDir(), 'out');
      const r = spawnSync(process.execPath, [CLI, 'synth', '--out', out], { cwd: ROOT, encoding: 'utf8', env: { ...process.env, CATALYST_COMPILE_CACHE: setting } });
      expect(r.stderr).toBe('');
      expect(r.status).toBe(0);
      return readTree(out);
    };
    const plain = run('off');
    expect(run(cache)).toEqual(plain);
    expect(fs.readdirSync(cache)).toEqual([expect.stringMatching(/^[0-9a-f]{16}\.bin$/)]);
    expect(run(cache)).toEqual(plain);
  });

  test('a synth that turns TurboFan on midway (src/tiering.ts) leaves a cache the next small synth accepts', () => {
    const cache = tempDir();
    const work = tempDir();
    const large = path.join(work, 'large.js');
    // 50 Organizations: past WRITER_THREAD_FILES, where the CLI turns TurboFan on.
    fs.writeFileSync(large, `module.exports = () => require(${JSON.stringify(path.join(ROOT, 'lib', 'examples', 'large.js'))}).largeSovereign(50);\n`);
    const run = (args: string[]) => {
      const stats = path.join(work, 'stats.json');
      const r = spawnSync(process.execPath, [CLI, 'synth', '--out', path.join(work, 'out'), ...args], { cwd: ROOT, encoding: 'utf8', env: { ...process.env, CATALYST_COMPILE_CACHE: cache, CATALYST_STATS: stats } });
      expect(r.stderr).toBe('');
      expect(r.status).toBe(0);
      return JSON.parse(fs.readFileSync(stats, 'utf8')) as { files: number; loadCache: { hits: number; misses: number; rejected: number } };
    };
    const first = run(['--app', large]);
    expect(first.files).toBeGreaterThan(1000);
    expect(first.loadCache.misses).toBeGreaterThan(0);
    // Written at exit under the flags the run started with: V8 accepts it (it rejects data made
    // under other flags). The example also loads Phase 0's modules, which the first run did not.
    const next = run([]);
    expect(next.loadCache.rejected).toBe(0);
    expect(next.loadCache.hits).toBeGreaterThan(300);
  });
});
