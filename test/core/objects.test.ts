import { ApiObject, App, Chart, IResolver, JsonPatch, Lazy, ResolutionContext } from 'cdk8s';
import * as k8s from 'cdk8s-plus-28/lib/imports/k8s';
import { HelmRelease } from '../../constructs/flux';
import { largeSovereign } from '../../examples/large';
import { exampleSovereign } from '../../examples/sovereign';
import { canonical, fastToJson, fromApiObject } from '../../src/objects';

/** Byte-level equality: same keys in the same order, same values. */
const same = (a: unknown, b: unknown) => expect(JSON.stringify(a)).toBe(JSON.stringify(b));

function chart(app: App = new App({ outdir: '.' })): Chart {
  return new Chart(app, 'c', { disableResourceNameHashes: true });
}

describe('fastToJson equals ApiObject.toJson()', () => {
  test('on every overlay of the example Sovereign, the catalog and tenant Applications', () => {
    let fast = 0;
    for (const sov of [exampleSovereign(), largeSovereign(2)]) {
      const blueprints = [...sov.blueprints, ...sov.organizations.flatMap((o) => o.environments.flatMap((e) => e.applications.map((a) => a.blueprint)))];
      for (const bp of blueprints) {
        for (const obj of bp.overlayScope.node.findAll().filter(ApiObject.isApiObject)) {
          const f = fastToJson(obj);
          if (f === undefined) continue;
          fast++;
          same(f, obj.toJson());
        }
      }
    }
    // Every overlay the library ships takes the fast path (the slow one stays correct, only slower).
    expect(fast).toBeGreaterThan(250);
  });

  test('Lazy values, implicit tokens, IntOrString/Quantity unions and JSON patches', () => {
    const c = chart();
    const lazyName = Lazy.any({ produce: () => 'from-lazy' });
    const token = { resolve: () => ({ b: 2, a: [1, { z: null, y: 'k' }] }) };
    const svc = new k8s.KubeService(c, 'svc', {
      metadata: { name: 'web', labels: { z: 'last', a: 'first' }, annotations: {} },
      spec: {
        ports: [{ port: 80, targetPort: k8s.IntOrString.fromString('http'), name: lazyName as unknown as string }],
        selector: { app: 'web' },
      },
    });
    svc.addJsonPatch(JsonPatch.add('/spec/type', 'ClusterIP'));
    const raw = new ApiObject(c, 'raw', { apiVersion: 'example.test/v1', kind: 'Thing', metadata: { name: 'thing', finalizers: [] }, spec: { token, empty: {}, list: [], q: k8s.Quantity.fromNumber(3) } });
    for (const o of [svc, raw]) {
      const f = fastToJson(o);
      expect(f).toBeDefined();
      same(f, o.toJson());
    }
    expect(fastToJson(raw)!.spec).toEqual({ empty: {}, list: [], q: { value: 3 }, token: { a: [1, { y: 'k' }], b: 2 } });
  });

  test('falls back (undefined) where it cannot show equality, and the error stays toJson()\'s', () => {
    class Custom implements IResolver {
      public resolve(ctx: ResolutionContext) {
        if (ctx.value === 'x') ctx.replaceValue('y');
      }
    }
    const custom = new ApiObject(chart(new App({ outdir: '.', resolvers: [new Custom()] })), 'o', { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'a' }, data: { k: 'x' } });
    expect(fastToJson(custom)).toBeUndefined();
    expect(fromApiObject(custom).data).toEqual({ k: 'y' });

    const hr = new HelmRelease(chart(), 'hr', { metadata: { name: 'r' }, spec: { interval: '1m', values: { a: null } } });
    expect(fastToJson(hr)).toBeUndefined();
    expect(fromApiObject(hr)).toEqual(hr.toJson());

    class NotPlain { public readonly x = 1; }
    const odd = new ApiObject(chart(), 'odd', { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'b' }, data: { k: new NotPlain() } });
    expect(fastToJson(odd)).toBeUndefined();
    expect(() => fromApiObject(odd)).toThrow(/non-simple object of type 'NotPlain'/);

    process.env.CDK8S_DISABLE_SORT = '1';
    try {
      expect(fastToJson(new ApiObject(chart(), 'u', { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'c' } }))).toBeUndefined();
    } finally {
      delete process.env.CDK8S_DISABLE_SORT;
    }
  });
});

describe('canonical', () => {
  test('apiVersion, kind, metadata first; name and namespace first; maps sorted; empty metadata maps dropped; verbatim kept last', () => {
    const o = canonical({
      spec: { b: 1, a: { d: null, c: undefined, e: [{ y: 1, x: 2 }] }, empty: {} },
      metadata: { labels: {}, annotations: { z: '1', a: '2' }, namespace: 'ns', name: 'n' },
      kind: 'K',
      apiVersion: 'v1',
    }, { parent: 'spec', key: 'values', value: { z: null, a: 1 } });
    expect(JSON.stringify(o)).toBe(JSON.stringify({
      apiVersion: 'v1',
      kind: 'K',
      metadata: { name: 'n', namespace: 'ns', annotations: { a: '2', z: '1' } },
      spec: { a: { e: [{ x: 2, y: 1 }] }, b: 1, empty: {}, values: { z: null, a: 1 } },
    }));
  });

  test('never mutates its input, though it may share parts of it that are already canonical', () => {
    const spec = { a: { b: 1 }, z: [{ x: 1 }] };
    const input = { apiVersion: 'v1', kind: 'K', metadata: { name: 'n', labels: { b: '1', a: '2' } }, spec };
    const before = JSON.stringify(input);
    const o = canonical(input, { parent: 'spec', key: 'values', value: { q: 1 } });
    expect(JSON.stringify(input)).toBe(before);
    expect((o.spec as { a: unknown }).a).toBe(spec.a);
    expect(Object.keys(o.metadata.labels as object)).toEqual(['a', 'b']);
  });

  test('drops an undefined entry even from a map that is otherwise canonical', () => {
    const o = canonical({ apiVersion: 'v1', kind: 'K', metadata: { name: 'n', labels: { a: '1', b: undefined as unknown as string } }, spec: { a: 1, b: undefined } });
    expect(Object.keys(o.spec as object)).toEqual(['a']);
    expect(Object.keys(o.metadata.labels as object)).toEqual(['a']);
  });

  test('equals fromApiObject of the same object built as a construct', () => {
    const props = { metadata: { name: 'p', namespace: 'ns', labels: { b: '2', a: '1' } }, spec: { podSelector: {}, policyTypes: ['Ingress'], ingress: [{ ports: [{ port: k8s.IntOrString.fromNumber(53), protocol: 'UDP' }] }] } };
    same(canonical(k8s.KubeNetworkPolicy.manifest(props) as never), fromApiObject(new k8s.KubeNetworkPolicy(chart(), 'np', props)));
  });
});
