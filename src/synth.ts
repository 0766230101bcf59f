/**
 * Synthesis: from a checked Sovereign to the set of files `catalyst synth` writes.
 * `produceFiles` makes them, in a fixed order, as recipes handed to a sink; `synthesize` renders
 * them in memory (no disk, no thread, no child process), so it is callable as a library and
 * testable. `catalyst synth` uses a writer thread as its sink instead (src/synth-writer.ts).
 */
import { assertNoTokens, outputOwner, tokenIssues } from './audit';
import { CatalystError } from './errors';
import { writeAtomically } from './output';
import { FileRecipe, FileValueError, HEADER, renderFile, renderProblem, substitutionProblem } from './render';
import { Sovereign } from './sovereign';
import type { FileProblem, Verdict } from './synth-protocol';
import type { SynthWriter } from './synth-writer';
import { tenantObjects } from './tenants';
import { allowOptimization } from './tiering';
import { blueprintResource } from './writers/blueprint-cr';
import { chartRecipes } from './writers/chart';
import { buildFluxTree, checkUnique, EmittedObject, FluxTree, releaseObjects } from './writers/flux';
import { JsonValue } from './yaml';

/** Files by path relative to the output directory, in a deterministic order. */
export type FileMap = ReadonlyMap<string, string>;

export interface SynthStats {
  readonly blueprints: number;
  readonly objects: number;
  readonly objectsByKind: Readonly<Record<string, number>>;
  readonly files: number;
  readonly bytes: number;
}

/** Milliseconds spent in each part of synthesis (what `bench/` reports). */
export interface SynthPhases {
  /** Building the Kubernetes objects (cdk8s constructs resolved to JSON) and checking them. */
  readonly build: number;
  /** Writing objects as YAML/JSON text (on the writer thread under `catalyst synth`). */
  readonly serialise: number;
  /** Phase 0 (cdktf), when the Sovereign has a cloud. */
  readonly phase0: number;
}

/** What a synthesis made, apart from the files themselves. */
export interface SynthSummary {
  readonly phases: SynthPhases;
  readonly warnings: readonly string[];
  readonly stats: SynthStats;
  readonly flux: FluxTree;
}

export interface SynthResult extends SynthSummary {
  readonly files: FileMap;
}

/**
 * Receives each file of a synthesis as it is made, as a recipe (src/render.ts). Files added
 * before fluxComplete() form the Flux tree: the sink checks their `${...}` substitutions
 * (substitutionProblem) when fluxComplete() is called, or reports them then.
 */
export interface FileSink {
  /**
   * The Flux tree is built; files follow. A sink that reports a file's problem later (the
   * writer thread) keeps it to name the Blueprint or Organization that wrote the file.
   */
  fluxBuilt?(flux: FluxTree): void;
  add(path: string, recipe: FileRecipe): void;
  /** Every Flux-tree file has been added; Phase 0, blueprint.yaml, charts and platform.json follow. */
  fluxComplete(): void;
}

/** What produceFiles() knows besides the files. */
export interface Produced {
  readonly flux: FluxTree;
  readonly objectsByKind: ReadonlyMap<string, number>;
  readonly objects: number;
  readonly phase0Ms: number;
}

function kustomization(resources: readonly string[], comment?: string): FileRecipe {
  return {
    prefix: HEADER + (comment ? `# ${comment}\n` : ''),
    yaml: { apiVersion: 'kustomize.config.k8s.io/v1beta1', kind: 'Kustomization', resources: [...resources] },
  };
}

function stream(objects: readonly EmittedObject[]): FileRecipe {
  return { prefix: HEADER, stream: objects.map((o) => o.json as unknown as JsonValue) };
}

/**
 * Renders each file as it is added and keeps the text (the library's `synthesize()`, and
 * `catalyst synth` below WRITER_THREAD_FILES). An error rendering a file is thrown when it is
 * added; substitutions are checked over the Flux tree at fluxComplete().
 */
class MemorySink implements FileSink {
  readonly files = new Map<string, string>();
  /** How many of `files` (the first ones) form the Flux tree, once fluxComplete() was called. */
  private fluxFiles: number | undefined;
  serialiseMs = 0;

  add(path: string, recipe: FileRecipe): void {
    const t = performance.now();
    let text: string;
    try {
      text = renderFile(recipe);
    } catch (e) {
      const problem = renderProblem(path, recipe, e);
      throw problem ? new FileValueError(path, problem) : e;
    } finally {
      this.serialiseMs += performance.now() - t;
    }
    this.files.set(path, text);
  }

