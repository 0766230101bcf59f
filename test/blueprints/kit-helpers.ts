/**
 * Shared assertions for the bootstrap-kit Blueprint tests: read the upstream curated values and
 * the kit slot settings from test/fixtures/upstream-values, build a small Sovereign, and compare
 * the synthesized HelmReleases with what the upstream kit file declared.
 */
import * as fs from 'fs';
import * as path from 'path';
import { parse } from 'yaml';
import { Blueprint, BlueprintClass, UpstreamChart } from '../../src/blueprint';
import { isCatalystError } from '../../src/errors';
import { BlueprintUse, Sovereign } from '../../src/sovereign';
import { SynthResult } from '../../src/synth';
import { deepMerge, PlainObject } from '../../src/values';
import { K8sObject, kustomize, objectsOf, ROOT, synthToDisk } from '../support/tools';

export const FQDN = 'example.sovereign.test';
export const CLUSTER_DIR = `flux/clusters/${FQDN}`;
const FIXTURES = path.join(ROOT, 'test', 'fixtures', 'upstream-values');

function readYaml(file: string): PlainObject {
  // YAML 1.1, as Helm's go-yaml reads the upstream files.
  return parse(fs.readFileSync(path.join(FIXTURES, file), 'utf8'), { version: '1.1' }) as PlainObject;
}

/** The upstream Blueprint chart's curated values.yaml, transcribed. */
export function upstreamValues(name: string): PlainObject {
  return readYaml(`${name}.yaml`);
}

/** The `catalystBlueprint.upstream` provenance block of an upstream Blueprint chart. */
export function upstreamProvenance(name: string): { chart: string; version: string; repo: string } {
  const v = upstreamValues(name) as { catalystBlueprint: { upstream: { chart: string; version: string; repo: string } } };
  return v.catalystBlueprint.upstream;
}

/** One bootstrap-kit slot of clusters/_template, as in _kit-slots.yaml. */
export interface KitSlot {
  readonly helmRelease: string;
  readonly chart: string;
  readonly releaseName: string;
  readonly targetNamespace: string;
  readonly dependsOn: readonly string[];
  readonly interval: string;
  readonly timeout?: string;
  readonly install: PlainObject;
  readonly upgrade: PlainObject;
  readonly values?: PlainObject;
}

export function kitSlot(key: string): KitSlot {
  const slot = readYaml('_kit-slots.yaml')[key] as KitSlot | undefined;
  if (!slot) throw new Error(`no slot ${key} in _kit-slots.yaml`);
  return slot;
}

/** The Blueprint version the kit slot pins (`bp-flux@1.1.2` → `1.1.2`). */
export function slotBlueprintVersion(slot: KitSlot): string {
  return slot.chart.split('@')[1];
}

/**
 * What the upstream chart received in the kit: the curated values under the dependency key,
 * deep-merged with the slot's own `values.<dep>` overrides.
 */
export function expectedChartValues(name: string, dep: string, slot: KitSlot): PlainObject {
  const curated = (upstreamValues(name)[dep] ?? {}) as PlainObject;
  return deepMerge(curated, slot.values?.[dep]);
}

/** A Sovereign with only the given Blueprints (no kit). Throws like the real one. */
export function sovereignWith(blueprints: readonly BlueprintUse[]): Sovereign {
  return new Sovereign({
    fqdn: FQDN,
    org: { name: 'Acme', email: 'ops@acme.test' },
    includeKit: false,
    blueprints,
  });
}

/** The Blueprint instance of a class in a Sovereign; fails the test if absent. */
export function instanceOf<B extends Blueprint>(sov: Sovereign, cls: BlueprintClass<B>): B {
  const bp = sov.find(cls);
  if (!bp) throw new Error(`bp-${cls.spec.name} is not in the Sovereign`);
  return bp;
}

/** Helm values the Blueprint gives one of its upstream charts, with no user overrides. */
export function valuesFor(bp: Blueprint, chart: string): PlainObject {
  const u = bp.spec.upstream.find((x: UpstreamChart) => x.chart === chart);
  if (!u) throw new Error(`bp-${bp.name} has no upstream chart ${chart}`);
  return bp.helmValuesFor(u);
}

