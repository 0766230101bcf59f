/**
 * A load cache for the library's modules. Node 20 resolves, reads and compiles every module from
 * source on each run (Node 22's module.enableCompileCache() is not available). Most of a small
 * synth used to be spent there: ~470 modules, ~1,700 resolutions each probing the file system,
 * a package.json lookup per file. The cache is one file holding, for the modules earlier runs
 * loaded, their source, V8's code cache made after the run (so it also holds the functions that
 * ran) and how their `require` calls resolved. Loading the library drops from ~340 to ~170 ms.
 *
 * It changes how modules are found and compiled, never what they are:
 * - each module is still its own script under its own file name (stack traces, `__filename`,
 *   `require.cache` keys and module identity are Node's), with Node's wrapper and `require`;
 * - the cache is used only if every file it holds, and every file-system entry its resolutions
 *   depended on (the target's directory, `node_modules` directories nearer than the one that
 *   answered, package.json files), has the inode, size, mtime and ctime it had when recorded;
 *   anything else, or a damaged file (CRC-32 over all of it), means loading as Node does;
 * - only files of this package, and files of node_modules that these (or other such files)
 *   require, are cached, and only plain CommonJS: a file
 *   with a dynamic import(), a shebang or ESM syntax, and every file when source maps, a debugger,
 *   coverage or a policy is on, is left to Node; so is any module whose `_compile` another
 *   loader hook (ts-node, pirates) has replaced;
 * - the file is replaced atomically when a run loaded something it did not hold.
 *
 * The CLI and the library's index install it. CATALYST_COMPILE_CACHE=off disables it;
 * CATALYST_COMPILE_CACHE=DIR keeps the cache in DIR.
 */
import * as crypto from 'crypto';
import * as fs from 'fs';
import { Module } from 'module';
import * as os from 'os';
import * as path from 'path';
import * as v8 from 'v8';
import * as vm from 'vm';
import * as zlib from 'zlib';

/** Bumped when the file layout changes. */
const FORMAT = 'catalyst-load-cache-2\n';
/**
 * Sources and data of earlier runs' modules (other apps, other commands) are kept beside this
 * run's up to this many bytes in all: every run reads and checks the whole file (the example
 * synth holds ~8 MiB).
 */
