import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import { writeAtomically } from '../../src/output';
import { ROOT, tempDir } from '../support/tools';

const CLI = path.join(ROOT, 'lib', 'src', 'cli.js');

function catalyst(args: string[], cwd = ROOT) {
  const r = spawnSync(process.execPath, [CLI, ...args], { cwd, encoding: 'utf8' });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

/** Snapshot of a directory tree: path → content. */
function tree(dir: string): Record<string, string> {
  const out: Record<string, string> = {};
  const walk = (d: string) => {
    for (const e of fs.readdirSync(d, { withFileTypes: true })) {
      const p = path.join(d, e.name);
      if (e.isDirectory()) walk(p);
      else out[path.relative(dir, p)] = fs.readFileSync(p, 'utf8');
    }
  };
  walk(dir);
  return out;
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
    expect(tree(a)).toEqual(tree(b));
  });

  test('a user program (JS) is loaded with --app; bad input exits 1 with one line per problem and leaves old output intact', () => {
    const dir = tempDir();
    const out = path.join(dir, 'out');
    const good = writeApp(dir, 'good.js', `${appHeader}module.exports = () => new Sovereign({ fqdn: 'cli.sovereign.test', org: { name: 'A', email: 'a@b.test' } });\n`);
    expect(catalyst(['synth', '--app', good, '--out', out]).code).toBe(0);
    const before = tree(out);
    const bad = writeApp(dir, 'bad.js', `${appHeader}module.exports = () => new Sovereign({ fqdn: 'BAD', org: { name: 'A', email: 'nope' } });\n`);
    const r = catalyst(['synth', '--app', bad, '--out', out]);
    expect(r.code).toBe(1);
    expect(r.stderr.trim().split('\n')).toEqual([
      expect.stringMatching(/^error: sovereign\.fqdn: must be a lowercase fully-qualified domain name/),
      'error: sovereign.org.email: must be an e-mail address such as ops@example.com (got "nope")',
    ]);
    expect(tree(out)).toEqual(before);
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
    const before = tree(out);
    let n = 0;
    expect(() =>
      writeAtomically(out, new Map([['a.txt', 'new a'], ['sub/b.txt', 'new b'], ['c.txt', 'c']]), {
        afterFile: () => {
          if (++n === 2) throw new Error('disk full (simulated)');
        },
      }),
    ).toThrow('disk full (simulated)');
    expect(tree(out)).toEqual(before);
    expect(fs.readdirSync(parent)).toEqual(['out']);
  });

  test('a successful write replaces the whole directory (stale files go)', () => {
    const out = path.join(tempDir(), 'out');
    writeAtomically(out, new Map([['stale.txt', 'x']]));
    writeAtomically(out, new Map([['fresh.txt', 'y']]));
    expect(tree(out)).toEqual({ 'fresh.txt': 'y', '.catalyst-owned.json': expect.stringContaining('fresh.txt') });
  });
});

describe('output into a directory with foreign files (a Flux repo checkout)', () => {
  test('only owned paths are touched: stale owned files go, foreign files stay', () => {
    const out = path.join(tempDir(), 'repo');
    fs.mkdirSync(path.join(out, 'flux'), { recursive: true });
    fs.writeFileSync(path.join(out, 'README.md'), 'mine');
    fs.writeFileSync(path.join(out, 'flux', 'notes.txt'), 'also mine');
    writeAtomically(out, new Map([['flux/a.yaml', 'a1'], ['flux/old/b.yaml', 'b1']]));
    expect(tree(out)).toMatchObject({ 'README.md': 'mine', 'flux/notes.txt': 'also mine', 'flux/a.yaml': 'a1', 'flux/old/b.yaml': 'b1' });
    writeAtomically(out, new Map([['flux/a.yaml', 'a2'], ['flux/c.yaml', 'c2']]));
    const after = tree(out);
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
    const before = tree(out);
    expect(() => writeAtomically(out, new Map([['a.yaml', 'a2'], ['b.yaml', 'b2']]), { afterFile: () => { throw new Error('crash'); } })).toThrow('crash');
    expect(tree(out)).toEqual(before);
  });

  test('paths escaping the output directory are refused', () => {
    expect(() => writeAtomically(path.join(tempDir(), 'o'), new Map([['../evil', 'x']]))).toThrow('must be relative and inside the output directory');
  });
});