/** Objects of the Blueprint's slot file under bootstrap-kit/. */
export function slotObjects(result: SynthResult, fileName: string): K8sObject[] {
  return objectsOf(result, `${CLUSTER_DIR}/bootstrap-kit/${fileName}`);
}

export function helmReleaseNamed(objects: readonly K8sObject[], name: string): K8sObject & { spec: HelmReleaseSpec } {
  const hr = objects.find((o) => o.kind === 'HelmRelease' && o.metadata.name === name);
  if (!hr) throw new Error(`no HelmRelease ${name}; have ${objects.map((o) => `${o.kind}/${o.metadata.name}`).join(', ')}`);
  return hr as K8sObject & { spec: HelmReleaseSpec };
}

/** The HelmRelease fields the tests read. */
export interface HelmReleaseSpec {
  readonly interval: string;
  readonly releaseName: string;
  readonly targetNamespace: string;
  readonly storageNamespace: string;
  readonly timeout?: string;
  readonly chart?: { spec: { chart: string; version: string; sourceRef: { kind: string; name: string; namespace: string } } };
  readonly dependsOn?: readonly { name: string; namespace?: string }[];
  readonly install: PlainObject;
  readonly upgrade: PlainObject;
  readonly values: PlainObject;
}

/**
 * Asserts the HelmRelease carries the slot's install policy exactly: name, releaseName,
 * target namespace, interval, timeout, install/upgrade blocks, and dependsOn (the slot's
 * dependencies, after `extraDependsOn`, which the upstream kit did not need because it
 * installed one umbrella chart per slot).
 */
export function expectMatchesSlot(hr: K8sObject & { spec: HelmReleaseSpec }, slot: KitSlot, extraDependsOn: readonly string[] = []): void {
  expect(hr.metadata.name).toBe(slot.helmRelease);
  expect(hr.metadata.namespace).toBe('flux-system');
  expect(hr.spec.releaseName).toBe(slot.releaseName);
  expect(hr.spec.targetNamespace).toBe(slot.targetNamespace);
  expect(hr.spec.interval).toBe(slot.interval);
  expect(hr.spec.timeout).toBe(slot.timeout);
  expect(hr.spec.install).toEqual(slot.install);
  expect(hr.spec.upgrade).toEqual(slot.upgrade);
  expect((hr.spec.dependsOn ?? []).map((d) => d.name)).toEqual([...extraDependsOn, ...slot.dependsOn]);
  for (const d of hr.spec.dependsOn ?? []) expect(d.namespace).toBe('flux-system');
  expect(hr.metadata.labels?.['catalyst.openova.io/blueprint-version']).toBe(slotBlueprintVersion(slot));
}

/** Asserts the HelmRelease installs exactly `chart` from a HelmRepository with `repo`'s URL. */
export function expectChartPin(objects: readonly K8sObject[], hr: K8sObject & { spec: HelmReleaseSpec }, chart: UpstreamChart): void {
  expect(hr.spec.chart?.spec.chart).toBe(chart.chart);
  expect(hr.spec.chart?.spec.version).toBe(chart.version);
  const ref = hr.spec.chart!.spec.sourceRef;
  expect(ref.kind).toBe('HelmRepository');
  const repo = objects.find((o) => o.kind === 'HelmRepository' && o.metadata.name === ref.name && o.metadata.namespace === ref.namespace);
  expect(repo).toBeDefined();
  expect((repo as unknown as { spec: { url: string } }).spec.url).toBe(chart.repository);
}

/** Runs `fn`, expecting a CatalystError with an issue at exactly `path`; returns its message. */
export function expectIssueAt(fn: () => unknown, issuePath: string): string {
  let caught: unknown;
  try {
    fn();
  } catch (e) {
    caught = e;
  }
  if (!isCatalystError(caught)) throw new Error(`expected a CatalystError at ${issuePath}, got ${String(caught)}`);
  const issue = caught.issues.find((i) => i.path === issuePath);
  if (!issue) throw new Error(`expected an issue at ${issuePath}; got:\n${caught.message}`);
  return issue.message;
}

/** Synthesizes the Sovereign to disk and builds its cluster folder with the real `kubectl kustomize`. */
export function kustomizeCluster(sov: Sovereign): K8sObject[] {
  const { dir } = synthToDisk(sov);
  return kustomize(path.join(dir, CLUSTER_DIR));
}
