/**
 * Shared helpers for the application Blueprint tests (slots 36–48): build a Sovereign with one
 * Blueprint and everything it depends on, read its slot files, check OCI pins, pod hardening and
 * schema validity, and the dependency edges the upstream declared for these slots.
 */
import { CLUSTER_DIR, sovereignWith } from './kit-helpers';
import { AnthropicAdapter } from '../../blueprints/anthropic-adapter';
import { Librechat } from '../../blueprints/librechat';
import { Livekit } from '../../blueprints/livekit';
import { Matrix } from '../../blueprints/matrix';
import { BlueprintClass, DependencyDecl, resolveRef, UpstreamChart } from '../../src/blueprint';
import { BlueprintUse, Sovereign, use } from '../../src/sovereign';
import { SynthResult } from '../../src/synth';
import { deepMerge, PlainObject } from '../../src/values';
import { validateObject } from '../support/schema';
import { K8sObject, objectsOf } from '../support/tools';

/** A pinned adapter build (the upstream gave the image no tag, so the Blueprint has no default). */
export const ADAPTER_IMAGE = { repository: 'ghcr.io/openova-io/openova/anthropic-adapter', tag: 'sha-4f80be2' };

/**
 * Values a Blueprint cannot be installed without (schema-required, or required by an enabled
 * default such as Keycloak login): what a test Sovereign gives each of them.
 */
export const REQUIRED_VALUES: ReadonlyMap<BlueprintClass, PlainObject> = new Map<BlueprintClass, PlainObject>([
  [AnthropicAdapter as unknown as BlueprintClass, { image: ADAPTER_IMAGE }],
  [Livekit as unknown as BlueprintClass, { keys: { existingSecret: 'livekit-api-keys' } }],
  [Matrix as unknown as BlueprintClass, { oidc: { realm: 'acme', clientSecret: { name: 'matrix-oidc', key: 'client-secret' } } }],
  [Librechat as unknown as BlueprintClass, {
    mongo: { existingSecret: 'librechat-mongo' },
    credentials: { existingSecret: 'librechat-credentials' },
    keycloak: { realm: 'acme', existingSecret: 'librechat-oidc' },
  }],
]);

function declsOf(cls: BlueprintClass): DependencyDecl[] {
  return (cls.spec.depends ?? []).map((d) => (typeof d === 'object' && 'blueprint' in d ? d : { blueprint: d }));
}

/** `cls` and every Blueprint it depends on, transitively, dependencies first. */
export function closureOf(cls: BlueprintClass): BlueprintClass[] {
  const out: BlueprintClass[] = [];
  const visit = (c: BlueprintClass) => {
    if (out.includes(c)) return;
    for (const d of declsOf(c)) visit(resolveRef(d.blueprint));
    out.push(c);
  };
  visit(cls);
  return out;
}

/** `use(...)` entries for `cls` and its closure, with the required values and `values` for `cls`. */
export function appUses(cls: BlueprintClass, values: PlainObject = {}, extra: readonly BlueprintClass[] = []): BlueprintUse[] {
  const classes: BlueprintClass[] = [];
  for (const c of [...extra, cls]) for (const x of closureOf(c)) if (!classes.includes(x)) classes.push(x);
  // The target last, so its position is stable in error paths: sovereign.blueprints[N].
  const ordered = [...classes.filter((c) => c !== cls), cls];
  return ordered.map((c) => use(c, { values: deepMerge(REQUIRED_VALUES.get(c) ?? {}, c === cls ? values : undefined) as never }));
}

/** A Sovereign with `cls`, its closure and `extra` (no kit). */
export function appSovereign(cls: BlueprintClass, values: PlainObject = {}, extra: readonly BlueprintClass[] = []): Sovereign {
  return sovereignWith(appUses(cls, values, extra));
}

/** Index of `cls` in `appUses(cls, …)`: for `sovereign.blueprints[N]` error paths. */
export function targetIndex(cls: BlueprintClass, extra: readonly BlueprintClass[] = []): number {
  return appUses(cls, {}, extra).length - 1;
}

/** `NN-<name>.yaml`. */
export function slotFile(cls: BlueprintClass): string {
  return `${String(cls.spec.slot).padStart(2, '0')}-${cls.spec.name}.yaml`;
}

