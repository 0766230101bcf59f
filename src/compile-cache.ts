/**
 * A V8 code cache for the `catalyst` command. Node 20 compiles every module from source on each
 * run (Node 22's module.enableCompileCache() is not available): with the cache, the example
 * synth runs about 8% fewer instructions (some 90 ms), mostly functions V8 would otherwise
 * compile lazily while the program runs. The CLI installs this before it loads the library;
 * importing the library never does.
 *
 * It changes how modules are compiled, never what they do:
 * - a module uses cached data only if its source text hashes to what the entry was made from
 *   (V8 also rejects data made by another V8 version or with other flags);
 * - only files of this package and of node_modules are compiled here, and only plain CommonJS:
 *   a file with a dynamic import(), a shebang or ESM syntax, and every file when source maps,
 *   a debugger, coverage or a policy is on, is left to Node;
 * - the cache is one file, replaced atomically when a run compiled something it did not hold;
 *   an unreadable, corrupt or unwritable cache only means compiling from source.
 *
 * CATALYST_COMPILE_CACHE=off disables it; CATALYST_COMPILE_CACHE=DIR keeps the cache in DIR.
 */
import * as crypto from 'crypto';
import * as fs from 'fs';
import { Module } from 'module';
import * as os from 'os';
import * as path from 'path';
import * as vm from 'vm';

/** Bumped when the file layout changes. */
const FORMAT = 'catalyst-compile-cache-1\n';
/**
 * Entries of earlier runs (other apps, other commands) kept beside this run's, up to this many
 * bytes in all: every run reads and checksums the whole file (a run of the example is ~6 MiB).
 */