const MAX_BYTES = 16 * 1024 * 1024;
/** Node's module wrapper, with the source on its own line so line and column numbers stay the file's. */
const HEAD = '(function (exports, require, module, __filename, __dirname) {\n';
const TAIL = '\n})';
/** Options under which Node's own compilation does more than compile (or V8 data would not apply). */
const NODE_OWN = /--(?:inspect|debug|enable-source-maps|experimental-policy|policy-integrity|experimental-loader|loader|import\b|experimental-vm-modules|frozen-intrinsics|disallow-code-generation|jitless|preserve-symlinks|conditions|experimental-default-type|experimental-detect-module)|(?:^|\s)-C\b/;
/** A dynamic import() (which a vm.Script compiled here could not resolve as Node does). */
const DYNAMIC_IMPORT = /\bimport(?:\s|\/\*[\s\S]*?\*\/|\/\/[^\n]*\n)*\(/;

/** ino:size:mtime:ctime of a file or directory, null if absent. */
type Signature = string | null;

interface Packed {
  readonly start: number;
  readonly length: number;
  readonly dataStart: number;
  readonly dataLength: number;
  readonly sig: string;
}

interface Compiled {
  readonly source: string;
  readonly script: vm.Script;
  readonly sig: string;
  /** The pack's data for it, when V8 accepted it (nothing new to save). */
  readonly reused?: Buffer;
  /** The pack's bytes of the source, when it came from the pack. */
  readonly packed?: Buffer;
}

type CompileFn = (this: NodeModule, content: string, filename: string, format?: string) => unknown;
type LoadFn = (module: NodeModule, filename: string) => void;

interface ModuleInternals {
  prototype: { _compile: CompileFn };
  _cache: NodeJS.Dict<NodeModule>;
  _extensions: Record<string, LoadFn>;
  _resolveFilename(request: string, parent: NodeModule | undefined, isMain: boolean, options?: { paths?: string[] }): string;
  _resolveLookupPaths(request: string, parent: NodeModule): string[] | null;
}

/** What the cache did in this process (for tests and benchmarks). */
export interface CompileCacheStats {
  readonly file?: string;
  /** Modules compiled with V8 data from the cache. */
  hits: number;
  /** Modules compiled from source (not in the cache, or their data was rejected). */
  misses: number;
  /** Modules whose cached V8 data was rejected (another V8, other flags). */
  rejected: number;
  /** Modules left to Node's own loader. */
  skipped: number;
  /** `require` calls answered from the cache without probing the file system. */
  resolved: number;
  /** Whether a cache file was found and still matched the files it describes. */
  valid: boolean;
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
  /**
   * V8 flags the caller set at run time before installing (src/tiering.ts). V8 rejects code
   * caches made under other flags, so they key the cache file, and they are set again before the
   * cache is written at exit (the run may have changed them since).
   */
  readonly v8Flags?: readonly string[];
}

/**
 * Loads CommonJS modules required from now on through the cache. Returns false (and changes
 * nothing) where it does not apply: disabled, unsupported options, not Node's own loader, no
 * usable directory. Never throws: it is only ever a speed-up.
 */
export function installCompileCache(options: CompileCacheOptions = {}): boolean {
  try {
    return install(options);
  } catch {
    return false;
  }
}

function install(options: CompileCacheOptions): boolean {
  if (installed) return true;
  const setting = process.env.CATALYST_COMPILE_CACHE;
  if (setting !== undefined && /^(?:0|off|false|no)$/i.test(setting)) return false;
  const flags = `${nodeOptions(process.execArgv).join(' ')} ${process.env.NODE_OPTIONS ?? ''}`;
  if (NODE_OWN.test(flags) || process.env.NODE_V8_COVERAGE || sourceMapsEnabled()) return false;
  const M = Module as unknown as ModuleInternals;
  // Only under Node's own loader: jest, bundlers and other runtimes replace it.
  if (require.cache !== M._cache || typeof M.prototype._compile !== 'function' || typeof M._extensions['.js'] !== 'function') return false;
  const dir = options.dir ?? (setting || defaultDir());
  if (!dir) return false;
  const writable = writableDir(dir);
  const v8Flags = options.v8Flags ?? [];
  const key = crypto.createHash('sha1').update([FORMAT, process.execPath, process.version, process.arch, process.platform, flags, v8Flags.join(' '), process.env.NODE_PATH ?? ''].join('\0')).digest('hex').slice(0, 16);
  const file = path.join(dir, `${key}.bin`);
  const pack = readPack(file);
  // Read-only and empty: nothing to gain.
  if (!writable && !pack) return false;
  const stats: CompileCacheStats = { file, hits: 0, misses: 0, rejected: 0, skipped: 0, resolved: 0, valid: pack !== undefined };
  installed = stats;
  const roots = (options.roots ?? [path.resolve(__dirname, '..', '..')]).map((r) => path.resolve(r) + path.sep);
  /** Modules loaded through the cache: node_modules files count only when one of these requires them. */
  const tracked = new Set<string>();
  const ours = (f: string) => tracked.has(f) || roots.some((r) => f.startsWith(r));
  const inScope = (f: string, parent: string | undefined) => ours(f) || (parent !== undefined && f.includes(`${path.sep}node_modules${path.sep}`) && ours(parent));
  const modules = pack?.modules ?? new Map<string, Packed>();
  const resolutions = pack?.resolutions ?? new Map<string, string>();
  const probes = pack?.probes ?? new Map<string, Signature>();
  const compiled = new Map<string, Compiled>();
  /** Signatures taken before Node read a module this cache does not hold yet. */
  const pending = new Map<string, string>();
  let learned = false;
  const originalCompile = M.prototype._compile;
  const originalLoad = M._extensions['.js'];
  const originalResolve = M._resolveFilename;

  const plain = (content: string, filename: string) => /\.c?js$/.test(filename) && !content.startsWith('#!') && !DYNAMIC_IMPORT.test(content) && !sourceMapsEnabled();

  /** Compiles a module's wrapper as Node's `_compile` would (throws on a syntax error, before anything ran). */
  const compile = (filename: string, content: string, sig: string, cached?: Packed): ((...args: unknown[]) => unknown) => {
    const cachedData = cached && cached.dataLength > 0 ? pack!.buffer.subarray(cached.dataStart, cached.dataStart + cached.dataLength) : undefined;
    const script = new vm.Script(HEAD + content + TAIL, { filename, lineOffset: -1, cachedData });
    const wrapper = script.runInThisContext() as (...args: unknown[]) => unknown;
    const reused = cachedData !== undefined && !script.cachedDataRejected;
    if (reused) stats.hits++;
    else stats.misses++;
    if (cachedData !== undefined && !reused) stats.rejected++;
    const packed = cached ? pack!.buffer.subarray(cached.start, cached.start + cached.length) : undefined;
    compiled.set(filename, { source: content, script, sig, reused: reused ? cachedData : undefined, packed });
    tracked.add(filename);
    return wrapper;
  };
  const execute = (mod: NodeModule, filename: string, wrapper: (...args: unknown[]) => unknown): unknown =>
    Reflect.apply(wrapper, mod.exports, [mod.exports, makeRequire(mod, M), mod, filename, path.dirname(filename)]);

  // Named as Node's, so stack traces read the same apart from the file.
  const _compile = function _compile(this: NodeModule, content: string, filename: string, format?: string): unknown {
    const sig = typeof filename === 'string' ? pending.get(filename) : undefined;
    if ((format !== undefined && format !== 'commonjs') || typeof content !== 'string' || sig === undefined || !plain(content, filename)) {
      stats.skipped++;
      return originalCompile.call(this, content, filename, format);
    }
    pending.delete(filename);
    let wrapper: (...args: unknown[]) => unknown;
    try {
      wrapper = compile(filename, content, sig);
    } catch {
      // A syntax error, ESM syntax that Node loads as an ES module: Node compiles and reports.
      stats.skipped++;
      return originalCompile.call(this, content, filename, format);
    }
    learned = true;
    return execute(this, filename, wrapper);
  };
  M.prototype._compile = _compile;

  M._extensions['.js'] = function loadJs(mod: NodeModule, filename: string): void {
    // Another hook compiles this module, or source maps were switched on since: Node's way.
    const own = Object.prototype.hasOwnProperty.call(mod, '_compile') || M.prototype._compile !== _compile || sourceMapsEnabled();
    const entry = own ? undefined : modules.get(filename);
    if (entry) {
      let wrapper: ((...args: unknown[]) => unknown) | undefined;
      try {
        wrapper = compile(filename, pack!.buffer.toString('utf8', entry.start, entry.start + entry.length), entry.sig, entry);
      } catch {
        // cannot happen for a source that compiled when recorded; if it does, Node loads it
      }
      if (wrapper) {
        execute(mod, filename, wrapper);
        return;
      }
    }
    if (!own && inScope(filename, (mod as { parent?: NodeModule | null }).parent?.filename)) {
      const sig = signature(filename);
      if (sig) pending.set(filename, sig);
    }
    try {
      originalLoad(mod, filename);
    } finally {
      pending.delete(filename);
    }
  };

  M._resolveFilename = function _resolveFilename(request: string, parent: NodeModule | undefined, isMain: boolean, opts?: { paths?: string[] }): string {
    const from = opts === undefined && !isMain && typeof request === 'string' ? parent?.filename : undefined;
    const known = typeof from === 'string' ? resolutions.get(from + '\0' + request) : undefined;
    if (known !== undefined) {
      stats.resolved++;
      return known;
    }
    const resolved = originalResolve.call(this, request, parent, isMain, opts);
    if (typeof from === 'string' && writable && ours(from) && path.isAbsolute(resolved) && inScope(resolved, from)) {
      if (recordResolution(from, request, resolved, probes)) {
        resolutions.set(from + '\0' + request, resolved);
        learned = true;
      }
    }
    return resolved;
  };

  process.once('exit', () => {
    if (!writable || (!learned && stats.rejected === 0 && stats.misses === 0)) return;
    try {
      for (const f of v8Flags) v8.setFlagsFromString(f);
      writePack(file, pack, compiled, resolutions, probes);
    } catch {
      // read-only or full file system, a race with another process: the next run loads as Node does
    }
  });
  return true;
}

/** Node's options without the code of `-e`/`-p` (which is not an option of how modules load). */
function nodeOptions(argv: readonly string[]): string[] {
  const out: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    if (/^(?:-e|--eval|-p|--print|-pe)$/.test(argv[i])) i++;
    else if (!/^--(?:eval|print)=/.test(argv[i])) out.push(argv[i]);
  }
  return out;
}

