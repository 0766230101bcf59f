/**
 * Writes synthesized files safely.
 *
 * 1. Every file goes to a fresh temporary directory beside the target. A failure here leaves
 *    the previous output exactly as it was.
 * 2. Commit. If the target holds only files this library owns (or does not exist), the
 *    temporary directory replaces it in two renames. If the target also holds files we do not
 *    own (`--out` into a Flux repository checkout), only owned paths are touched: each new file
 *    is renamed into place (whole, never half-written), owned files the new output no longer has
 *    are removed, foreign files are kept.
 *
 * Ownership is recorded in `.catalyst-owned.json` at the root of the output directory.
 *
 * A large Sovereign writes ~17,000 files into ~10,000 directories, so what each file costs the
 * file system matters: every directory is created once, parents first; a file the current output
 * already holds byte for byte is hard-linked from it rather than written (see linkIfSame); the
 * current tree is walked only as far as needed to find a foreign file. A replaced tree is
 * emptied of files in the background and its directories are kept as a hidden sibling,
 * `.<name>.spare`, which the next write takes as its temporary directory: creating ~10,000
 * directories cost more than writing the files (see claimSpare).
 */
import { spawn } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';

/** Files by path relative to the output directory. */
export type OutputFiles = ReadonlyMap<string, string>;

export const OWNED_MANIFEST = '.catalyst-owned.json';

export interface WriteOptions {
  /** Test hook: called after each file is written to the temporary directory. */
  readonly afterFile?: (relPath: string) => void;
}

interface OwnedManifest {
  readonly generator: string;
  readonly files: readonly string[];
}

function readOwned(target: string): Set<string> {
  try {
    const m = JSON.parse(fs.readFileSync(path.join(target, OWNED_MANIFEST), 'utf8')) as OwnedManifest;
    return new Set(Array.isArray(m.files) ? m.files : []);
  } catch {
    return new Set();
  }
}

/**
 * Whether `dir` holds a file that is neither the manifest nor in `owned` (paths relative, with
 * `/` separators; symlinks count as files, not followed). Stops at the first one.
 */
function hasForeignFile(dir: string, owned: ReadonlySet<string>, prefix = ''): boolean {
  for (const e of fs.readdirSync(prefix ? path.join(dir, prefix) : dir, { withFileTypes: true })) {
    const rel = prefix ? `${prefix}/${e.name}` : e.name;
    if (e.isDirectory()) {
      if (hasForeignFile(dir, owned, rel)) return true;
    } else if (rel !== OWNED_MANIFEST && !owned.has(rel)) {
      return true;
    }
  }
  return false;
}

function checkRelative(rel: string): void {
  if (path.isAbsolute(rel) || rel.split('/').includes('..') || rel === OWNED_MANIFEST) {
    throw new Error(`refusing to write ${JSON.stringify(rel)}: output paths must be relative and inside the output directory`);
  }
}

function relative(root: string, p: string): string {
  return path.relative(root, p).split(path.sep).join('/');
}

/** Hidden sibling of the target holding the directories, and no files, of a replaced output. */
function spareOf(target: string): string {
  return path.join(path.dirname(target), `.${path.basename(target)}.spare`);
}

/**
 * Takes the spare skeleton, if there is one, as the (empty, just made) temporary directory and
 * returns its directories, relative; an empty set if there is none. The rename is atomic, so
 * two writers never share a skeleton. A skeleton holding anything but directories is not
 * trusted: it is cleared and the write starts from an empty directory.
 */
function claimSpare(target: string, tmp: string): Set<string> {
  const dirs = new Set<string>();
  try {
    fs.renameSync(spareOf(target), tmp);
  } catch {
    return dirs;
  }
  const walk = (rel: string): void => {
    for (const e of fs.readdirSync(rel ? path.join(tmp, rel) : tmp, { withFileTypes: true })) {
      const r = rel ? `${rel}/${e.name}` : e.name;
      if (!e.isDirectory()) throw new Error(`${r} is not a directory`);
      dirs.add(r);
      walk(r);
    }
  };
  try {
    walk('');
  } catch {
    fs.rmSync(tmp, { recursive: true, force: true });
    fs.mkdirSync(tmp, { mode: 0o700 });
    dirs.clear();
  }
  return dirs;
}