const MAX_BYTES = 24 * 1024 * 1024;
/** Node's module wrapper, with the source on its own line so line and column numbers stay the file's. */
const HEAD = '(function (exports, require, module, __filename, __dirname) {\n';
const TAIL = '\n})';
/** Options under which Node's own compilation does more than compile (or V8 data would not apply). */
const NODE_OWN = /--(?:inspect|debug|enable-source-maps|experimental-policy|policy-integrity|experimental-loader|loader|import\b|experimental-vm-modules|frozen-intrinsics|disallow-code-generation|jitless)/;
/** A dynamic import() (which a vm.Script compiled here could not resolve as Node does). */
const DYNAMIC_IMPORT = /\bimport(?:\s|\/\*[\s\S]*?\*\/|\/\/[^\n]*\n)*\(/;

interface Entry {
  readonly hash: string;
  readonly data: Buffer;
}

interface Compiled {
  readonly hash: string;
  readonly script: vm.Script;
}

type CompileFn = (this: NodeModule, content: string, filename: string, format?: string) => unknown;

interface ModuleInternals {
  prototype: { _compile: CompileFn };
  _cache: NodeJS.Dict<NodeModule>;
  _extensions: NodeJS.RequireExtensions;
  _resolveFilename(request: string, parent: NodeModule, isMain: boolean, options?: { paths?: string[] }): string;
  _resolveLookupPaths(request: string, parent: NodeModule): string[] | null;
}

/** What the cache did in this process (for tests and benchmarks). */
export interface CompileCacheStats {
  readonly file?: string;
  hits: number;
  misses: number;
  rejected: number;
  skipped: number;
}

let installed: CompileCacheStats | undefined;

/** Counters of the installed cache; undefined if it is not installed. */
export function compileCacheStats(): CompileCacheStats | undefined {
  return installed;
}

export interface CompileCacheOptions {
  /** Directory of the cache file (default: node_modules/.cache/catalyst-cdk, else a private temp dir). */
  readonly dir?: string;
  /** Files below these directories, or in any node_modules, use the cache (default: this package's). */
  readonly roots?: readonly string[];
}

/**
 * Compiles CommonJS modules loaded from now on through the cache. Returns false (and changes
 * nothing) where it does not apply: disabled, unsupported options, no usable directory.
 */
export function installCompileCache(options: CompileCacheOptions = {}): boolean {
  if (installed) return true;
  const setting = process.env.CATALYST_COMPILE_CACHE;
  if (setting !== undefined && /^(?:0|off|false|no)$/i.test(setting)) return false;
  const flags = `${process.execArgv.join(' ')} ${process.env.NODE_OPTIONS ?? ''}`;
  if (NODE_OWN.test(flags) || process.env.NODE_V8_COVERAGE || sourceMapsEnabled()) return false;
  const M = Module as unknown as ModuleInternals;
  // Only under Node's own loader: jest, bundlers and other runtimes replace it.
  if (require.cache !== M._cache || typeof M.prototype._compile !== 'function') return false;
  const dir = options.dir ?? (setting || defaultDir());
  if (!dir) return false;
  const writable = writableDir(dir);
  const key = crypto.createHash('sha1').update([FORMAT, process.execPath, process.version, process.arch, process.platform, flags].join('\0')).digest('hex').slice(0, 16);
  const file = path.join(dir, `${key}.bin`);
  const entries = readCache(file);
  // Read-only and empty: nothing to gain.
  if (!writable && entries.size === 0) return false;
  const stats: CompileCacheStats = { file, hits: 0, misses: 0, rejected: 0, skipped: 0 };
  installed = stats;
  const roots = (options.roots ?? [path.resolve(__dirname, '..', '..')]).map((r) => path.resolve(r) + path.sep);
  const inScope = (f: string) => f.includes(`${path.sep}node_modules${path.sep}`) || roots.some((r) => f.startsWith(r));
  const compiled = new Map<string, Compiled>();
  const original = M.prototype._compile;

  // Named as Node's, so stack traces read the same apart from the file.
  M.prototype._compile = function _compile(this: NodeModule, content: string, filename: string, format?: string): unknown {
    if (
      (format !== undefined && format !== 'commonjs') || typeof content !== 'string' || typeof filename !== 'string' ||
      !/\.c?js$/.test(filename) || !inScope(filename) || content.startsWith('#!') || DYNAMIC_IMPORT.test(content) || sourceMapsEnabled()
    ) {
      stats.skipped++;
      return original.call(this, content, filename, format);
    }
    let wrapper: (...args: unknown[]) => unknown;
    try {
      const hash = crypto.createHash('sha1').update(content).digest('base64');
      const entry = entries.get(filename);
      const cachedData = entry?.hash === hash ? entry.data : undefined;
      // Nowhere to keep what compiling it would add: compile as always.
      if (cachedData === undefined && !writable) throw new Error('not cached');
      const script = new vm.Script(HEAD + content + TAIL, { filename, lineOffset: -1, cachedData });
      const reused = cachedData !== undefined && !script.cachedDataRejected;
      if (reused) stats.hits++;
      else stats.misses++;
      if (cachedData !== undefined && !reused) stats.rejected++;
      compiled.set(filename, { hash, script });
      wrapper = script.runInThisContext() as typeof wrapper;
    } catch {
      // Not cached on a read-only cache, a syntax error, ESM syntax that Node loads as an ES
      // module, anything unforeseen: Node compiles (and reports) as always. Nothing ran yet.
      stats.skipped++;
      return original.call(this, content, filename, format);
    }
    return Reflect.apply(wrapper, this.exports, [this.exports, makeRequire(this, M), this, filename, path.dirname(filename)]);
  };

  process.once('exit', () => {
    if (stats.misses === 0 || !writable) return;
    try {
      writeCache(file, entries, compiled);
    } catch {
      // read-only or full file system, a race with another process: the next run compiles again
    }
  });
  return true;
}

function sourceMapsEnabled(): boolean {
  return (process as { sourceMapsEnabled?: boolean }).sourceMapsEnabled === true;
}

/** `require` as Node's loader builds it for a module (lib/internal/modules/helpers.js, without policies). */
function makeRequire(mod: NodeModule, M: ModuleInternals): NodeJS.Require {
  // eslint-disable-next-line @typescript-eslint/no-shadow
  const require = function require(id: string): unknown {
    return mod.require(id);
  } as NodeJS.Require;
  // eslint-disable-next-line @typescript-eslint/no-shadow
  const resolve = function resolve(request: string, options?: { paths?: string[] }): string {
    validateString(request, 'request');
    return M._resolveFilename(request, mod, false, options);
  } as NodeJS.RequireResolve;
  resolve.paths = function paths(request: string): string[] | null {
    validateString(request, 'request');
    return M._resolveLookupPaths(request, mod);
  };
  require.resolve = resolve;
  Object.defineProperty(require, 'main', { value: process.mainModule, writable: true, enumerable: true, configurable: true });
  require.extensions = M._extensions;
  require.cache = M._cache;
  return require;
}

function validateString(value: unknown, name: string): void {
  if (typeof value !== 'string') {
    throw Object.assign(new TypeError(`The "${name}" argument must be of type string. Received ${value === null ? 'null' : typeof value}`), { code: 'ERR_INVALID_ARG_TYPE' });
  }
}

/**
 * node_modules/.cache/catalyst-cdk of the project this package is installed in (or of this
 * checkout), else a directory in the temp dir that only this user can write.
 */
function defaultDir(): string | undefined {
  const root = path.resolve(__dirname, '..', '..');
  const parts = root.split(path.sep);
  const nm = parts.lastIndexOf('node_modules');
  const modules = nm >= 0 ? parts.slice(0, nm + 1).join(path.sep) : path.join(root, 'node_modules');
  const dir = path.join(modules, '.cache', 'catalyst-cdk');
  if (isDirectory(modules) && (writableDir(dir) || isDirectory(dir))) return dir;
  return privateTempDir();
}

/** Creates `dir` if need be; true if this process can write files into it. */
function writableDir(dir: string): boolean {
  try {
    makeDir(dir, 0);
    fs.accessSync(dir, fs.constants.W_OK);
    return fs.statSync(dir).isDirectory();
  } catch {
    return false;
  }
}

/** mkdir -p for a few levels (Node 20's recursive mkdirSync never returns where mkdir fails with ENOENT, as in /proc). */
function makeDir(dir: string, depth: number): void {
  try {
    fs.mkdirSync(dir);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'EEXIST') return;
    const parent = path.dirname(dir);
    if (code !== 'ENOENT' || depth >= 8 || parent === dir) throw e;
    makeDir(parent, depth + 1);
    fs.mkdirSync(dir);
  }
}

