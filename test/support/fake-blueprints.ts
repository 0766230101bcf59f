/**
 * Small Blueprints defined in tests, the way a third party would define them in its own package.
 */
import { Type } from '@sinclair/typebox';
import { Chart } from 'cdk8s';
import { k8s } from 'cdk8s-plus-28';
import { Blueprint, BlueprintClass, BlueprintRef, blueprintSpec, BlueprintSpec, DependencyDecl, helmChart } from '../../src/blueprint';
import { strictObject } from '../../src/values';

const Values = strictObject({ replicas: Type.Integer({ minimum: 1, maximum: 5 }), mode: Type.Union([Type.Literal('a'), Type.Literal('b')]) });

/** Makes a Blueprint class with the given name, version and dependencies (thunks allow cycles). */
export function fakeBlueprint(name: string, version = '1.0.0', depends: readonly (BlueprintRef | DependencyDecl)[] = [], slot?: number): BlueprintClass {
  class Fake extends Blueprint<typeof Values> {
    public static readonly spec = blueprintSpec({
      name,
      version,
      slot,
      section: 'pts-test',
      card: { title: name, summary: `test Blueprint ${name}` },
      upstream: [helmChart(`${name}-chart`, '0.1.0', 'https://charts.example.test')],
      namespace: name,
      depends,
      values: Values,
      defaults: { replicas: 1, mode: 'a' },
    });

    protected chartValues() {
      return { replicaCount: this.values.replicas, mode: this.values.mode };
    }

    protected overlays(scope: Chart): void {
      new k8s.KubeConfigMap(scope, 'settings', { metadata: { name: `${name}-settings` }, data: { mode: this.values.mode } });
    }
  }
  Object.defineProperty(Fake, 'name', { value: `Fake_${name.replace(/-/g, '_')}` });
  return Fake;
}

const ManifestValues = strictObject({ text: Type.String() });

/** Spec fields a test may set on a manifest-only Blueprint (values are the helper's own). */
export type ManifestSpec = Partial<Omit<BlueprintSpec, 'values' | 'defaults'>>;

/**
 * A manifest-only Blueprint (no chart) whose overlays are whatever `add` creates; `spec` lays the
 * spec fields under test over the defaults (namespace: the name).
 */
export function manifestBlueprint(name: string, add: (scope: Chart, bp: Blueprint) => void, spec: ManifestSpec = {}): BlueprintClass {
  class Manifests extends Blueprint<typeof ManifestValues> {
    public static readonly spec = blueprintSpec({
      name,
      version: '1.0.0',
      section: 'pts-test',
      card: { title: name, summary: name },
      upstream: [],
      namespace: name,
      values: ManifestValues,
      defaults: { text: 'hello' },
      ...spec,
    });

    protected overlays(scope: Chart): void {
      add(scope, this);
    }
  }
  return Manifests;
}