/** Creates the parent if needed, clears stale temporaries, and makes a fresh temporary directory. */
function makeTemp(target: string): string {
  const parent = path.dirname(target);
  fs.mkdirSync(parent, { recursive: true });
  removeLeftovers(parent, path.basename(target));
  return fs.mkdtempSync(path.join(parent, `.${path.basename(target)}.tmp-`));
}

function manifestText(owned: readonly string[]): string {
  const manifest: OwnedManifest = { generator: 'catalyst-cdk', files: owned };
  return JSON.stringify(manifest, null, 2) + '\n';
}

export function writeAtomically(outDir: string, files: OutputFiles, options: WriteOptions = {}): void {
  // Every path is checked before anything is written.
  for (const rel of files.keys()) checkRelative(rel);
  const writer = new OutputWriter(outDir, options);
  try {
    for (const [rel, content] of files) writer.add(rel, content);
  } catch (e) {
    writer.abort();
    throw e;
  }
  writer.commit();
}

/**
 * Writes an output one file at a time (the synthesizer's writer thread adds each file as it is
 * rendered), with the guarantees of writeAtomically: nothing is visible at the target before
 * commit(); abort() leaves the previous output exactly as it was. A path added twice holds the
 * last content, as in a Map.
 */
export class OutputWriter {
  private readonly target: string;
  private readonly tmp: string;
  /** Directories of the spare skeleton, relative to tmp. */
  private readonly existing: Set<string>;
  /** Directories below tmp that the output uses (absolute). */
  private readonly dirs = new Set<string>();
  private readonly previous: Set<string>;
  private readonly owned = new Set<string>();
  private done = false;

  constructor(outDir: string, private readonly options: WriteOptions = {}) {
    this.target = path.resolve(outDir);
    this.tmp = makeTemp(this.target);
    try {
      this.existing = claimSpare(this.target, this.tmp);
      this.previous = readOwned(this.target);
    } catch (e) {
      fs.rmSync(this.tmp, { recursive: true, force: true });
      throw e;
    }
  }

  /** Writes one file into the temporary directory (the caller aborts on an exception). */
  add(rel: string, content: string): void {
    if (this.done) throw new Error('OutputWriter: add() after commit() or abort()');
    checkRelative(rel);
    const file = path.join(this.tmp, rel);
    this.makeParents(path.dirname(file));
    this.owned.add(rel);
    if (!(this.previous.has(rel) && linkIfSame(path.join(this.target, rel), file, content))) writeNew(file, content);
    this.options.afterFile?.(rel);
  }

  /** Creates `dir` and its missing parents below tmp, parents first, each once. */
  private makeParents(dir: string): void {
    if (dir.length <= this.tmp.length || this.dirs.has(dir)) return;
    this.makeParents(path.dirname(dir));
    this.dirs.add(dir);
    if (!this.existing.has(relative(this.tmp, dir))) fs.mkdirSync(dir);
  }

  /** Writes the ownership manifest and puts the output in place of the target. */
  commit(): void {
    if (this.done) throw new Error('OutputWriter: commit() after commit() or abort()');
    this.done = true;
    const owned = [...this.owned].sort();
    try {
      writeNew(path.join(this.tmp, OWNED_MANIFEST), manifestText(owned));
      const wanted = new Set([...this.dirs].map((d) => relative(this.tmp, d)));
      for (const rel of [...this.existing].filter((d) => !wanted.has(d)).sort().reverse()) fs.rmdirSync(path.join(this.tmp, rel));
    } catch (e) {
      fs.rmSync(this.tmp, { recursive: true, force: true });
      throw e;
    }
    commit(this.target, this.tmp, owned);
  }

