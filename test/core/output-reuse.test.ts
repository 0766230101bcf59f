/**
 * writeAtomically reuses unchanged files of the current output by hard link (no new inode, no
 * data written). Reuse must never be observable as anything but speed: the current output stays
 * byte-identical until the commit, whatever fails, and the new output never shares an inode with
 * a file outside it.
 */
import { execFileSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import { OWNED_MANIFEST, writeAtomically } from '../../src/output';
import { readTree, tempDir } from '../support/tools';

/** Every directory below `dir`, relative. */
function dirs(dir: string): string[] {
  const out: string[] = [];
  const walk = (d: string): void => {
    for (const e of fs.readdirSync(d, { withFileTypes: true })) {
      if (!e.isDirectory()) continue;
      out.push(path.relative(dir, path.join(d, e.name)));
      walk(path.join(d, e.name));
    }
  };
  walk(dir);
  return out.sort();
}

const ino = (file: string): number => fs.statSync(file).ino;
const nlink = (file: string): number => fs.statSync(file).nlink;
const files = (entries: Record<string, string>): Map<string, string> => new Map(Object.entries(entries));

/** The background delete of the replaced tree drops the second link; wait for it. */
async function settled(file: string): Promise<void> {
  for (let i = 0; i < 200 && nlink(file) > 1; i++) await new Promise((r) => setTimeout(r, 25));
}

describe('writeAtomically reuses unchanged files', () => {
  test('unchanged files keep their inode, changed and new ones get a new one', async () => {
    const out = path.join(tempDir('catalyst-output-'), 'out');
    writeAtomically(out, files({ 'same.yaml': 'a: 1\n', 'changed.yaml': 'b: 1\n', 'deep/x/same.txt': 'ünïcode ✓\n' }));
    const before = { same: ino(path.join(out, 'same.yaml')), changed: ino(path.join(out, 'changed.yaml')), deep: ino(path.join(out, 'deep/x/same.txt')) };
    await settled(path.join(out, 'same.yaml'));
    writeAtomically(out, files({ 'same.yaml': 'a: 1\n', 'changed.yaml': 'b: 2\n', 'deep/x/same.txt': 'ünïcode ✓\n', 'new.yaml': 'c: 1\n' }));
    expect(readTree(out)).toEqual({
      'same.yaml': 'a: 1\n',
      'changed.yaml': 'b: 2\n',
      'deep/x/same.txt': 'ünïcode ✓\n',
      'new.yaml': 'c: 1\n',
      [OWNED_MANIFEST]: expect.stringContaining('new.yaml'),
    });
    expect(ino(path.join(out, 'same.yaml'))).toBe(before.same);
    expect(ino(path.join(out, 'deep/x/same.txt'))).toBe(before.deep);
    expect(ino(path.join(out, 'changed.yaml'))).not.toBe(before.changed);
  });

  test('same size, different bytes (ASCII and not) is written, not reused', async () => {
    const out = path.join(tempDir('catalyst-output-'), 'out');
    writeAtomically(out, files({ 'a.txt': 'abc', 'u.txt': 'ü-x' }));
    await settled(path.join(out, 'a.txt'));
    const before = [ino(path.join(out, 'a.txt')), ino(path.join(out, 'u.txt'))];
    writeAtomically(out, files({ 'a.txt': 'abd', 'u.txt': 'ü-y' }));
    expect(readTree(out)).toMatchObject({ 'a.txt': 'abd', 'u.txt': 'ü-y' });
    expect([ino(path.join(out, 'a.txt')), ino(path.join(out, 'u.txt'))]).not.toContain(before[0]);
    expect([ino(path.join(out, 'a.txt')), ino(path.join(out, 'u.txt'))]).not.toContain(before[1]);
  });

  test('a crash after some files were reused leaves the current output byte-identical and no temp dirs', async () => {
    const parent = tempDir('catalyst-output-');
    const out = path.join(parent, 'out');
    writeAtomically(out, files({ 'a.txt': 'same', 'b.txt': 'old b', 'sub/c.txt': 'same c' }));
    await settled(path.join(out, 'a.txt'));
    const before = readTree(out);
    const inodes = ['a.txt', 'b.txt', 'sub/c.txt'].map((f) => ino(path.join(out, f)));
    let n = 0;
    expect(() =>
      writeAtomically(out, files({ 'a.txt': 'same', 'sub/c.txt': 'same c', 'b.txt': 'new b' }), {
        afterFile: () => {
          if (++n === 3) throw new Error('disk full (simulated)');
        },
      }),
    ).toThrow('disk full (simulated)');
    expect(readTree(out)).toEqual(before);
    expect(['a.txt', 'b.txt', 'sub/c.txt'].map((f) => ino(path.join(out, f)))).toEqual(inodes);
    expect(['a.txt', 'b.txt', 'sub/c.txt'].map((f) => nlink(path.join(out, f)))).toEqual([1, 1, 1]);
    expect(fs.readdirSync(parent)).toEqual(['out']);
  });

  test('two keys naming one file never write through a reused link into the current output', async () => {
    const parent = tempDir('catalyst-output-');
    const out = path.join(parent, 'out');
    const content = files({ 'a/b.txt': 'x', 'a/./b.txt': 'x' });
    writeAtomically(out, content);
    await settled(path.join(out, 'a/b.txt'));
    const before = readTree(out);
    let n = 0;
    expect(() =>
      writeAtomically(out, files({ 'a/b.txt': 'x', 'a/./b.txt': 'y' }), {
        afterFile: () => {
          if (++n === 2) throw new Error('stop before the commit');
        },
      }),
    ).toThrow('stop before the commit');
    expect(readTree(out)).toEqual(before);
    // Without the failure the later key wins, as it always did.
    writeAtomically(out, files({ 'a/b.txt': 'x', 'a/./b.txt': 'y' }));
    expect(fs.readFileSync(path.join(out, 'a/b.txt'), 'utf8')).toBe('y');
  });

  test('a file with another link (outside the output) is copied, not shared', async () => {
    const parent = tempDir('catalyst-output-');
    const out = path.join(parent, 'out');
    writeAtomically(out, files({ 'a.txt': 'same' }));
    await settled(path.join(out, 'a.txt'));
    const outside = path.join(parent, 'elsewhere.txt');
    fs.linkSync(path.join(out, 'a.txt'), outside);
    writeAtomically(out, files({ 'a.txt': 'same' }));
    expect(ino(path.join(out, 'a.txt'))).not.toBe(ino(outside));
    fs.writeFileSync(outside, 'edited elsewhere');
    expect(fs.readFileSync(path.join(out, 'a.txt'), 'utf8')).toBe('same');
  });

  test('a symlink in the output is not followed for reuse', () => {
    const parent = tempDir('catalyst-output-');
    const out = path.join(parent, 'out');
    writeAtomically(out, files({ 'a.txt': 'same' }));
    const real = path.join(parent, 'real.txt');
    fs.writeFileSync(real, 'same');
    fs.rmSync(path.join(out, 'a.txt'));
    fs.symlinkSync(real, path.join(out, 'a.txt'));
    writeAtomically(out, files({ 'a.txt': 'same' }));
    expect(fs.lstatSync(path.join(out, 'a.txt')).isSymbolicLink()).toBe(false);
    expect(ino(path.join(out, 'a.txt'))).not.toBe(ino(real));
    expect(fs.readFileSync(real, 'utf8')).toBe('same');
  });

  test('a FIFO where an owned file was is replaced without blocking on it', () => {
    const out = path.join(tempDir('catalyst-output-'), 'out');
    writeAtomically(out, files({ 'a.txt': 'same' }));
    fs.rmSync(path.join(out, 'a.txt'));
    execFileSync('mkfifo', [path.join(out, 'a.txt')]);
    writeAtomically(out, files({ 'a.txt': 'same' }));
    expect(fs.lstatSync(path.join(out, 'a.txt')).isFile()).toBe(true);
    expect(fs.readFileSync(path.join(out, 'a.txt'), 'utf8')).toBe('same');
  });

  test('with foreign files in the target, reused owned files stay and foreign ones are kept', async () => {
    const out = path.join(tempDir('catalyst-output-'), 'repo');
    fs.mkdirSync(path.join(out, 'flux'), { recursive: true });
    fs.writeFileSync(path.join(out, 'README.md'), 'mine');
    writeAtomically(out, files({ 'flux/a.yaml': 'a1', 'flux/old/b.yaml': 'b1' }));
    const a = ino(path.join(out, 'flux/a.yaml'));
    writeAtomically(out, files({ 'flux/a.yaml': 'a1', 'flux/c.yaml': 'c2' }));
    expect(readTree(out)).toEqual({
      'README.md': 'mine',
      'flux/a.yaml': 'a1',
      'flux/c.yaml': 'c2',
      [OWNED_MANIFEST]: expect.stringContaining('flux/c.yaml'),
    });
    expect(ino(path.join(out, 'flux/a.yaml'))).toBe(a);
    expect(nlink(path.join(out, 'flux/a.yaml'))).toBe(1);
    expect(fs.readdirSync(path.dirname(out))).toEqual(['repo']);
  });
});

describe('writeAtomically creates directories', () => {
  test('every directory of a deep, wide tree once, and only those', () => {
    const out = path.join(tempDir('catalyst-output-'), 'out');
    const entries: Record<string, string> = {};
    for (let i = 0; i < 30; i++) entries[`t${i % 3}/n${i % 5}/d${i}/f.yaml`] = `i: ${i}\n`;
    entries['top.yaml'] = 'top\n';
    entries['t0/n0/direct.yaml'] = 'x\n';
    writeAtomically(out, files(entries));
    const { [OWNED_MANIFEST]: manifest, ...written } = readTree(out);
    expect(written).toEqual(entries);
    expect(JSON.parse(manifest).files).toEqual(Object.keys(entries).sort());
    const expected = new Set<string>();
    for (const rel of Object.keys(entries)) for (let d = path.dirname(rel); d !== '.'; d = path.dirname(d)) expected.add(d);
    expect(dirs(out)).toEqual([...expected].sort());
  });

  test('a path that is both a file and a directory fails and leaves nothing behind', () => {
    const parent = tempDir('catalyst-output-');
    const out = path.join(parent, 'out');
    writeAtomically(out, files({ 'keep.txt': 'k' }));
    const before = readTree(out);
    expect(() => writeAtomically(out, files({ 'a': 'file', 'a/b': 'under a file' }))).toThrow();
    expect(readTree(out)).toEqual(before);
    expect(fs.readdirSync(parent)).toEqual(['out']);
  });

  test('a bad path anywhere in the map is refused before the output is touched', () => {
    const parent = tempDir('catalyst-output-');
    const out = path.join(parent, 'out');
    writeAtomically(out, files({ 'keep.txt': 'k' }));
    const before = readTree(out);
    expect(() => writeAtomically(out, files({ 'fine.txt': 'x', 'x/../../evil': 'y' }))).toThrow('must be relative and inside the output directory');
    expect(() => writeAtomically(out, files({ [OWNED_MANIFEST]: '{}' }))).toThrow('must be relative');
    expect(readTree(out)).toEqual(before);
    expect(fs.readdirSync(parent)).toEqual(['out']);
  });
});

describe('the replaced tree\'s directories are reused by the next write', () => {
  const waitFor = (cond: () => boolean): void => {
    const until = Date.now() + 20_000;
    while (!cond()) {
      if (Date.now() > until) throw new Error('timed out waiting for the background recycle');
      execFileSync('sleep', ['0.1']);
    }
  };

  test('the spare holds only directories, and a write from it has exactly its own directories', () => {
    const root = tempDir('catalyst-output-');
    const out = path.join(root, 'out');
    const spare = path.join(root, '.out.spare');
    writeAtomically(out, new Map([['a/b/c/one.yaml', '1\n'], ['x/y/two.yaml', '2\n']]));
    writeAtomically(out, new Map([['a/b/c/one.yaml', '1\n'], ['x/y/two.yaml', '2\n']]));
    waitFor(() => fs.existsSync(spare));
    expect(Object.keys(readTree(spare))).toEqual([]);
    expect(dirs(spare).sort()).toEqual(['a', 'a/b', 'a/b/c', 'x', 'x/y']);

    // Another layout: x/y must not survive as an empty directory, a/b/d must be created.
    const next = new Map([['a/b/d/three.yaml', '3\n'], ['a/four.yaml', '4\n']]);
    writeAtomically(out, next);
    expect(fs.existsSync(spare)).toBe(false);
    expect(readTree(out)).toEqual({ 'a/b/d/three.yaml': '3\n', 'a/four.yaml': '4\n', [OWNED_MANIFEST]: expect.any(String) });
    expect(dirs(out).sort()).toEqual(['a', 'a/b', 'a/b/d']);
  });

  test('a spare that holds a file is not trusted: the output has only its own files', () => {
    const root = tempDir('catalyst-output-');
    const out = path.join(root, 'out');
    const spare = path.join(root, '.out.spare');
    fs.mkdirSync(path.join(spare, 'a'), { recursive: true });
    fs.writeFileSync(path.join(spare, 'a', 'planted.yaml'), 'kind: Secret\n');
    writeAtomically(out, new Map([['a/one.yaml', '1\n']]));
    expect(readTree(out)).toEqual({ 'a/one.yaml': '1\n', [OWNED_MANIFEST]: expect.any(String) });
    expect(fs.existsSync(spare)).toBe(false);
  });
});
