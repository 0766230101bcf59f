/**
 * The dependency graph of the application Blueprints (slots 36–48): each declares exactly the
 * union of the upstream's forward-declared HelmRelease edges (§3.4) and its blueprint.yaml
 * `depends` (§2.3), with the §2.3 ranges and aliases; all of them together form an acyclic graph
 * that one Sovereign installs, and the HelmRelease dependsOn follows the same edges.
 */
import * as path from 'path';
import {
  appObjects, appSovereign, declaredDependencies, expectedEdges, FORWARD_DECLARED, REQUIRED_VALUES, SPEC_DEPENDS,
} from './apps-helpers';
import { CLUSTER_DIR, sovereignWith } from './kit-helpers';
import { APPLICATIONS } from '../../blueprints/apps';
import { BlueprintClass, resolveRef } from '../../src/blueprint';
import { isCatalystError } from '../../src/errors';
import { use } from '../../src/sovereign';
import { synthesize } from '../../src/synth';
import { kustomize, synthToDisk } from '../support/tools';

const apps = Object.values(APPLICATIONS) as unknown as BlueprintClass[];

describe('application Blueprints 36–48: dependency graph', () => {
  test('APPLICATIONS holds slots 36–48 in order, one class each', () => {
    expect(apps.map((c) => c.spec.slot)).toEqual([36, 37, 38, 39, 40, 41, 42, 43, 44, 45, 46, 47, 48]);
    expect(apps.map((c) => c.spec.name)).toEqual(Object.keys(FORWARD_DECLARED));
  });

  test.each(Object.keys(FORWARD_DECLARED))('bp-%s declares the union of the forward-declared edges and its §2.3 depends', (name) => {
    const cls = apps.find((c) => c.spec.name === name)!;
    const declared = declaredDependencies(cls);
    expect(declared.map((d) => d.name).sort()).toEqual(expectedEdges(name));
    // Every §2.3 edge keeps its range and alias.
    for (const [dep, range, alias] of SPEC_DEPENDS[name]) {
      expect(declared.find((d) => d.name === dep)).toEqual({ name: dep, version: range, alias });
    }
  });

  test('where the two upstream lists disagree, the union is taken (the known differences)', () => {
    const onlyForward = Object.keys(FORWARD_DECLARED).flatMap((n) =>
      FORWARD_DECLARED[n].filter((d) => !SPEC_DEPENDS[n].some((s) => s[0] === d)).map((d) => `${n}→${d}`));
    const onlySpec = Object.keys(SPEC_DEPENDS).flatMap((n) =>
      SPEC_DEPENDS[n].filter((s) => !FORWARD_DECLARED[n].includes(s[0])).map((s) => `${n}→${s[0]}`));
    // §3.4: "forward slots: knative, kserve, llm-gateway, anthropic-adapter, nemo-guardrails, openmeter, livekit differ".
    expect(onlyForward).toEqual(['anthropic-adapter→llm-gateway', 'nemo-guardrails→llm-gateway', 'nemo-guardrails→bge', 'nemo-guardrails→cnpg']);
    expect(onlySpec).toEqual([
      'knative→cilium', 'kserve→cilium', 'kserve→cert-manager', 'llm-gateway→external-secrets',
      'anthropic-adapter→external-secrets', 'nemo-guardrails→vllm', 'openmeter→cert-manager', 'livekit→valkey',
    ]);
    for (const e of [...onlyForward, ...onlySpec]) {
      const [from, to] = e.split('→');
      expect(declaredDependencies(apps.find((c) => c.spec.name === from)!).map((d) => d.name)).toContain(to);
    }
  });

  test('the graph over all 13 (with their kit dependencies) is acyclic, and dependencies install first', () => {
    const sov = sovereignWith(appsWithClosure());
    const order = sov.blueprints.map((b) => b.name);
    for (const e of sov.graph.edges) expect(order.indexOf(e.to)).toBeLessThan(order.indexOf(e.from));
    for (const cls of apps) expect(order).toContain(cls.spec.name);
  });

  test('a cycle through them would be rejected (the check can fail)', () => {
    // A throwaway subclass of bp-knative that depends on bp-kserve closes knative → kserve → knative.
    const Knative = apps.find((c) => c.spec.name === 'knative')!;
    const Kserve = apps.find((c) => c.spec.name === 'kserve')!;
    class CyclicKnative extends (Knative as unknown as new (...a: never[]) => object) {
      public static readonly spec = { ...Knative.spec, depends: [...(Knative.spec.depends ?? []), Kserve] };
    }
    let caught: unknown;
    try {
      sovereignWith(appsWithClosure().map((u) => (u.blueprint === Knative ? use(CyclicKnative as unknown as BlueprintClass) : u)));
    } catch (e) {
      caught = e;
    }
    expect(isCatalystError(caught)).toBe(true);
    expect(String((caught as Error).message)).toMatch(/dependency cycle: .*bp-kserve.*bp-knative|dependency cycle: .*bp-knative.*bp-kserve/);
  });

  test('each HelmRelease waits for its dependencies\' releases (dependsOn follows depends)', () => {
    const result = synthesize(sovereignWith(appsWithClosure()));
    for (const cls of apps) {
      if (cls.spec.upstream.length === 0) continue;
      const { kit } = appObjects(result, cls);
      const primary = kit.find((o) => o.kind === 'HelmRelease' && o.metadata.name === `bp-${cls.spec.name}`) as unknown as { spec: { dependsOn?: { name: string }[] } };
      const waits = (primary.spec.dependsOn ?? []).map((d) => d.name);
      for (const d of declaredDependencies(cls)) {
        const dep = apps.find((c) => c.spec.name === d.name);
        // A manifest-only dependency has no release; its own dependencies' releases stand in.
        if (dep && dep.spec.upstream.length === 0) continue;
        expect([cls.spec.name, waits]).toEqual([cls.spec.name, expect.arrayContaining([`bp-${d.name}`])]);
      }
    }
  });

  test('every application synthesizes alone with its closure, and all of them together build with kubectl kustomize', () => {
    for (const cls of apps) expect(() => synthesize(appSovereign(cls))).not.toThrow();
    const { dir } = synthToDisk(sovereignWith(appsWithClosure()));
    const objects = kustomize(path.join(dir, CLUSTER_DIR));
    for (const cls of apps) {
      expect([cls.spec.name, objects.some((o) => (o.metadata.labels ?? {})['catalyst.openova.io/blueprint'] === `bp-${cls.spec.name}` || o.metadata.name.startsWith(cls.spec.name))]).toEqual([cls.spec.name, true]);
    }
  });
});

/** All 13 application Blueprints and their kit dependencies, each once, with required values. */
function appsWithClosure() {
  const seen = new Set<BlueprintClass>();
  const ordered: BlueprintClass[] = [];
  const visit = (c: BlueprintClass) => {
    if (seen.has(c)) return;
    seen.add(c);
    for (const d of c.spec.depends ?? []) visit(resolveRef(typeof d === 'object' && 'blueprint' in d ? d.blueprint : d));
    ordered.push(c);
  };
  apps.forEach(visit);
  return ordered.map((c) => use(c, { values: (REQUIRED_VALUES.get(c) ?? {}) as never }));
}