  /**
   * Drops what was written; the target is untouched. With `keepSkeleton` the directories stay for
   * the next write (see claimSpare): the files are unlinked by a detached process, so a failed
   * synthesis costs the next one nothing.
   */
  abort(keepSkeleton = false): void {
    if (this.done) return;
    this.done = true;
    if (keepSkeleton) {
      try {
        if (this.owned.size === 0) {
          fs.renameSync(this.tmp, spareOf(this.target));
        } else {
          const old = `${this.tmp}.old`;
          fs.renameSync(this.tmp, old);
          recycleInBackground(old, spareOf(this.target));
        }
        return;
      } catch {
        // a spare appeared meanwhile: drop this one
      }
    }
    fs.rmSync(this.tmp, { recursive: true, force: true });
  }
}

const CREATE_NEW = { flag: 'wx' } as const;

/**
 * Writes `file` as a new inode. A path already there (two keys naming one file, `a/b` and
 * `a/./b`) may be a hard link into the current output (see linkIfSame): it is replaced, never
 * written through.
 */
function writeNew(file: string, content: string): void {
  try {
    fs.writeFileSync(file, content, CREATE_NEW);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
    fs.unlinkSync(file);
    fs.writeFileSync(file, content, CREATE_NEW);
  }
}

/**
 * Hard-links `previous` (a file of the current output) to `file` when it already holds exactly
 * `content`. Most files are unchanged from one synthesis to the next; linking them allocates no
 * inode and writes no data, and the replaced tree's delete then frees nothing of them. (Creating
 * inodes is the expensive part of writing many files: ext4 without a journal, for one, scans past
 * every inode deleted in the last minutes.) Only a regular file with no other link is reused, so
 * the output never shares an inode with anything outside it.
 */
function linkIfSame(previous: string, file: string, content: string): boolean {
  let fd: number;
  try {
    // A symlink is not ours to reuse (open the path itself, never where it points), and a FIFO
    // must not block the open: fstat below turns both away.
    // eslint-disable-next-line no-bitwise
    fd = fs.openSync(previous, fs.constants.O_RDONLY | (fs.constants.O_NOFOLLOW ?? 0) | (fs.constants.O_NONBLOCK ?? 0));
  } catch {
    return false;
  }
  try {
    const st = fs.fstatSync(fd);
    if (!st.isFile() || st.nlink !== 1) return false;
    const size = Buffer.byteLength(content);
    if (st.size !== size) return false;
    const bytes = Buffer.allocUnsafe(size);
    let read = 0;
    while (read < size) {
      const n = fs.readSync(fd, bytes, read, size - read, read);
      if (n === 0) return false;
      read += n;
    }
    // Same length in bytes and characters: all ASCII, where latin1 decoding is exact.
    const same = size === content.length ? bytes.toString('latin1') === content : bytes.equals(Buffer.from(content));
    if (!same) return false;
  } finally {
    fs.closeSync(fd);
  }
  try {
    fs.linkSync(previous, file);
    return true;
  } catch {
    // Not on this file system (no hard links, or another device below a symlink): write instead.
    return false;
  }
}

/** Puts the finished temporary directory in place of the target. */
function commit(target: string, tmp: string, owned: readonly string[]): void {
  const exists = fs.existsSync(target);
  const previouslyOwned = exists ? readOwned(target) : new Set<string>();
  if (!exists || !hasForeignFile(target, previouslyOwned)) {
    swapDirectory(target, tmp, exists);
  } else {
    mergeOwned(target, tmp, owned, previouslyOwned);
  }
}

