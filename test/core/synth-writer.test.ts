/**
 * `catalyst synth` renders and writes on a writer thread (src/synth-writer.ts). It must write
 * what the in-memory path (`synthesize()` + `writeAtomically()`, CATALYST_WRITER_THREAD=off)
 * writes, and fail the same way: same exit code, same messages in the same order, previous
 * output untouched. Runs the compiled CLI: the thread's script is lib/src/synth-worker.js.
 */
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import { readTree, ROOT, tempDir } from '../support/tools';

const CLI = path.join(ROOT, 'lib', 'src', 'cli.js');

/** thread: from the first file; inline: never; a number: hand over to the thread after that many files. */
type Mode = 'thread' | 'inline' | number;

function synth(mode: Mode, args: string[]) {
  const env = { ...process.env, CATALYST_WRITER_THREAD: mode === 'thread' ? 'on' : mode === 'inline' ? 'off' : String(mode) };
  const r = spawnSync(process.execPath, [CLI, 'synth', ...args], { cwd: ROOT, encoding: 'utf8', env });
  // Only the time differs between two runs.
  return { code: r.status, stdout: r.stdout.replace(/^synthesized into .*?: /, 'synthesized: ').replace(/ in \d+ ms/, ' in N ms'), stderr: r.stderr };
}

/** Every file below `dir` (path → content), or undefined if there is no such directory. */
const tree = (dir: string): Record<string, string> | undefined => (fs.existsSync(dir) ? readTree(dir) : undefined);

const req = (m: string) => JSON.stringify(require.resolve(m, { paths: [ROOT] }));

/**
 * A program with manifest-only Blueprints: `body` is JavaScript that fills `blueprints`, an
 * object of name → overlay function (scope) => void; `ApiObject` is in scope.
 */
function program(dir: string, name: string, body: string): string {
  const file = path.join(dir, name);
  fs.writeFileSync(file, `const { Sovereign, use, Blueprint, blueprintSpec, strictObject } = require(${JSON.stringify(path.join(ROOT, 'lib', 'src', 'index.js'))});
const { ApiObject } = require(${req('cdk8s')});
const cm = (scope, id, data) => new ApiObject(scope, id, { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: id }, data });
const blueprints = {};
${body}
module.exports = () => new Sovereign({
  fqdn: 'writer.sovereign.test',
  org: { name: 'Writer', email: 'ops@writer.test' },
  includeKit: false,
  blueprints: Object.entries(blueprints).map(([name, add]) => {
    class Manifests extends Blueprint {
      overlays(scope) { add(scope); }
    }
    Manifests.spec = blueprintSpec({ name, version: '1.0.0', section: 'pts-test', card: { title: name, summary: name }, upstream: [], namespace: name, values: strictObject({}), defaults: {} });
    return use(Manifests);
  }),
});
`);
  return file;
}

/** Beside the output: only a tree on its way out (emptied in the background) and the spare skeleton. */
const settled = (names: string[]) => names.filter((s) => !s.endsWith('.spare') && !/\.tmp-\w+\.old$/.test(s));

/** Runs one synth in two modes into copies of the same previous output; both must agree. */
function both(args: (out: string) => string[], previous?: string, modes: readonly [Mode, Mode] = ['thread', 'inline']) {
  const results = modes.map((mode) => {
    const out = path.join(tempDir('catalyst-writer-'), 'out');
    if (previous) fs.cpSync(previous, out, { recursive: true });
    const before = tree(out);
    const r = synth(mode, args(out));
    return { ...r, tree: tree(out), before, siblings: fs.readdirSync(path.dirname(out)) };
  });
  const [thread, inline] = results;
  // An internal error carries a stack, which differs between the threads: compare its message.
  const message = (r: { code: number | null; stderr: string }) => (r.code === 70 ? r.stderr.split('\n')[0] : r.stderr);
  expect({ code: thread.code, stdout: thread.stdout, stderr: message(thread) }).toEqual({ code: inline.code, stdout: inline.stdout, stderr: message(inline) });
  expect(thread.tree).toEqual(inline.tree);
  expect(settled(thread.siblings)).toEqual(settled(inline.siblings));
  return thread;
}