function isDirectory(p: string): boolean {
  try {
    return fs.statSync(p).isDirectory();
  } catch {
    return false;
  }
}

/** A temp directory other users cannot have planted data in (cached data is code). */
function privateTempDir(): string | undefined {
  if (typeof process.getuid !== 'function') return path.join(os.tmpdir(), 'catalyst-cdk-compile-cache');
  const uid = process.getuid();
  const dir = path.join(os.tmpdir(), `catalyst-cdk-compile-cache-${uid}`);
  try {
    fs.mkdirSync(dir, { mode: 0o700 });
  } catch {
    // exists, or cannot be created: checked below
  }
  try {
    const st = fs.lstatSync(dir);
    // eslint-disable-next-line no-bitwise
    return st.isDirectory() && st.uid === uid && (st.mode & 0o022) === 0 ? dir : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Layout: FORMAT, the index as one JSON line ([file, hash, bytes][]), then the data of each entry
 * in index order, then the SHA-1 of everything before it (so a damaged file is never used).
 */
function readCache(file: string): Map<string, Entry> {
  const entries = new Map<string, Entry>();
  let buf: Buffer;
  try {
    buf = fs.readFileSync(file);
  } catch {
    return entries;
  }
  try {
    if (buf.length < FORMAT.length + 20 || buf.toString('latin1', 0, FORMAT.length) !== FORMAT) return entries;
    const body = buf.subarray(0, buf.length - 20);
    if (!crypto.createHash('sha1').update(body).digest().equals(buf.subarray(buf.length - 20))) return entries;
    const eol = body.indexOf(10, FORMAT.length);
    if (eol < 0) return entries;
    const index = JSON.parse(body.toString('utf8', FORMAT.length, eol)) as unknown;
    if (!Array.isArray(index)) return entries;
    let offset = eol + 1;
    for (const item of index as unknown[]) {
      if (!Array.isArray(item) || typeof item[0] !== 'string' || typeof item[1] !== 'string' || !Number.isSafeInteger(item[2]) || item[2] < 0) return new Map();
      const end = offset + (item[2] as number);
      if (end > body.length) return new Map();
      entries.set(item[0], { hash: item[1], data: body.subarray(offset, end) });
      offset = end;
    }
    return offset === body.length ? entries : new Map();
  } catch {
    return new Map();
  }
}

function writeCache(file: string, previous: ReadonlyMap<string, Entry>, compiled: ReadonlyMap<string, Compiled>): void {
  const index: [string, string, number][] = [];
  const data: Buffer[] = [];
  let bytes = 0;
  for (const [f, c] of compiled) {
    // Made after the run, the data also holds the functions that ran (V8 compiles those lazily).
    const d = c.script.createCachedData();
    index.push([f, c.hash, d.length]);
    data.push(d);
    bytes += d.length;
  }
  for (const [f, e] of previous) {
    if (compiled.has(f) || bytes + e.data.length > MAX_BYTES) continue;
    index.push([f, e.hash, e.data.length]);
    data.push(e.data);
    bytes += e.data.length;
  }
  const body = Buffer.concat([Buffer.from(FORMAT, 'latin1'), Buffer.from(JSON.stringify(index) + '\n', 'utf8'), ...data]);
  const sum = crypto.createHash('sha1').update(body).digest();
  const tmp = `${file}.${process.pid}.${crypto.randomBytes(4).toString('hex')}.tmp`;
  try {
    fs.writeFileSync(tmp, Buffer.concat([body, sum]), { mode: 0o600 });
    fs.renameSync(tmp, file);
  } catch (e) {
    fs.rmSync(tmp, { force: true });
    throw e;
  }
  pruneSiblings(file);
}

/** How long a cache file of other options (or a crashed run's temp file) is kept unwritten. */
const STALE_MS = 30 * 24 * 3600 * 1000;

/** Each set of Node options has its own file: drops those no run has written for a month. */
function pruneSiblings(file: string): void {
  const dir = path.dirname(file);
  const now = Date.now();
  for (const name of fs.readdirSync(dir)) {
    const p = path.join(dir, name);
    if (p === file || !/^[0-9a-f]{16}\.bin(?:\.\d+\.[0-9a-f]{8}\.tmp)?$/.test(name)) continue;
    try {
      if (now - fs.statSync(p).mtimeMs > STALE_MS) fs.rmSync(p, { force: true });
    } catch {
      // removed meanwhile by another run
    }
  }
}
