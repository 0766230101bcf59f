/**
 * Helpers for the kit slot 15-26 tests, on top of kit-helpers: a Sovereign holding a Blueprint
 * and exactly its dependency closure, slot comparison where dependsOn is a set (the writer
 * orders it by install order, the upstream kit files by hand), normalization of the YAML 1.1
 * quirks of the curated values files, and secret-material checks.
 */
import { execFileSync } from 'child_process';
import * as fs from 'fs';
import * as nodePath from 'path';
import { ApiObject } from 'cdk8s';
import {
  CLUSTER_DIR, expectedChartValues, HelmReleaseSpec, KitSlot, slotBlueprintVersion, sovereignWith,
} from './kit-helpers';
import { Blueprint, BlueprintClass, resolveRef } from '../../src/blueprint';
import { BlueprintUse, Sovereign, use } from '../../src/sovereign';
import { SynthResult } from '../../src/synth';
import { isPlainObject, PlainObject } from '../../src/values';
import { K8sObject, objectsOf, tempDir } from '../support/tools';

/** Every Blueprint class `cls` depends on, transitively, in kit slot order (dependencies first). */
export function dependencyClosure(cls: BlueprintClass): BlueprintClass[] {
  const seen = new Map<string, BlueprintClass>();
  const visit = (c: BlueprintClass) => {
    for (const d of c.spec.depends ?? []) {
      const dep = resolveRef(typeof d === 'object' && 'blueprint' in d ? d.blueprint : d);
      if (!seen.has(dep.spec.name)) {
        seen.set(dep.spec.name, dep);
        visit(dep);
      }
    }
  };
  visit(cls);
  return [...seen.values()].sort((a, b) => (a.spec.slot ?? 99) - (b.spec.slot ?? 99) || a.spec.name.localeCompare(b.spec.name));
}

/** A Blueprint under test plus its dependency closure; `index` is its position in `blueprints[]`. */
export interface Closure {
  readonly uses: BlueprintUse[];
  readonly index: number;
  /** Field path of the Blueprint's props, e.g. `sovereign.blueprints[3]`. */
  readonly path: string;
}

/**
 * The Blueprint with `options` and every dependency with its defaults (or the options in
 * `overrides`, keyed by Blueprint class).
 */
export function closureOf<C extends BlueprintClass>(
  cls: C,
  options: Omit<BlueprintUse<C>, 'blueprint'> = {},
  overrides: ReadonlyMap<BlueprintClass, Omit<BlueprintUse, 'blueprint'>> = new Map(),
): Closure {
  const deps = dependencyClosure(cls);
  const uses = [...deps.map((d) => ({ ...(overrides.get(d) ?? {}), blueprint: d }) as BlueprintUse), use(cls, options) as BlueprintUse];
  return { uses, index: deps.length, path: `sovereign.blueprints[${deps.length}]` };
}

/** A Sovereign with the Blueprint and its dependency closure. */
export function sovereignOf<C extends BlueprintClass>(cls: C, options: Omit<BlueprintUse<C>, 'blueprint'> = {}): Sovereign {
  return sovereignWith(closureOf(cls, options).uses);
}

/**
 * Like kit-helpers' expectMatchesSlot, with dependsOn compared as a set: the writer lists a
 * HelmRelease's dependencies in install order, the upstream kit files in whatever order their
 * authors wrote. `extraDependsOn` are deliberate additions (each documented by its test).
 */
export function expectMatchesSlotSet(hr: K8sObject & { spec: HelmReleaseSpec }, slot: KitSlot, extraDependsOn: readonly string[] = []): void {
  expect(hr.metadata.name).toBe(slot.helmRelease);
  expect(hr.metadata.namespace).toBe('flux-system');
  expect(hr.spec.releaseName).toBe(slot.releaseName);
  expect(hr.spec.targetNamespace).toBe(slot.targetNamespace);
  expect(hr.spec.interval).toBe(slot.interval);
  expect(hr.spec.timeout).toBe(slot.timeout);
  expect(hr.spec.install).toEqual(slot.install);
  expect(hr.spec.upgrade).toEqual(slot.upgrade);
  expect((hr.spec.dependsOn ?? []).map((d) => d.name).sort()).toEqual([...slot.dependsOn, ...extraDependsOn].sort());
  for (const d of hr.spec.dependsOn ?? []) expect(d.namespace).toBe('flux-system');
  expect(hr.metadata.labels?.['catalyst.openova.io/blueprint-version']).toBe(slotBlueprintVersion(slot));
}

/**
 * The curated values as Helm receives them, normalized for comparison: YAML 1.1 reads
 * `from: 2024-04-01` as a timestamp (go-yaml hands Helm the string), and the curated files write
 * some CPU quantities as numbers (`cpu: 1`), which the typed values hold as the equivalent
 * Kubernetes quantity string `"1"`.
 */
export function curatedChartValues(name: string, dep: string, slot: KitSlot): PlainObject {
  return normalize(expectedChartValues(name, dep, slot)) as PlainObject;
}