/** The target has nothing of anyone else's: replace it whole. */
function swapDirectory(target: string, tmp: string, exists: boolean): void {
  const old = exists ? `${tmp}.old` : undefined;
  if (old) fs.renameSync(target, old);
  try {
    fs.renameSync(tmp, target);
  } catch (e) {
    if (old) fs.renameSync(old, target);
    fs.rmSync(tmp, { recursive: true, force: true });
    throw e;
  }
  if (old) recycleInBackground(old, spareOf(target));
}

/**
 * Run by a detached Node process: unlink every file of the replaced tree, then keep its
 * directories as the spare skeleton; if there already is one (or anything fails), delete it all.
 */
const RECYCLE = `const fs = require('fs'), path = require('path');
const [old, spare] = process.argv.slice(1);
const strip = (d) => { for (const e of fs.readdirSync(d, { withFileTypes: true })) { const p = path.join(d, e.name); if (e.isDirectory()) strip(p); else fs.unlinkSync(p); } };
try { strip(old); fs.renameSync(old, spare); } catch { fs.rmSync(old, { recursive: true, force: true }); }`;

/**
 * Empties a replaced output tree without making the user wait for it (unlinking thousands of
 * files takes seconds) and leaves its directories for the next write (see claimSpare).
 */
function recycleInBackground(old: string, spare: string): void {
  try {
    const child = spawn(process.execPath, ['-e', RECYCLE, old, spare], { detached: true, stdio: 'ignore' });
    child.on('error', () => removeInBackground(old));
    child.unref();
  } catch {
    removeInBackground(old);
  }
}

/**
 * Deletes a replaced output tree without making the user wait for it (thousands of files take
 * seconds to unlink, more than the synthesis itself). The tree is already out of the way under
 * a private name; a detached `rm` finishes after we exit. Leftovers from an interrupted delete
 * are removed by the next write (see removeLeftovers).
 */
function removeInBackground(dir: string): void {
  try {
    const child = spawn('rm', ['-rf', '--', dir], { detached: true, stdio: 'ignore' });
    child.on('error', () => fs.rmSync(dir, { recursive: true, force: true }));
    child.unref();
  } catch {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

/**
 * Removes `.<name>.tmp-*` siblings left by an earlier write that was interrupted. Only ones
 * older than a minute: a younger one may belong to a write still running.
 */
function removeLeftovers(parent: string, name: string): void {
  const prefix = `.${name}.tmp-`;
  const cutoff = Date.now() - 60_000;
  for (const e of fs.readdirSync(parent)) {
    if (!e.startsWith(prefix)) continue;
    const p = path.join(parent, e);
    try {
      if (fs.statSync(p).mtimeMs < cutoff) fs.rmSync(p, { recursive: true, force: true });
    } catch {
      // already gone (a background delete finished)
    }
  }
}

/** The target holds foreign files: move owned files in one by one, drop stale owned ones. */
function mergeOwned(target: string, tmp: string, owned: readonly string[], previouslyOwned: ReadonlySet<string>): void {
  try {
    const made = new Set<string>();
    for (const rel of owned) {
      const dest = path.join(target, rel);
      const dir = path.dirname(dest);
      if (!made.has(dir)) {
        fs.mkdirSync(dir, { recursive: true });
        made.add(dir);
      }
      fs.renameSync(path.join(tmp, rel), dest);
    }
    const now = new Set(owned);
    for (const rel of previouslyOwned) {
      if (!now.has(rel)) {
        fs.rmSync(path.join(target, rel), { force: true });
        pruneEmptyDirs(target, path.dirname(rel));
      }
    }
    fs.renameSync(path.join(tmp, OWNED_MANIFEST), path.join(target, OWNED_MANIFEST));
  } finally {
    fs.rmSync(tmp, { recursive: true, force: true });
  }
}

function pruneEmptyDirs(root: string, rel: string): void {
  let dir = rel;
  while (dir && dir !== '.') {
    const abs = path.join(root, dir);
    if (!fs.existsSync(abs) || fs.readdirSync(abs).length > 0) return;
    fs.rmdirSync(abs);
    dir = path.dirname(dir);
  }
}