function sourceMapsEnabled(): boolean {
  return (process as { sourceMapsEnabled?: boolean }).sourceMapsEnabled === true;
}

function signature(p: string): Signature {
  const st = fs.statSync(p, { throwIfNoEntry: false });
  return st ? `${st.ino}:${st.size}:${st.mtimeMs}:${st.ctimeMs}` : null;
}

/**
 * Notes the file-system entries a resolution depended on; false if it cannot be checked cheaply
 * (NODE_PATH, a package found outside node_modules), in which case it is not cached.
 */
function recordResolution(from: string, request: string, resolved: string, probes: Map<string, Signature>): boolean {
  const watch: string[] = [path.dirname(resolved)];
  if (request.startsWith('./') || request.startsWith('../') || request === '.' || request === '..' || path.isAbsolute(request)) {
    watch.push(path.dirname(path.resolve(path.dirname(from), request)));
  } else {
    const marker = `${path.sep}node_modules${path.sep}`;
    const at = resolved.lastIndexOf(marker);
    if (at < 0) return false;
    const base = resolved.slice(0, at);
    const nodeModules = base + path.sep + 'node_modules';
    const segments = request.split('/');
    const name = segments[0].startsWith('@') ? segments.slice(0, 2).join(path.sep) : segments[0];
    // The package answered only if no node_modules nearer the requiring file holds it.
    let dir = path.dirname(from);
    if (dir !== base && !dir.startsWith(base + path.sep)) return false;
    for (; dir !== base; dir = path.dirname(dir)) {
      if (path.basename(dir) !== 'node_modules') watch.push(dir + path.sep + 'node_modules');
    }
    watch.push(nodeModules, path.join(nodeModules, name), path.join(nodeModules, name, 'package.json'));
  }
  // The package scope decides CommonJS or ESM.
  const scope = packageScope(path.dirname(resolved));
  if (scope) watch.push(scope);
  for (const p of watch) if (!probes.has(p)) probes.set(p, signature(p));
  return true;
}