describe('catalyst synth on a writer thread writes and fails as the in-memory path does', () => {
  let caseNo = 0;
  let previous: string;
  let dir: string;

  beforeAll(() => {
    if (!fs.existsSync(CLI)) throw new Error(`${CLI} missing: npm test compiles first (projen test task)`);
    dir = tempDir('catalyst-writer-apps-');
    previous = path.join(dir, 'previous');
    const app = program(dir, 'previous.js', "blueprints.old = (s) => cm(s, 'old', { a: 'b' });");
    expect(synth('inline', ['--app', app, '--out', previous]).code).toBe(0);
  });

  test('the example Sovereign (with Phase 0) and a Sovereign with tenants: the same files', () => {
    const r = both((out) => ['--out', out], previous);
    expect(r.code).toBe(0);
    expect(Object.keys(r.tree!).length).toBeGreaterThan(300);
    const tenants = path.join(dir, 'tenants.js');
    fs.writeFileSync(tenants, `module.exports = () => require(${JSON.stringify(path.join(ROOT, 'lib', 'examples', 'large.js'))}).largeSovereign(2);\n`);
    const t = both((out) => ['--app', tenants, '--out', out]);
    expect(t.code).toBe(0);
    expect(Object.keys(t.tree!).some((f) => f.includes('/tenants/'))).toBe(true);
  });

  test('handing over to the thread midway, in the Flux tree or after it: the same files and errors', () => {
    // The example writes 314 files, the first 69 in the Flux tree.
    expect(both((out) => ['--out', out], previous, [20, 'inline']).code).toBe(0);
    expect(both((out) => ['--out', out], previous, [100, 'inline']).code).toBe(0);
    const app = program(dir, 'late-token.js', "blueprints.late = (s) => cm(s, 'cfg', { k: 'AKIA' + 'ABCDEFGHIJKLMNOP' });");
    const r = both((out) => ['--app', app, '--out', out], previous, [3, 'inline']);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/looks like a AWS access key id/);
  });

  test.each([
    ['a ${VAR} Flux will not substitute', "blueprints.templated = (s) => cm(s, 'cfg', { url: 'https://${CLUSTER_DOMAIN}/x' });", /contains the substitution \$\{CLUSTER_DOMAIN\}/],
    ['a private key in a ConfigMap', "blueprints.leaks = (s) => cm(s, 'cfg', { key: '-----BEGIN ' + 'RSA PRIVATE KEY-----' });", /looks like a PEM private key/],
    [
      'a problem of the model and a bad substitution: the model first',
      "blueprints.subst = (s) => cm(s, 'cfg', { u: '${X}' }); blueprints.widget = (s) => new ApiObject(s, 'w', { apiVersion: 'widgets.example.com/v1', kind: 'Widget', metadata: { name: 'w' } });",
      /^error: sovereign\.blueprints\[1\]: Widget w needs widgets\.example\.com\/v1, and no Blueprint in this Sovereign installs that API/,
    ],
    ['two bad substitutions: the first file is named', "blueprints.first = (s) => cm(s, 'c1', { u: '${ONE}' }); blueprints.second = (s) => cm(s, 'c2', { u: '${TWO}' });", /\$\{ONE\}/],
    ['a token in a later file and a bad substitution: the substitution', "blueprints.xx = (s) => cm(s, 'c1', { k: '-----BEGIN ' + 'EC PRIVATE KEY-----' }); blueprints.yy = (s) => cm(s, 'c2', { u: '${Y}' });", /\$\{Y\}/],
  ])('%s', (_name, body, message) => {
    const app = program(dir, `case-${caseNo++}.js`, body);
    const r = both((out) => ['--app', app, '--out', out], previous);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(message);
    expect(r.tree).toEqual(r.before);
    // No temporary directory of the aborted write is left.
    expect(settled(r.siblings)).toEqual(['out']);
  });

  test('a value YAML cannot hold in a later file and a bad substitution: the value (files are rendered as they come)', () => {
    const app = program(dir, 'bigint.js', "blueprints.subst = (s) => cm(s, 'c1', { u: '${S}' }); blueprints.value = (s) => cm(s, 'c2', { n: 10n });");
    for (const modes of [['thread', 'inline'], [1, 'inline'], [3, 'inline']] as const) {
      const r = both((out) => ['--app', app, '--out', out], previous, modes);
      // The program's mistake, named by its Blueprint and field (not an internal error).
      expect(r.code).toBe(1);
      expect(r.stderr).toMatch(/^error: sovereign\.blueprints\[1\]: flux\/clusters\/writer\.sovereign\.test\/bootstrap-kit\/value\.yaml: ConfigMap value\/c2 at data\.n is a bigint, which YAML cannot hold/);
      expect(r.tree).toEqual(r.before);
    }
  });

  test('a value the thread cannot be sent (a symbol): rendered on the main thread, reported as the program\'s, as inline', () => {
    const app = program(dir, 'symbol.js', "blueprints.first = (s) => cm(s, 'c1', { a: 'b' }); blueprints.sym = (s) => cm(s, 'c2', { s: Symbol('x') });");
    for (const modes of [['thread', 'inline'], [1, 'inline']] as const) {
      const r = both((out) => ['--app', app, '--out', out], previous, modes);
      expect(r.code).toBe(1);
      expect(r.stderr).toMatch(/^error: sovereign\.blueprints\[1\]: \S+\/bootstrap-kit\/sym\.yaml: ConfigMap sym\/c2 at data\.s is a symbol, which YAML cannot hold/);
      expect(r.tree).toEqual(r.before);
    }
  });

  test("a Blueprint of the program that throws after the thread took over: the user's error, nothing written", () => {
    const file = path.join(dir, 'throws-in-tenant.js');
    fs.writeFileSync(file, `const { Sovereign, use, Blueprint, blueprintSpec, strictObject, app } = require(${JSON.stringify(path.join(ROOT, 'lib', 'src', 'index.js'))});
const make = (name, overlays) => { class B extends Blueprint { overlays(scope) { overlays(scope); } } B.spec = blueprintSpec({ name, version: '1.0.0', section: 'pts-test', card: { title: name, summary: name }, upstream: [], namespace: name, values: strictObject({}), defaults: {} }); return B; };
const Fine = make('fine', () => undefined);
const Boom = make('boom', () => { throw new TypeError('boom in a tenant overlay'); });
module.exports = () => new Sovereign({ fqdn: 'writer.sovereign.test', org: { name: 'Writer', email: 'ops@writer.test' }, includeKit: false, blueprints: [use(Fine)],
  organizations: [{ name: 'acme', environments: [{ type: 'dev', applications: [app('fine', Fine), app('boom', Boom)] }] }] });
`);
    // The thread takes over at the second file, before the tenants are built.
    const results = ([2, 'inline'] as const).map((mode) => {
      const out = path.join(tempDir('catalyst-writer-'), 'out');
      fs.cpSync(previous, out, { recursive: true });
      const r = synth(mode, ['--app', file, '--out', out]);
      return { ...r, tree: tree(out), siblings: settled(fs.readdirSync(path.dirname(out))) };
    });
    for (const r of results) {
      expect(r.code).toBe(3);
      expect(r.stderr.split('\n').slice(0, 3)).toEqual([
        `error in your program: ${file}: a Blueprint of your program threw while synthesizing:`,
        'TypeError: boom in a tenant overlay',
        expect.stringContaining(file),
      ]);
      expect(r.tree).toEqual(tree(previous));
      expect(r.siblings).toEqual(['out']);
    }
  });

  test('a failed synth keeps the spare skeleton of directories for the next one', async () => {
    const out = path.join(tempDir('catalyst-writer-'), 'out');
    const spare = path.join(path.dirname(out), '.out.spare');
    const good = program(dir, 'good.js', "blueprints.good = (s) => cm(s, 'cfg', { a: 'b' });");
    const settle = async () => {
      for (let i = 0; i < 100 && !(fs.existsSync(spare) && settled(fs.readdirSync(path.dirname(out))).length === fs.readdirSync(path.dirname(out)).length - 1); i++) {
        await new Promise((r) => setTimeout(r, 50));
      }
    };
    expect(synth('thread', ['--app', good, '--out', out]).code).toBe(0);
    expect(synth('thread', ['--app', good, '--out', out]).code).toBe(0);
    await settle();
    expect(fs.existsSync(spare)).toBe(true);
    const bad = program(dir, 'bad.js', "blueprints.good = (s) => cm(s, 'cfg', { a: '${NOPE}' });");
    expect(synth('thread', ['--app', bad, '--out', out]).code).toBe(1);
    await settle();
    expect(fs.readdirSync(path.dirname(out)).sort()).toEqual(['.out.spare', 'out']);
    expect(tree(spare)).toEqual({});
    expect(fs.readdirSync(spare).length).toBeGreaterThan(0);
  });

  test('an output directory that cannot be made: the same error, after the same checks', () => {
    const file = path.join(tempDir('catalyst-writer-'), 'a-file');
    fs.writeFileSync(file, 'x');
    const app = program(dir, 'fine.js', "blueprints.fine = (s) => cm(s, 'cfg', { a: 'b' });");
    const results = (['thread', 'inline'] as const).map((mode) => synth(mode, ['--app', app, '--out', path.join(file, 'out')]));
    expect(results[0].code).not.toBe(0);
    expect(results[0].code).toBe(results[1].code);
    // The message names the path; the stack differs (thread vs main).
    expect(results[0].stderr.split('\n')[0]).toBe(results[1].stderr.split('\n')[0]);
  });
});
