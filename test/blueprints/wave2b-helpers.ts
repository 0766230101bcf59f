/**
 * Helpers for the tests of kit slots 27–35 (kyverno … coraza), on top of kit-helpers.ts: one
 * call synthesizes a small Sovereign and returns the slot file's objects, and a few
 * normalizations make the upstream YAML comparable with typed values.
 */
import { CLUSTER_DIR, HelmReleaseSpec, helmReleaseNamed, slotObjects, sovereignWith, upstreamProvenance } from './kit-helpers';
import { UpstreamChart } from '../../src/blueprint';
import { BlueprintUse } from '../../src/sovereign';
import { synthesize, SynthResult } from '../../src/synth';
import { isPlainObject, PlainObject } from '../../src/values';
import { K8sObject, objectsOf } from '../support/tools';

/** A synthesized slot: the whole result, the slot file's objects and its infrastructure/ objects. */
export interface SynthesizedSlot {
  readonly result: SynthResult;
  readonly kit: K8sObject[];
  readonly infrastructure: K8sObject[];
}

/** Synthesizes a Sovereign of exactly `blueprints` and reads one slot file (and its infrastructure/ twin, if any). */
export function synthSlot(blueprints: readonly BlueprintUse[], fileName: string): SynthesizedSlot {
  const result = synthesize(sovereignWith(blueprints));
  const infraFile = `${CLUSTER_DIR}/infrastructure/${fileName}`;
  return {
    result,
    kit: slotObjects(result, fileName),
    infrastructure: result.files.has(infraFile) ? objectsOf(result, infraFile) : [],
  };
}

/** The slot file's primary HelmRelease (`bp-<name>`). */
export function primaryRelease(slot: SynthesizedSlot, name: string): K8sObject & { spec: HelmReleaseSpec } {
  return helmReleaseNamed(slot.kit, `bp-${name}`);
}

/**
 * Asserts the chart pin equals the upstream Blueprint chart's `catalystBlueprint.upstream`
 * record. helmChart() refuses a repository URL ending in '/', which some upstream records have
 * (`https://kyverno.github.io/kyverno/`); both name the same Helm repository.
 */
export function expectUpstreamPin(chart: UpstreamChart, name: string): void {
  const prov = upstreamProvenance(name);
  expect({ chart: chart.chart, version: chart.version, repo: chart.repository }).toEqual({ ...prov, repo: prov.repo.replace(/\/$/, '') });
}

/**
 * Kubernetes quantities written as YAML numbers (`cpu: 1`) as the strings the typed values
 * hold (`cpu: '1'`): the same quantity to the API server, and the typed schema keeps every
 * quantity a string so `1` and `1000m` are checked by one pattern.
 */
export function quantitiesAsStrings<T>(value: T): T {
  return walk(value, false) as T;
}

function walk(v: unknown, inResourceList: boolean): unknown {
  if (Array.isArray(v)) return v.map((x) => walk(x, false));
  if (isPlainObject(v)) {
    const out: Record<string, unknown> = {};
    for (const [k, x] of Object.entries(v)) {
      if (inResourceList && typeof x === 'number') out[k] = String(x);
      else out[k] = walk(x, k === 'requests' || k === 'limits');
    }
    return out;
  }
  return v;
}

/** A copy of `obj` with the value at `path` (dot-separated) removed; fails the test if it is absent. */
export function without(obj: PlainObject, path: string): PlainObject {
  const keys = path.split('.');
  const copy = JSON.parse(JSON.stringify(obj)) as Record<string, unknown>;
  let cur: Record<string, unknown> = copy;
  for (const k of keys.slice(0, -1)) {
    if (!isPlainObject(cur[k])) throw new Error(`no ${path} in the upstream values`);
    cur = cur[k] as Record<string, unknown>;
  }
  const last = keys[keys.length - 1];
  if (!(last in cur)) throw new Error(`no ${path} in the upstream values`);
  delete cur[last];
  return copy;
}

/** The object of a kind and name; fails with the list of what is there. */
export function objectNamed<T = PlainObject>(objects: readonly K8sObject[], kind: string, name: string): K8sObject & T {
  const o = objects.find((x) => x.kind === kind && x.metadata.name === name);
  if (!o) throw new Error(`no ${kind}/${name}; have ${objects.map((x) => `${x.kind}/${x.metadata.name}`).join(', ')}`);
  return o as K8sObject & T;
}

/** Annotation the Flux writer puts on the namespace baseline NetworkPolicies it adds (src/network.ts). */
const FLOW_REASON = 'catalyst.openova.io/flow-reason';

/**
 * `kind/name` of every object the Blueprint itself contributes to its slot file, sorted. The
 * namespace baseline NetworkPolicies the writer adds to every namespace it creates are left out:
 * they follow from the graph, not from the Blueprint.
 */
export function inventory(objects: readonly K8sObject[]): string[] {
  const baseline = (o: K8sObject) => o.kind === 'NetworkPolicy' && (o.metadata.annotations as Record<string, string> | undefined)?.[FLOW_REASON] !== undefined;
  return objects.filter((o) => !baseline(o)).map((o) => `${o.kind}/${o.metadata.name}`).sort();
}

/** Every `image:` string anywhere in the objects. */
export function imagesIn(objects: readonly unknown[]): string[] {
  const found: string[] = [];
  const visit = (v: unknown): void => {
    if (Array.isArray(v)) {
      v.forEach(visit);
    } else if (isPlainObject(v)) {
      for (const [k, x] of Object.entries(v)) {
        if (k === 'image' && typeof x === 'string') found.push(x);
        else visit(x);
      }
    }
  };
  objects.forEach(visit);
  return found;
}