const scopes = new Map<string, string | undefined>();

/** The package.json Node reads to decide a file's module type. */
function packageScope(dir: string): string | undefined {
  if (scopes.has(dir)) return scopes.get(dir);
  let found: string | undefined;
  const candidate = path.join(dir, 'package.json');
  if (fs.existsSync(candidate)) found = candidate;
  else if (path.basename(dir) !== 'node_modules' && path.dirname(dir) !== dir) found = packageScope(path.dirname(dir));
  scopes.set(dir, found);
  return found;
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
  require.extensions = M._extensions as unknown as NodeJS.RequireExtensions;
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

/** zlib.crc32 came with Node 20.15; older ones check with SHA-1. */
const crc32 = (zlib as { crc32?: (data: Uint8Array) => number }).crc32;
const SUM_BYTES = crc32 ? 4 : 20;

function checksum(data: Uint8Array): Buffer {
  if (crc32) {
    const b = Buffer.alloc(4);
    b.writeUInt32BE(crc32(data));
    return b;
  }
  return crypto.createHash('sha1').update(data).digest();
}

interface Pack {
  readonly buffer: Buffer;
  readonly modules: Map<string, Packed>;
  readonly resolutions: Map<string, string>;
  readonly probes: Map<string, Signature>;
}

/**
 * Header (one JSON line after FORMAT): `s` the strings (paths and requests), `m` the modules
 * ([file, source bytes, data bytes, signature]), `r` the resolutions ([from, request, to]),
 * `p` the probed paths ([path, signature or null]), numbers indexing `s`. Then every module's
 * source, every module's V8 data, and the checksum of everything before it.
 */
interface Header {
  readonly s: string[];
  readonly m: [number, number, number, string][];
  readonly r: [number, number, number][];
  readonly p: [number, Signature][];
}

/** The pack, if intact and every file it describes is as it was recorded. */
function readPack(file: string): Pack | undefined {
  let buf: Buffer;
  try {
    buf = fs.readFileSync(file);
  } catch {
    return undefined;
  }
  try {
    if (buf.length < FORMAT.length + SUM_BYTES || buf.toString('latin1', 0, FORMAT.length) !== FORMAT) return undefined;
    const end = buf.length - SUM_BYTES;
    if (!checksum(buf.subarray(0, end)).equals(buf.subarray(end))) return undefined;
    const eol = buf.indexOf(10, FORMAT.length);
    if (eol < 0 || eol >= end) return undefined;
    const h = JSON.parse(buf.toString('utf8', FORMAT.length, eol)) as Header;
    const s = h.s;
    const modules = new Map<string, Packed>();
    let offset = eol + 1;
    let sources = 0;
    for (const [, length] of h.m) sources += length;
    let dataOffset = offset + sources;
    for (const [f, length, dataLength, sig] of h.m) {
      const name = s[f];
      if (signature(name) !== sig) return undefined;
      modules.set(name, { start: offset, length, dataStart: dataOffset, dataLength, sig });
      offset += length;
      dataOffset += dataLength;
    }
    if (dataOffset !== end) return undefined;
    const probes = new Map<string, Signature>();
    for (const [p, sig] of h.p) {
      if (signature(s[p]) !== sig) return undefined;
      probes.set(s[p], sig);
    }
    const resolutions = new Map<string, string>();
    for (const [from, request, to] of h.r) resolutions.set(s[from] + '\0' + s[request], s[to]);
    return { buffer: buf, modules, resolutions, probes };
  } catch {
    return undefined;
  }
}

function writePack(file: string, previous: Pack | undefined, compiled: ReadonlyMap<string, Compiled>, resolutions: ReadonlyMap<string, string>, probes: ReadonlyMap<string, Signature>): void {
  const strings = new Map<string, number>();
  const id = (v: string) => {
    let n = strings.get(v);
    if (n === undefined) strings.set(v, n = strings.size);
    return n;
  };
  const header: Header = { s: [], m: [], r: [], p: [] };
  const sources: Buffer[] = [];
  const data: Buffer[] = [];
  let bytes = 0;
  const add = (f: string, source: Buffer, d: Buffer, sig: string) => {
    header.m.push([id(f), source.length, d.length, sig]);
    sources.push(source);
    data.push(d);
    bytes += source.length + d.length;
  };
  for (const [f, c] of compiled) {
    // Made after the run, the data also holds the functions that ran (V8 compiles those lazily).
    add(f, c.packed ?? Buffer.from(c.source, 'utf8'), c.reused ?? c.script.createCachedData(), c.sig);
  }
  if (previous) {
    for (const [f, e] of previous.modules) {
      if (compiled.has(f) || bytes + e.length + e.dataLength > MAX_BYTES) continue;
      add(f, previous.buffer.subarray(e.start, e.start + e.length), previous.buffer.subarray(e.dataStart, e.dataStart + e.dataLength), e.sig);
    }
  }
  for (const [key, to] of resolutions) {
    const cut = key.indexOf('\0');
    header.r.push([id(key.slice(0, cut)), id(key.slice(cut + 1)), id(to)]);
  }
  for (const [p, sig] of probes) header.p.push([id(p), sig]);
  header.s.push(...strings.keys());
  const body = Buffer.concat([Buffer.from(FORMAT, 'latin1'), Buffer.from(JSON.stringify(header) + '\n', 'utf8'), ...sources, ...data]);
  const tmp = `${file}.${process.pid}.${crypto.randomBytes(4).toString('hex')}.tmp`;
  try {
    fs.writeFileSync(tmp, Buffer.concat([body, checksum(body)]), { mode: 0o600 });
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