/** The Blueprint's objects in bootstrap-kit/ and infrastructure/ (an absent file is empty). */
export function appObjects(result: SynthResult, cls: BlueprintClass): { kit: K8sObject[]; infra: K8sObject[] } {
  const file = slotFile(cls);
  const read = (dir: string) => (result.files.has(`${CLUSTER_DIR}/${dir}/${file}`) ? objectsOf(result, `${CLUSTER_DIR}/${dir}/${file}`) : []);
  return { kit: read('bootstrap-kit'), infra: read('infrastructure') };
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type Obj = K8sObject & { spec?: any; data?: any };

export function find(objects: readonly K8sObject[], kind: string, name: string): Obj {
  const o = objects.find((x) => x.kind === kind && x.metadata.name === name);
  if (!o) throw new Error(`no ${kind}/${name}; have ${objects.map((x) => `${x.kind}/${x.metadata.name}`).join(', ')}`);
  return o as Obj;
}

/** Asserts an OCI chart pin: HelmRelease → chartRef → OCIRepository at `<registry>/<chart>` tag `<version>`. */
export function expectOciPin(objects: readonly K8sObject[], hrName: string, chart: UpstreamChart): void {
  const hr = find(objects, 'HelmRelease', hrName);
  expect(hr.spec.chart).toBeUndefined();
  expect(hr.spec.chartRef).toEqual({ kind: 'OCIRepository', name: expect.any(String), namespace: 'flux-system' });
  const repo = find(objects, 'OCIRepository', hr.spec.chartRef.name);
  expect(repo.metadata.namespace).toBe('flux-system');
  // The registry path and the chart name, not the chart name twice (upstream bug efa4180).
  expect(repo.spec.url).toBe(`${chart.repository}/${chart.chart}`);
  expect(repo.spec.ref).toEqual({ tag: chart.version });
}

/** Asserts a HTTPS HelmRepository pin. */
export function expectHelmPin(objects: readonly K8sObject[], hrName: string, chart: UpstreamChart): void {
  const hr = find(objects, 'HelmRelease', hrName);
  expect(hr.spec.chart.spec.chart).toBe(chart.chart);
  expect(hr.spec.chart.spec.version).toBe(chart.version);
  const repo = find(objects, 'HelmRepository', hr.spec.chart.spec.sourceRef.name);
  expect(repo.spec.url).toBe(chart.repository);
}

/**
 * Asserts the hardening every manifest-only workload gets: non-root pod and containers, no
 * privilege escalation, all capabilities dropped, RuntimeDefault seccomp, no API token, pinned
 * images, both probes, and env values from Secrets by reference only.
 */
export function expectHardenedDeployment(d: Obj): void {
  const pod = d.spec.template.spec;
  expect(pod.automountServiceAccountToken).toBe(false);
  expect(pod.securityContext).toMatchObject({ runAsNonRoot: true, seccompProfile: { type: 'RuntimeDefault' } });
  expect(pod.securityContext.runAsUser).toBeGreaterThan(0);
  for (const c of pod.containers) {
    expect(c.image).toMatch(/^[^:]+:[A-Za-z0-9_][A-Za-z0-9_.-]*$/);
    expect(c.image).not.toMatch(/:latest$/);
    expect(c.securityContext).toMatchObject({
      runAsNonRoot: true,
      allowPrivilegeEscalation: false,
      capabilities: { drop: ['ALL'] },
      seccompProfile: { type: 'RuntimeDefault' },
    });
    expect(c.livenessProbe?.httpGet).toBeDefined();
    expect(c.readinessProbe?.httpGet).toBeDefined();
    expect(c.resources?.requests).toBeDefined();
    expect(c.resources?.limits).toBeDefined();
    for (const e of c.env ?? []) {
      // A value that looks like a credential must come from a Secret.
      if (/(KEY|TOKEN|SECRET|PASSWORD|URI)$/.test(e.name) && !/_(PATH|URL)$/.test(e.name)) expect([e.name, e.valueFrom?.secretKeyRef]).toEqual([e.name, expect.any(Object)]);
    }
  }
}

/** Env vars of a container as name → entry. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export function envOf(container: any): Record<string, { value?: string; valueFrom?: { secretKeyRef?: { name: string; key: string } } }> {
  return Object.fromEntries((container.env ?? []).map((e: { name: string }) => [e.name, e]));
}

/**
 * Schema-validates every object (strict: unknown fields are errors). Kinds whose CRD schema is
 * not vendored are listed explicitly by the caller, so nothing is skipped silently.
 */
export function expectSchemaValid(objects: readonly K8sObject[], noSchema: readonly string[] = []): void {
  const errors: string[] = [];
  for (const o of objects) {
    if (noSchema.includes(`${o.apiVersion}/${o.kind}`)) continue;
    for (const e of validateObject(o)) errors.push(`${o.kind}/${o.metadata.name}: ${e}`);
  }
  expect(errors).toEqual([]);
}

/** Helm treats `cpu: 1` and `cpu: "1"` alike; the typed values hold quantities as strings. */
export function normalizeQuantities<T>(v: T): T {
  if (Array.isArray(v)) return v.map(normalizeQuantities) as unknown as T;
  if (v !== null && typeof v === 'object') {
    const out: Record<string, unknown> = {};
    for (const [k, x] of Object.entries(v)) out[k] = (k === 'cpu' || k === 'memory') && typeof x === 'number' ? String(x) : normalizeQuantities(x);
    return out as T;
  }
  return v;
}

/** Secrets in synthesized objects: there must be none (credentials are generated in-cluster or referenced). */
export function secretsIn(objects: readonly K8sObject[]): K8sObject[] {
  return objects.filter((o) => o.kind === 'Secret');
}

// ---------------------------------------------------------------------------------------------
// The dependency edges of slots 36–48, as the upstream declared them

/**
 * UPSTREAM.md §3.4, "Forward-declared but absent" (scripts/expected-bootstrap-deps.yaml, wave
 * W2.K4): the HelmRelease dependsOn each application slot was to have.
 */
export const FORWARD_DECLARED: Readonly<Record<string, readonly string[]>> = {
  'stunner': ['cilium', 'cert-manager'],
  'knative': ['cert-manager'],
  'kserve': ['knative'],
  'vllm': ['kserve'],
  'llm-gateway': ['cnpg', 'keycloak'],
  'anthropic-adapter': ['llm-gateway'],
  'bge': ['cnpg'],
  'nemo-guardrails': ['llm-gateway', 'bge', 'cnpg'],
  'temporal': ['cnpg', 'cert-manager'],
  'openmeter': ['cnpg', 'nats-jetstream'],
  'livekit': ['stunner', 'cert-manager'],
  'matrix': ['cnpg', 'keycloak', 'cert-manager'],
  'librechat': ['llm-gateway', 'vllm', 'bge', 'keycloak'],
};

/** UPSTREAM.md §2.3, the `depends` column of each blueprint.yaml: name → [dependency, range, alias?]. */
export const SPEC_DEPENDS: Readonly<Record<string, readonly (readonly [string, string, string?])[]>> = {
  'stunner': [['cilium', '^1'], ['cert-manager', '^1']],
  'knative': [['cilium', '^1'], ['cert-manager', '^1']],
  'kserve': [['cilium', '^1'], ['cert-manager', '^1'], ['knative', '^1']],
  'vllm': [['kserve', '^1.0', 'kserve']],
  'llm-gateway': [['cnpg', '^1.0', 'db'], ['keycloak', '^1.0', 'idp'], ['external-secrets', '^1.0', 'eso']],
  'anthropic-adapter': [['external-secrets', '^1.0', 'eso']],
  'bge': [['cnpg', '^1.0', 'cnpg']],
  'nemo-guardrails': [['vllm', '^1.0', 'vllm']],
  'temporal': [['cnpg', '^1', 'db'], ['cert-manager', '^1', 'certs']],
  'openmeter': [['cnpg', '^1'], ['nats-jetstream', '^1'], ['cert-manager', '^1']],
  'livekit': [['stunner', '^1'], ['cert-manager', '^1'], ['valkey', '^1']],
  'matrix': [['cnpg', '^1'], ['keycloak', '^1'], ['cert-manager', '^1']],
  'librechat': [['llm-gateway', '^1.0', 'gateway'], ['vllm', '^1.0', 'vllm'], ['bge', '^1.0', 'bge'], ['keycloak', '^1.1', 'idp']],
};

/** The union of both lists for one Blueprint, as a sorted list of names. */
export function expectedEdges(name: string): string[] {
  return [...new Set([...(FORWARD_DECLARED[name] ?? []), ...(SPEC_DEPENDS[name] ?? []).map((d) => d[0])])].sort();
}

/** The Blueprint's declared dependencies as `{ name, version, alias }`. */
export function declaredDependencies(cls: BlueprintClass): { name: string; version?: string; alias?: string }[] {
  return declsOf(cls).map((d) => ({ name: resolveRef(d.blueprint).spec.name, version: d.version, alias: d.alias }));
}