/** Applies the same normalization to values the Blueprint produced. */
export function normalize(v: unknown, key?: string): unknown {
  if (v instanceof Date) return v.toISOString().slice(0, 10);
  if (typeof v === 'number' && (key === 'cpu' || key === 'memory')) return String(v);
  if (Array.isArray(v)) return v.map((x) => normalize(x));
  if (isPlainObject(v)) {
    const out: Record<string, unknown> = {};
    for (const k of Object.keys(v)) out[k] = normalize(v[k], k);
    return out;
  }
  return v;
}

/** A deep copy of `base` with `path` (dot-separated) set to `value`, or deleted when `value` is undefined. */
export function withPath(base: PlainObject, path: string, value: unknown): PlainObject {
  const copy = JSON.parse(JSON.stringify(base)) as Record<string, unknown>;
  const parts = path.split('.');
  let cur = copy;
  for (const p of parts.slice(0, -1)) {
    if (!isPlainObject(cur[p])) throw new Error(`no object at ${p} of ${path}`);
    cur = cur[p] as Record<string, unknown>;
  }
  const last = parts[parts.length - 1];
  if (value === undefined) {
    if (!(last in cur)) throw new Error(`no key ${path} to delete`);
    delete cur[last];
  } else {
    cur[last] = value;
  }
  return copy;
}

/** Objects of the Blueprint's infrastructure/ file (overlays whose API a HelmRelease installs). */
export function infraObjects(result: SynthResult, fileName: string): K8sObject[] {
  return objectsOf(result, `${CLUSTER_DIR}/infrastructure/${fileName}`);
}

/**
 * Every object of a Blueprint's slot: its bootstrap-kit file and, if it has one, its
 * infrastructure file (the writer keeps all of a Blueprint's overlays in infrastructure/ once one
 * of them needs a CRD a HelmRelease installs).
 */
export function allSlotObjects(result: SynthResult, fileName: string): K8sObject[] {
  const infra = `${CLUSTER_DIR}/infrastructure/${fileName}`;
  return [...objectsOf(result, `${CLUSTER_DIR}/bootstrap-kit/${fileName}`), ...(result.files.has(infra) ? objectsOf(result, infra) : [])];
}

/** Key names whose string values would be credentials. */
const SENSITIVE = /^(password|secretkey|accesskey|accessKeyId|secretAccessKey|salt|encryptionKey|token|tokenKey|apiKey|harborAdminPassword|adminPassword)$/i;

/**
 * Asserts no credential is written: no Secret object, and every value under a credential-like
 * key is empty or a reference (an object such as `secretKeyRef`). Returns the paths checked.
 */
export function expectNoSecretMaterial(objects: readonly K8sObject[]): string[] {
  expect(objects.filter((o) => o.kind === 'Secret')).toEqual([]);
  const checked: string[] = [];
  const walk = (v: unknown, at: string) => {
    if (Array.isArray(v)) {
      v.forEach((x, i) => walk(x, `${at}[${i}]`));
    } else if (isPlainObject(v)) {
      for (const [k, x] of Object.entries(v)) {
        if (SENSITIVE.test(k) && typeof x === 'string') {
          checked.push(`${at}.${k}`);
          expect(`${at}.${k}=${x}`).toBe(`${at}.${k}=`);
        }
        walk(x, `${at}.${k}`);
      }
    }
  };
  for (const o of objects) walk(o, `${o.kind}/${o.metadata.name}`);
  return checked;
}

/** Overlay objects a Blueprint built (including optional ones the writer may drop), as JSON. */
export function overlayJson(bp: Blueprint): K8sObject[] {
  return bp.overlayScope.node.findAll().filter(ApiObject.isApiObject).map((o) => o.toJson() as K8sObject);
}

/** The env entries a container reads from Secrets, as `NAME <- secret/key`. */
export function secretEnv(env: readonly { name: string; valueFrom?: { secretKeyRef?: { name: string; key: string } } }[]): string[] {
  return env.filter((e) => e.valueFrom?.secretKeyRef).map((e) => `${e.name} <- ${e.valueFrom!.secretKeyRef!.name}/${e.valueFrom!.secretKeyRef!.key}`);
}

/**
 * Runs an in-cluster Secret generator's script (RandomSecret) with a stub `curl` that answers
 * the existence check with 404 and the POST with 201, and returns the Secret it POSTed.
 */
export function runGenerator(script: string): { metadata: { name: string; namespace: string }; stringData: Record<string, string> } {
  const dir = tempDir('random-secret-');
  const body = nodePath.join(dir, 'body.json');
  fs.writeFileSync(nodePath.join(dir, 'curl'), [
    '#!/bin/sh',
    'post=no; for a in "$@"; do [ "$a" = POST ] && post=yes; done',
    `if [ $post = yes ]; then cat > '${body}'; printf 201; else printf 404; fi`,
  ].join('\n'), { mode: 0o755 });
  execFileSync('/bin/sh', ['-c', script], { env: { PATH: `${dir}:/usr/bin:/bin` }, stdio: ['ignore', 'pipe', 'pipe'] });
  return JSON.parse(fs.readFileSync(body, 'utf8')) as { metadata: { name: string; namespace: string }; stringData: Record<string, string> };
}
