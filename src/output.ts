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

/** Every file below `dir`, relative, with `/` separators (symlinks listed, not followed). */
function listFiles(dir: string, prefix = ''): string[] {
  const out: string[] = [];
  for (const e of fs.readdirSync(path.join(dir, prefix), { withFileTypes: true })) {
    const rel = prefix ? `${prefix}/${e.name}` : e.name;
    if (e.isDirectory()) out.push(...listFiles(dir, rel));
    else out.push(rel);
  }
  return out;
}

function checkRelative(rel: string): void {
  if (path.isAbsolute(rel) || rel.split('/').includes('..') || rel === OWNED_MANIFEST) {
    throw new Error(`refusing to write ${JSON.stringify(rel)}: output paths must be relative and inside the output directory`);
  }
}

export function writeAtomically(outDir: string, files: OutputFiles, options: WriteOptions = {}): void {
  const target = path.resolve(outDir);
  const parent = path.dirname(target);
  fs.mkdirSync(parent, { recursive: true });
  removeLeftovers(parent, path.basename(target));
  const tmp = fs.mkdtempSync(path.join(parent, `.${path.basename(target)}.tmp-`));
  const owned = [...files.keys()].sort();
  try {
    for (const [rel, content] of files) {
      checkRelative(rel);
      const file = path.join(tmp, rel);
      fs.mkdirSync(path.dirname(file), { recursive: true });
      fs.writeFileSync(file, content);
      options.afterFile?.(rel);
    }
    const manifest: OwnedManifest = { generator: 'catalyst-cdk', files: owned };
    fs.writeFileSync(path.join(tmp, OWNED_MANIFEST), JSON.stringify(manifest, null, 2) + '\n');
  } catch (e) {
    fs.rmSync(tmp, { recursive: true, force: true });
    throw e;
  }

  const exists = fs.existsSync(target);
  const previouslyOwned = exists ? readOwned(target) : new Set<string>();
  const foreign = exists ? listFiles(target).filter((f) => f !== OWNED_MANIFEST && !previouslyOwned.has(f)) : [];
  if (foreign.length === 0) {
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
  if (old) removeInBackground(old);
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
    for (const rel of owned) {
      const dest = path.join(target, rel);
      fs.mkdirSync(path.dirname(dest), { recursive: true });
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