  fluxComplete(): void {
    this.fluxFiles = this.files.size;
    for (const [path, content] of this.files) {
      const problem = substitutionProblem(path, content);
      if (problem) throw CatalystError.at('sovereign', problem);
    }
  }

  /** Hands everything added so far to another sink, in the same order and with the same Flux boundary. */
  drainInto(sink: FileSink): void {
    let n = 0;
    for (const [path, text] of this.files) {
      if (n++ === this.fluxFiles) sink.fluxComplete();
      sink.add(path, { text });
    }
    if (n === this.fluxFiles) sink.fluxComplete();
  }
}

const cache = new WeakMap<Sovereign, SynthResult>();

/**
 * Synthesizes a Sovereign. The construct tree is built once, so the result is memoized per
 * Sovereign: calling it again returns the same files.
 */
export function synthesize(sov: Sovereign): SynthResult {
  let result = cache.get(sov);
  if (!result) {
    result = synthesizeOnce(sov);
    cache.set(sov, result);
  }
  return result;
}

function synthesizeOnce(sov: Sovereign): SynthResult {
  const started = performance.now();
  const sink = new MemorySink();
  const produced = produceFiles(sov, sink);
  return checkedInMemory(sov, sink, produced, started);
}

/** The files of an in-memory synthesis, sorted and checked for token-like strings, with their summary. */
function checkedInMemory(sov: Sovereign, sink: MemorySink, produced: Produced, started: number): SynthResult {
  const sorted = new Map([...sink.files.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
  // No token-like string may leave the program (src/audit.ts): fail the synth, naming the file.
  assertNoTokens(sorted, outputOwner(sov, produced.flux));
  let bytes = 0;
  for (const c of sorted.values()) bytes += Buffer.byteLength(c);
  const build = performance.now() - started - sink.serialiseMs - produced.phase0Ms;
  return { files: sorted, ...summarize(sov, produced, { build, serialise: sink.serialiseMs, phase0: produced.phase0Ms }, sorted.size, bytes) };
}

/** The summary of a synthesis whose files were counted and measured elsewhere. */
export function summarize(sov: Sovereign, produced: Produced, phases: SynthPhases, files: number, bytes: number): SynthSummary {
  return {
    phases,
    warnings: produced.flux.warnings,
    flux: produced.flux,
    stats: {
      blueprints: sov.blueprints.length,
      objects: produced.objects,
      objectsByKind: Object.fromEntries([...produced.objectsByKind.entries()].sort(([a], [b]) => kindOrder(a, b))),
      files,
      bytes,
    },
  };
}

/**
 * Makes every file of a Sovereign's output, in a fixed order, and hands each to `sink`. Throws
 * a CatalystError for a problem of the model; the files already added must then be discarded.
 */
export function produceFiles(sov: Sovereign, target: FileSink): Produced {
  const dir = `flux/clusters/${sov.props.fqdn}`;
  let files = 0;
  const flux = buildFluxTree(sov);
  target.fluxBuilt?.(flux);
  const sink: FileSink = {
    add: (path, recipe) => {
      // A large output: the rest of the run is long enough for TurboFan to pay (src/tiering.ts).
      if (++files === WRITER_THREAD_FILES) allowOptimization();
      try {
        target.add(path, recipe);
      } catch (e) {
        throw e instanceof FileValueError ? CatalystError.at(outputOwner(sov, flux)(e.file), e.message) : e;
      }
    },
    fluxComplete: () => target.fluxComplete(),
  };
  const kitFiles: string[] = [];
  const infraFiles: string[] = [];
  for (const slot of flux.slots) {
    if (slot.kit.length) {
      sink.add(`${dir}/bootstrap-kit/${slot.fileName}`, stream(slot.kit));
      kitFiles.push(slot.fileName);
    }
    if (slot.infrastructure.length) {
      sink.add(`${dir}/infrastructure/${slot.fileName}`, stream(slot.infrastructure));
      infraFiles.push(slot.fileName);
    }
  }
  sink.add(`${dir}/bootstrap-kit/kustomization.yaml`, kustomization(kitFiles, 'Install order; Flux dependsOn on each HelmRelease is what enforces it.'));
  sink.add(`${dir}/infrastructure/kustomization.yaml`, kustomization(infraFiles, 'Objects whose CRDs bootstrap-kit HelmReleases install; reconciled after bootstrap-kit is Ready.'));
  const kinds: KindCounts = new Map();
  writeTenants(sov, dir, sink, kinds);
  sink.add(`${dir}/flux-system/sync.yaml`, stream(flux.sync));
  sink.add(`${dir}/kustomization.yaml`, kustomization(['bootstrap-kit', 'infrastructure', 'tenants'], 'The whole tree; Flux reconciles the three folders as separate Kustomizations (flux-system/sync.yaml).'));
  sink.fluxComplete();

  let phase0Ms = 0;
  if (sov.props.cloud) {
    const t = performance.now();
    // Phase 0 only loads cdktf and the providers when the Sovereign has a cloud. Its files are
    // Terraform JSON, full of ${...} expressions, so they are not checked as Flux files.
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const phase0 = require('../stacks') as typeof import('../stacks');
    for (const [path, content] of phase0.synthesizePhase0(sov)) sink.add(path, { text: content });
    phase0Ms = performance.now() - t;
  }

  for (const bp of sov.blueprints) {
    sink.add(`blueprints/${bp.publishedName}/blueprint.yaml`, { prefix: HEADER, yaml: blueprintResource(bp, sov.graph) });
  }
  for (const slot of flux.slots) {
    for (const [path, recipe] of chartRecipes(slot)) sink.add(path, recipe);
  }

  countKinds([...flux.slots.flatMap((s) => [...s.kit, ...s.infrastructure, ...(sov.distribution.mode === 'oci' ? s.overlays : [])]), ...flux.sync], kinds);
  let objects = 0;
  for (const n of kinds.values()) objects += n;

  sink.add('platform.json', { json: platformModel(sov, flux) as JsonValue });
  return { flux, objectsByKind: kinds, objects, phase0Ms };
}

/** Milliseconds the main thread spent on the output, for `catalyst synth`'s phases. */
export interface WriterTimes {
  /** From the last file sent to the output in place: the rendering and writing the main thread waited for. */
  readonly write: number;
}

/**
 * When `synthesizeInto` moves rendering and writing to a writer thread: after WRITER_THREAD_FILES
 * files (`auto`), from the first file (`on`), never (`off`), or after this many files.
 */
export type WriterThreadMode = 'auto' | 'on' | 'off' | number;

/**
 * Files after which `synthesizeInto` starts the writer thread (mode `auto`). Below it, starting
 * a thread costs more than it saves: on this project's 2-core reference machine, V8's own
 * background threads (GC, compilers) already use the second core during a small synth.
 */
export const WRITER_THREAD_FILES = 1000;

/**
 * Synthesizes a Sovereign into `outDir` (what `catalyst synth` does). A large output is rendered,
 * checked and written on a writer thread (src/synth-worker.ts) while the main thread builds: the
 * main thread sends each file on as a recipe, and the writer thread commits only once the main
 * thread finds the whole output sound. A small one is rendered in memory and written as
 * `synthesize()` + `writeAtomically()` do. Either way the files, the errors and their order are
 * the same (test/core/synth-writer.test.ts), and on a problem the previous output stays untouched.
 */
export async function synthesizeInto(sov: Sovereign, outDir: string, mode: WriterThreadMode = 'auto'): Promise<{ readonly summary: SynthSummary; readonly times: WriterTimes }> {
  const started = performance.now();
  const memory = new MemorySink();
  let writer: SynthWriter | undefined;
  let fluxSent = false;
  let added = 0;
  let ownerOf: ((file: string) => string) | undefined;
  const threaded: FileSink = {
    add: (file, recipe) => writer!.send(file, recipe),
    fluxComplete: () => {
      fluxSent = true;
      writer!.fluxComplete();
    },
  };
  const sink: FileSink = {
    fluxBuilt: (flux) => {
      ownerOf = outputOwner(sov, flux);
    },
    add: (file, recipe) => {
      if (writer) return threaded.add(file, recipe);
      memory.add(file, recipe);
      if (mode !== 'off' && ++added >= (mode === 'on' ? 1 : mode === 'auto' ? WRITER_THREAD_FILES : mode)) {
        // Required here: a small synthesis never loads worker_threads (~3 ms).
        // eslint-disable-next-line @typescript-eslint/no-require-imports
        writer = (require('./synth-writer') as typeof import('./synth-writer')).SynthWriter.start(outDir);
        if (writer) memory.drainInto(threaded);
        else mode = 'off';
      }
    },
    fluxComplete: () => (writer ? threaded.fluxComplete() : memory.fluxComplete()),
  };
  let produced: Produced;
  try {
    produced = produceFiles(sov, sink);
  } catch (e) {
    throw writer ? await failWith(writer, e, fluxSent, ownerOf) : e;
  }
  const built = performance.now();
  if (!writer) {
    const { files, ...summary } = checkedInMemory(sov, memory, produced, started);
    const checked = performance.now();
    writeAtomically(outDir, files);
    return { summary, times: { write: performance.now() - checked } };
  }
  let verdict: Verdict;
  try {
    verdict = await writer.end();
    const problem = firstProblem(verdict, Infinity, true, ownerOf) ?? tokenProblem(verdict, sov, produced);
    if (problem) throw problem;
    if (verdict.writeError) throw Object.assign(new Error(verdict.writeError.message), { stack: verdict.writeError.stack });
  } catch (e) {
    await writer.abort();
    throw e;
  }
  await writer.commit();
  // serialise: rendering on both threads (the writer thread's overlaps the build).
  const rendered = memory.serialiseMs + writer.renderMs;
  const phases = { build: built - started - produced.phase0Ms - rendered, serialise: verdict.serialiseMs + rendered, phase0: produced.phase0Ms };
  return { summary: summarize(sov, produced, phases, verdict.files, verdict.bytes), times: { write: performance.now() - built } };
}

/**
 * The error to report when producing the files threw `e`: a problem of a file sent before it if
 * the in-memory path would have raised that first (it renders each file when added and checks
 * the Flux tree's substitutions once the tree is complete).
 */
async function failWith(writer: SynthWriter, e: unknown, fluxChecked: boolean, ownerOf: ((file: string) => string) | undefined): Promise<unknown> {
  const sentBefore = writer.sent;
  let error = e;
  try {
    error = firstProblem(await writer.end(), sentBefore, fluxChecked, ownerOf) ?? e;
  } catch {
    // the writer thread failed too: report the synthesis error
  }
  await writer.abort();
  return error;
}

/**
 * The problem the in-memory path raises first among the files sent before `sentBefore`:
 * rendering errors as the files come, the substitution check at the end of the Flux tree (if
 * it was reached: `fluxChecked`).
 */
function firstProblem(v: Verdict, sentBefore: number, fluxChecked: boolean, ownerOf: ((file: string) => string) | undefined): Error | undefined {
  const render = v.renderError && v.renderError.seq < sentBefore ? v.renderError : undefined;
  // As MemorySink and produceFiles raise it: the program's value names its writer, anything else is ours.
  const renderFailure = (p: FileProblem) => (p.user ? CatalystError.at(ownerOf?.(p.path) ?? 'sovereign', p.message) : new Error(p.message));
  if (render && render.seq < v.fluxFiles) return renderFailure(render);
  if (fluxChecked && v.substitution) return CatalystError.at('sovereign', v.substitution.message);
  if (render) return renderFailure(render);
  return undefined;
}

function tokenProblem(v: Verdict, sov: Sovereign, produced: Produced): Error | undefined {
  const issues = tokenIssues(v.tokens, outputOwner(sov, produced.flux));
  return issues.length ? new CatalystError(issues) : undefined;
}

/**
 * Kinds ignoring case, as a reader looks them up (HelmRelease before HTTPRoute). Not
 * localeCompare: the same for ASCII kinds, without the ICU collator's start-up (~8 ms a synth)
 * or a dependence on the locale.
 */
function kindOrder(a: string, b: string): number {
  const x = a.toLowerCase();
  const y = b.toLowerCase();
  if (x !== y) return x < y ? -1 : 1;
  return a < b ? 1 : a > b ? -1 : 0;
}

/** Objects counted by kind. */
type KindCounts = Map<string, number>;

function countKinds(objects: readonly EmittedObject[], into: KindCounts): void {
  for (const o of objects) into.set(o.json.kind, (into.get(o.json.kind) ?? 0) + 1);
}

/**
 * Writes tenants/: host objects per Organization and Environment, and each Environment's
 * folders. Objects are serialised as each Organization is built and then dropped; what is kept
 * is their identity (for collisions) and their count.
 */
function writeTenants(sov: Sovereign, dir: string, sink: FileSink, kinds: KindCounts): void {
  const hostIds = new Map<string, Pick<EmittedObject, 'owner' | 'file'>>();
  const orgNames: string[] = [];
  // Issues of the model come first; a collision is reported only when there are none.
  let collision: unknown;
  const unique = (objs: readonly EmittedObject[], seen?: Map<string, Pick<EmittedObject, 'owner' | 'file'>>) => {
    try {
      checkUnique(objs, seen);
    } catch (e) {
      collision ??= e;
    }
  };
  const provided = new Set(sov.blueprints.flatMap((b) => b.spec.providesApis ?? []));
  const issues = tenantObjects(sov.organizations, {
    gitUrl: sov.gitops.url,
    clusterPath: sov.gitops.path,
    platformProvides: (api) => provided.has(api),
    releaseObjects,
  }, (t) => {
    const orgFiles = new Map<string, string[]>();
    for (const [rel, objs] of t.host) {
      const org = rel.split('/')[1];
      sink.add(`${dir}/${rel}`, stream(objs));
      unique(objs, hostIds);
      countKinds(objs, kinds);
      orgFiles.set(org, [...(orgFiles.get(org) ?? []), rel.split('/').slice(2).join('/')]);
    }
    for (const [org, list] of orgFiles) {
      orgNames.push(org);
      sink.add(`${dir}/tenants/${org}/kustomization.yaml`, kustomization(list, `Organization ${org}: host-side objects; its Environments reconcile their own folders.`));
    }
    for (const group of [t.releases, t.workloads]) {
      for (const [rel, objs] of group) {
        const parts = rel.split('/');
        unique(objs);
        countKinds(objs, kinds);
        if (objs.length) sink.add(`${dir}/${rel}`, stream(objs));
        const folder = parts.slice(0, -1).join('/');
        sink.add(`${dir}/${folder}/kustomization.yaml`, kustomization(objs.length ? [parts[parts.length - 1]] : [], 'Reconciled by the Environment\'s Kustomization.'));
      }
    }
  });
  if (issues.length) throw new CatalystError(issues);
  if (collision) throw collision;
  sink.add(`${dir}/tenants/kustomization.yaml`, kustomization(orgNames, 'Organizations, Environments and Applications.'));
}

/** The model as data: what a UI, a docs generator or an agent reads instead of re-deriving it. */
function platformModel(sov: Sovereign, flux: FluxTree): unknown {
  return {
    sovereign: {
      fqdn: sov.props.fqdn,
      org: sov.props.org,
      fqdnMode: sov.props.fqdnMode ?? 'substitute',
      cloud: sov.props.cloud ?? null,
      gitops: sov.gitops,
    },
    blueprints: flux.slots.map((s) => {
      const bp = s.blueprint;
      return {
        name: bp.publishedName,
        version: bp.spec.version,
        slot: bp.spec.slot ?? null,
        order: sov.blueprints.indexOf(bp) + 1,
        namespace: bp.namespace,
        releaseName: bp.spec.upstream.length ? bp.releaseName : null,
        visibility: bp.spec.visibility ?? 'unlisted',
        upstream: bp.spec.upstream,
        depends: sov.graph.dependenciesOf(bp.name).map((d) => d.publishedName),
        providesApis: bp.spec.providesApis ?? [],
        install: bp.install,
        files: [
          ...(s.kit.length ? [`${flux.clusterDir}/bootstrap-kit/${s.fileName}`] : []),
          ...(s.infrastructure.length ? [`${flux.clusterDir}/infrastructure/${s.fileName}`] : []),
          `blueprints/${bp.publishedName}/blueprint.yaml`,
          `charts/${bp.publishedName}/Chart.yaml`,
        ],
        objects: [...s.kit, ...s.infrastructure].map((o) => `${o.json.kind}/${o.json.metadata.namespace ? `${o.json.metadata.namespace}/` : ''}${o.json.metadata.name}`),
      };
    }),
    edges: sov.graph.edges.map((e) => ({ from: `bp-${e.from}`, to: `bp-${e.to}`, range: e.range, ...(e.alias ? { alias: e.alias } : {}) })),
    organizations: sov.organizations.map((o) => ({
      name: o.name,
      quota: o.quota,
      environments: o.environments.map((e) => ({
        name: e.name,
        type: e.type,
        applications: e.applications.map((a) => ({
          name: a.name,
          blueprint: a.blueprint.publishedName,
          version: a.blueprint.spec.version,
          namespace: a.blueprint.namespace,
          placement: a.placement,
          dependsOn: a.dependsOn,
        })),
      })),
    })),
  };
}
