/**
 * The six Compositions: every patch path exists on both sides, a wrong path fails synth with an
 * error naming the Composition, the composed resource and the path, and rendering them (with a
 * patch-and-transform double) gives what the fixes promise.
 */
import { TObject } from '@sinclair/typebox';
import { App, Chart } from 'cdk8s';
import { renderComposition, Rendered, xrFor } from './render';
import {
  claimCompositions,
  CLAIM_DEFINITIONS,
  CLAIM_LABELS,
  NodeActionClaimType,
  NodePoolClaimType,
  RegionClaimType,
  CompositionOptions,
} from '../../blueprints/crossplane-claims';
import {
  applyDefaults,
  ClaimComposition,
  ClaimDefinition,
  CombinePatch,
  ComposedTemplate,
  CompositionSpec,
  fromXR,
  hcloud,
  integerRangePattern,
  KubernetesObject,
  ManagedResourceType,
  OBJECT_METADATA,
  resolveFieldPath,
  toOpenApi,
  toXR,
} from '../../constructs/crossplane';
import { isCatalystError } from '../../src/errors';
import { HCLOUD_PROVIDER_CONFIG, KUBERNETES_PROVIDER_CONFIG } from '../../src/handoff';
import { hetznerResourceName, HETZNER_NETWORK_ZONE } from '../../src/hetzner';

const OPTIONS: CompositionOptions = { kubectlImage: 'registry.k8s.io/kubectl:v1.31.4', nodeActionTtlSeconds: 3600, nodeActionBackoffLimit: 2 };
type AnyDefinition = ClaimDefinition<TObject, TObject>;

function build(): { compositions: ClaimComposition[]; byKind: Map<string, { def: AnyDefinition; spec: CompositionSpec; name: string }> } {
  const chart = new Chart(new App(), 'test');
  const compositions = claimCompositions(chart, OPTIONS);
  const byKind = new Map<string, { def: AnyDefinition; spec: CompositionSpec; name: string }>();
  for (const c of compositions) {
    const json = c.composition.toJson() as { spec: CompositionSpec };
    const def = CLAIM_DEFINITIONS.find((d) => d.kind === json.spec.compositeTypeRef.kind) as unknown as AnyDefinition;
    byKind.set(def.claimKind, { def, spec: json.spec, name: c.name });
  }
  return { compositions, byKind };
}

const { compositions, byKind } = build();

function templates(spec: CompositionSpec): readonly ComposedTemplate[] {
  return spec.mode === 'Pipeline' ? (spec.pipeline[0].input as unknown as { resources: ComposedTemplate[] }).resources : spec.resources;
}

/** The composed kinds, independently of how the Compositions were built. */
const KINDS: readonly ManagedResourceType<never, never>[] = [
  hcloud.Network, hcloud.NetworkSubnet, hcloud.Route, hcloud.Firewall, hcloud.Server,
  hcloud.LoadBalancer, hcloud.LoadBalancerNetwork, hcloud.LoadBalancerService, hcloud.LoadBalancerTarget, KubernetesObject,
] as never;

function composedSchema(base: ComposedTemplate['base']) {
  const kind = KINDS.find((k) => k.apiVersion === base.apiVersion && k.kind === base.kind);
  if (!kind) throw new Error(`no kind ${base.apiVersion} ${base.kind}`);
  return kind.schema;
}

/** The XR schema as published in the XRD, plus the metadata every object has. */
function publishedXrSchema(def: AnyDefinition) {
  const xrd = def.xrd(new Chart(new App(), 'x'), 'xrd').toJson() as { spec: { versions: { schema: { openAPIV3Schema: { properties: object } } }[] } };
  const s = xrd.spec.versions[0].schema.openAPIV3Schema;
  return { ...s, properties: { ...s.properties, metadata: toOpenApi(OBJECT_METADATA, 'metadata') } };
}

describe('every patch path', () => {
  test('six Compositions, named as upstream, with the family labels and the connection-secret namespace', () => {
    expect([...byKind.values()].map((c) => c.name)).toEqual([
      'hetzner-region.compose.openova.io',
      'hetzner-cluster.compose.openova.io',
      'hetzner-node-pool.compose.openova.io',
      'hetzner-load-balancer-claim.compose.openova.io',
      'hetzner-peering.compose.openova.io',
      'hetzner-node-action.compose.openova.io',
    ]);
    for (const c of compositions) {
      const json = c.composition.toJson() as { metadata: { labels: object }; spec: { writeConnectionSecretsToNamespace: string } };
      expect(json.metadata.labels).toEqual(CLAIM_LABELS);
      expect(json.spec.writeConnectionSecretsToNamespace).toBe('crossplane-system');
    }
    for (const def of CLAIM_DEFINITIONS) expect(byKind.get(def.claimKind)!.name).toBe(def.props.defaultComposition);
  });

  test('resolves on both sides (checked again here from the emitted JSON, the XRD as published and the provider kinds)', () => {
    let checked = 0;
    for (const { def, spec } of byKind.values()) {
      const xr = publishedXrSchema(def);
      for (const t of templates(spec)) {
        const composed = composedSchema(t.base);
        for (const p of t.patches ?? []) {
          if (p.type === 'PatchSet') throw new Error('unexpected patch set');
          const [xrPaths, composedPaths] =
            p.type === 'FromCompositeFieldPath' ? [[p.fromFieldPath], [p.toFieldPath]]
              : p.type === 'ToCompositeFieldPath' ? [[p.toFieldPath], [p.fromFieldPath]]
                : p.type === 'CombineFromComposite' ? [p.combine.variables.map((v) => v.fromFieldPath), [p.toFieldPath]]
                  : [[p.toFieldPath], (p as CombinePatch).combine.variables.map((v) => v.fromFieldPath)];
          for (const path of xrPaths) {
            // status.* of the XR is the published schema; metadata is every object's.
            expect([def.kind, t.name, path, resolveFieldPath(xr, path)]).not.toEqual([def.kind, t.name, path, expect.any(String)]);
            checked++;
          }
          for (const path of composedPaths) {
            if (path.startsWith('spec.forProvider.manifest.') || path.startsWith('status.atProvider.manifest.')) continue; // provider-kubernetes: checked against the base manifest
            expect([def.kind, t.name, path, resolveFieldPath(composed, path)]).not.toEqual([def.kind, t.name, path, expect.any(String)]);
            checked++;
          }
        }
      }
    }
    expect(checked).toBeGreaterThan(2000);
  });

  test('a wrong XR path fails synth, naming the Composition, the resource and the path', () => {
    const chart = new Chart(new App(), 'wrong');
    let caught: unknown;
    try {
      RegionClaimType.composition(chart, 'c', {
        name: 'broken.compose.openova.io',
        mode: 'Resources',
        resources: [{ name: 'server', base: hcloud.Server.base({ providerConfigName: HCLOUD_PROVIDER_CONFIG, forProvider: {} }), patches: [fromXR('spec.parameters.skuCp', 'spec.forProvider.serverType')] }],
      });
    } catch (e) {
      caught = e;
    }
    expect(isCatalystError(caught)).toBe(true);
    const issue = (caught as { issues: { path: string; message: string }[] }).issues[0];
    expect(issue.path).toBe('composition broken.compose.openova.io.resources[server].patches[0].fromFieldPath');
    expect(issue.message).toMatch(/"spec\.parameters\.skuCp" is not a field of XRegionClaim: spec\.parameters\.skuCp does not exist; fields here: region, provider, skuCP/);
  });

  test('a wrong composed path, status path, list index or format arity fails too', () => {
    const chart = new Chart(new App(), 'wrong');
    const server = () => hcloud.Server.base({ providerConfigName: HCLOUD_PROVIDER_CONFIG, forProvider: {} });
    const attempt = (patches: Parameters<typeof fromXR>[] | unknown[]) => {
      try {
        NodePoolClaimType.composition(chart, `c${Math.random()}`, { name: 'broken', mode: 'Pipeline', resources: [{ name: 's', base: server(), patches: patches as never }] });
      } catch (e) {
        return (e as { issues: { path: string; message: string }[] }).issues.map((i) => `${i.path}: ${i.message}`);
      }
      return [];
    };
    expect(attempt([fromXR('spec.parameters.sku', 'spec.forProvider.servertype')])).toEqual([expect.stringMatching(/patches\[0\]\.toFieldPath: .*not a field of the composed Server.*servertype does not exist/)]);
    expect(attempt([toXR('status.atProvider.ipv4Address', 'status.currentReplicas')])).toEqual([expect.stringMatching(/toFieldPath: .*status\.currentReplicas does not exist/)]);
    expect(attempt([fromXR('spec.parameters.firewallIds[5]', 'spec.forProvider.firewallIds[0]')])).toEqual([expect.stringMatching(/firewallIds\[5\] is beyond maxItems 5/)]);
    expect(attempt([{ type: 'CombineFromComposite', combine: { variables: [{ fromFieldPath: 'spec.parameters.name' }], strategy: 'string', string: { fmt: '%s-%s' } }, toFieldPath: 'metadata.name' }])).toEqual([expect.stringMatching(/fmt: uses 2 variable\(s\) but the patch gives 1/)]);
  });

  test('a wrong path into a provider-kubernetes manifest fails: every step but the last must exist in the base manifest', () => {
    const chart = new Chart(new App(), 'wrong');
    expect(() =>
      NodeActionClaimType.composition(chart, 'c', {
        name: 'broken',
        mode: 'Pipeline',
        resources: [{
          name: 'job',
          patchProviderConfig: false,
          base: KubernetesObject.objectBase({ providerConfigName: KUBERNETES_PROVIDER_CONFIG, manifest: { apiVersion: 'batch/v1', kind: 'Job', metadata: { name: 'j' }, spec: { template: { spec: { containers: [{ name: 'c', env: [] }] } } } } }),
          patches: [fromXR('spec.parameters.nodeRef.nodeName', 'spec.forProvider.manifest.spec.templat.spec.containers[0].env[0].value')],
        }],
      }),
    ).toThrow(/resources\[job\]\.patches\[0\]\.toFieldPath: .*spec\.forProvider\.manifest\.spec\.templat does not exist; fields here: template/);
  });

  test('every status field an XRD declares is written by its Composition (nothing left that nobody writes)', () => {
    for (const { def } of byKind.values()) {
      const composition = compositions.find((c) => c.name === def.props.defaultComposition)!;
      const declared = Object.keys(def.openApiSchema.properties!.status.properties!).filter((k) => k !== 'conditions');
      const written = [...composition.writtenXrFields].map((p) => p.replace(/^status\./, '').replace(/\[\d+\]$/, ''));
      expect([def.claimKind, declared.filter((d) => !written.includes(d))]).toEqual([def.claimKind, []]);
    }
  });

  test('hcloud resources get the XR\'s ProviderConfig; provider-kubernetes Objects keep theirs', () => {
    for (const { spec } of byKind.values()) {
      for (const t of templates(spec)) {
        const patched = (t.patches ?? []).some((p) => p.type === 'FromCompositeFieldPath' && p.toFieldPath === 'spec.providerConfigRef.name');
        const base = (t.base.spec as { providerConfigRef: { name: string }; deletionPolicy: string });
        expect(base.deletionPolicy).toBe('Delete');
        if (t.base.apiVersion.startsWith('kubernetes.crossplane.io')) {
          expect([t.name, base.providerConfigRef.name, patched]).toEqual([t.name, KUBERNETES_PROVIDER_CONFIG, false]);
        } else {
          expect([t.name, base.providerConfigRef.name, patched]).toEqual([t.name, HCLOUD_PROVIDER_CONFIG, true]);
        }
      }
    }
  });

  test('classic for RegionClaimType and ClusterClaimType, pipelines through function-patch-and-transform for the gated ones', () => {
    const modes = Object.fromEntries([...byKind.entries()].map(([k, c]) => [k, c.spec.mode]));
    expect(modes).toEqual({ RegionClaim: 'Resources', ClusterClaim: 'Resources', NodePoolClaim: 'Pipeline', LoadBalancerClaim: 'Pipeline', PeeringClaim: 'Pipeline', NodeActionClaim: 'Pipeline' });
    const np = byKind.get('NodePoolClaim')!.spec as unknown as { pipeline: { functionRef: { name: string }; input: { apiVersion: string; kind: string } }[] };
    expect(np.pipeline).toHaveLength(1);
    expect(np.pipeline[0].functionRef.name).toBe('crossplane-contrib-function-patch-and-transform');
    expect(np.pipeline[0].input).toMatchObject({ apiVersion: 'pt.fn.crossplane.io/v1beta1', kind: 'Resources' });
  });
});

describe('rendered for sample claims', () => {
  const FQDN = 'omantel.omani.works';
  const region = (extra: Record<string, unknown> = {}, status: Record<string, unknown> = {}) => {
    const parameters = applyDefaults(RegionClaimType.parametersSchema, { region: 'hel1', provider: 'hetzner', skuCP: 'cax41', skuWorker: 'cx32', sshKeyName: 'catalyst-omantel-omani-works', sovereignFQDN: FQDN, userData: '#cloud-config\nruncmd: [k3s]\n', ...extra });
    return renderComposition(byKind.get('RegionClaim')!.spec, xrFor(parameters, HCLOUD_PROVIDER_CONFIG, { status }));
  };
  const byName = (rs: readonly Rendered[], n: string): unknown => rs.find((r) => r.name === n)?.object;

  test('Region: the Phase-0 names (dash-form stem), network zone, and the server waits for its network and firewall', () => {
    const first = region();
    expect(first.map((r) => r.name)).not.toContain('control-plane-1');
    const rs = region({}, { networkId: '4711', firewallId: '815' });
    const meta = (n: string) => (byName(rs, n) as { metadata: { name: string } }).metadata.name;
    expect(meta('network')).toBe(hetznerResourceName(FQDN, 'network'));
    expect(meta('firewall')).toBe(hetznerResourceName(FQDN, 'firewall'));
    expect(meta('control-plane-1')).toBe(hetznerResourceName(FQDN, 'controlPlane1'));
    expect(meta('load-balancer')).toBe(hetznerResourceName(FQDN, 'loadBalancer'));
    const server = byName(rs, 'control-plane-1') as { spec: { forProvider: Record<string, unknown>; providerConfigRef: { name: string } } };
    expect(server.spec.forProvider).toMatchObject({
      name: 'catalyst-omantel-omani-works-cp1',
      serverType: 'cax41',
      location: 'hel1',
      sshKeys: ['catalyst-omantel-omani-works'],
      userData: '#cloud-config\nruncmd: [k3s]\n',
      network: [{ networkId: 4711, ip: '10.0.1.2' }],
      firewallIds: [815],
      labels: { 'catalyst.openova.io/role': 'control-plane', 'catalyst.openova.io/sovereign': FQDN },
    });
    expect(server.spec.providerConfigRef.name).toBe(HCLOUD_PROVIDER_CONFIG);
    expect((byName(rs, 'subnet') as { spec: { forProvider: { networkZone: string } } }).spec.forProvider.networkZone).toBe(HETZNER_NETWORK_ZONE.hel1);
    expect(rs.filter((r) => r.name.startsWith('lb-service-')).map((r) => (r.object as { spec: { forProvider: { listenPort: number; destinationPort: number } } }).spec.forProvider)).toEqual([
      expect.objectContaining({ listenPort: 443, destinationPort: 31443 }),
      expect.objectContaining({ listenPort: 80, destinationPort: 31080 }),
      expect.objectContaining({ listenPort: 6443, destinationPort: 6443 }),
    ]);
    for (const r of rs) expect((r.object as { metadata?: { annotations?: Record<string, string> } }).metadata?.annotations?.['crossplane.io/external-name']).toBeUndefined();
  });

  test('Region adoption: every resource takes over its Phase-0 counterpart by external name, no create-only field is set', () => {
    const rs = region({ userData: undefined, sshKeyName: undefined, adopt: { networkId: '11', firewallId: '22', controlPlaneServerId: '33', loadBalancerId: '44' } }, { networkId: '11', firewallId: '22' });
    const ext = Object.fromEntries(rs.map((r) => [r.name, (r.object as { metadata: { annotations?: Record<string, string> } }).metadata.annotations?.['crossplane.io/external-name']]));
    expect(ext).toEqual({
      'network': '11',
      'subnet': '11-10.0.1.0/24',
      'firewall': '22',
      'control-plane-1': '33',
      'load-balancer': '44',
      'load-balancer-network': '44-11',
      'lb-service-https': '44__443',
      'lb-service-http': '44__80',
      'lb-service-kube-api': '44__6443',
      'lb-target-cp1': '44__server__33',
    });
    const server = byName(rs, 'control-plane-1') as { spec: { forProvider: Record<string, unknown> } };
    expect(server.spec.forProvider.userData).toBeUndefined();
    expect(server.spec.forProvider.sshKeys).toBeUndefined();
  });

  test.each([0, 1, 3, 37, 100])('NodePool: replicas %i gives exactly that many servers, Hetzner-assigned IPs, on the network', (replicas) => {
    const parameters = applyDefaults(NodePoolClaimType.parametersSchema, { name: 'workers', clusterRef: { name: 'main' }, sku: 'cpx31', role: 'worker', region: 'nbg1', networkId: '4711', firewallIds: ['815'], userData: '#cloud-config\n', replicas });
    const rs = renderComposition(byKind.get('NodePoolClaim')!.spec, xrFor(parameters, HCLOUD_PROVIDER_CONFIG));
    expect(rs.map((r) => r.name)).toEqual(Array.from({ length: replicas }, (_, i) => `server-${i + 1}`));
    for (const [i, r] of rs.entries()) {
      type Server = { network: { networkId: number; ip?: string }[]; firewallIds: number[]; image: string };
      const o = r.object as { metadata: { name: string }; spec: { forProvider: Server } };
      expect(o.metadata.name).toBe(`workers-${i + 1}`);
      expect(o.spec.forProvider.network).toEqual([{ networkId: 4711 }]);
      expect(o.spec.forProvider.firewallIds).toEqual([815]);
      expect(o.spec.forProvider.image).toBe('ubuntu-24.04');
    }
  });

  test('the replica gate matches exactly the counts >= i, for every i and count', () => {
    for (let i = 1; i <= 100; i++) {
      const re = new RegExp(integerRangePattern(i, 100));
      for (let n = 0; n <= 120; n++) expect([i, n, re.test(String(n))]).toEqual([i, n, n >= i && n <= 100]);
      expect(re.test(`0${i}`)).toBe(false);
    }
    expect(integerRangePattern(37, 100)).toBe('^(3[7-9]|[4-9][0-9]|100)$');
    expect(integerRangePattern(0, 9)).toBe('^([0-9])$');
  });

  test('LoadBalancer: one service per listener, targets as listed, network attachment only with a networkId', () => {
    const base = { name: 'edge', regionRef: { name: 'r' }, region: 'fsn1', listeners: [{ port: 443, protocol: 'tcp', targetPort: 31443 }, { port: 80, protocol: 'http', targetPort: 31080 }], targets: [{ type: 'label-selector', labelSelector: 'role=edge' }] };
    const spec = byKind.get('LoadBalancerClaim')!.spec;
    const schema = byKind.get('LoadBalancerClaim')!.def.parametersSchema;
    const rs = renderComposition(spec, xrFor(applyDefaults(schema, base), HCLOUD_PROVIDER_CONFIG));
    expect(rs.map((r) => r.name)).toEqual(['load-balancer', 'lb-service-0', 'lb-service-1', 'lb-target-0']);
    expect((byName(rs, 'lb-target-0') as { spec: { forProvider: object } }).spec.forProvider).toMatchObject({ type: 'label_selector', labelSelector: 'role=edge', usePrivateIp: true });
    expect((byName(rs, 'load-balancer') as { spec: { forProvider: object } }).spec.forProvider).toMatchObject({ loadBalancerType: 'lb11', algorithm: [{ type: 'round_robin' }], location: 'fsn1' });
    const withNet = renderComposition(spec, xrFor(applyDefaults(schema, { ...base, networkId: '9' }), HCLOUD_PROVIDER_CONFIG));
    expect((byName(withNet, 'load-balancer-network') as { spec: { forProvider: object } }).spec.forProvider).toMatchObject({ networkId: 9 });
  });

  test('Peering: the route back exists only when bidirectional', () => {
    const spec = byKind.get('PeeringClaim')!.spec;
    const schema = byKind.get('PeeringClaim')!.def.parametersSchema;
    const p = { name: 'fsn-hel', regionAID: '1', regionBID: '2', cidrA: '10.0.0.0/16', cidrB: '10.1.0.0/16', gatewayA: '10.0.1.5', gatewayB: '10.1.1.5' };
    const both = renderComposition(spec, xrFor(applyDefaults(schema, p), HCLOUD_PROVIDER_CONFIG));
    expect(both.map((r) => [r.name, (r.object as { spec: { forProvider: object } }).spec.forProvider])).toEqual([
      ['route-a-to-b', { networkId: 1, destination: '10.1.0.0/16', gateway: '10.0.1.5' }],
      ['route-b-to-a', { networkId: 2, destination: '10.0.0.0/16', gateway: '10.1.1.5' }],
    ]);
    expect(renderComposition(spec, xrFor(applyDefaults(schema, { ...p, bidirectional: false }), HCLOUD_PROVIDER_CONFIG)).map((r) => r.name)).toEqual(['route-a-to-b']);
  });

  test('NodeAction: the Job gets the node and grace period from the claim, no placeholders; replace adds a server', () => {
    const spec = byKind.get('NodeActionClaim')!.spec;
    const schema = byKind.get('NodeActionClaim')!.def.parametersSchema;
    const job = (action: string, extra: object = {}) => renderComposition(spec, xrFor(applyDefaults(schema, { nodeRef: { nodeName: 'node-7' }, action, gracePeriod: 120, ...extra }), HCLOUD_PROVIDER_CONFIG));
    const container = (rs: Rendered[]) => (byName(rs, 'action-job') as { spec: { forProvider: { manifest: { spec: { template: { spec: { containers: { args: string[]; env: { name: string; value: string }[] }[] } } } } } } }).spec.forProvider.manifest.spec.template.spec.containers[0];
    const drain = job('drain');
    expect(drain.map((r) => r.name)).toEqual(['action-job']);
    expect(container(drain).args).toEqual(['drain', '$(NODE_NAME)', '--grace-period=$(GRACE_PERIOD)', '--ignore-daemonsets', '--delete-emptydir-data']);
    expect(container(drain).env).toEqual([{ name: 'NODE_NAME', value: 'node-7' }, { name: 'GRACE_PERIOD', value: '120' }]);
    expect(JSON.stringify(drain)).not.toMatch(/PLACEHOLDER/);
    expect(container(job('cordon')).args).toEqual(['cordon', '$(NODE_NAME)']);
    const replace = job('replace', { replaceWith: { sku: 'cax21', region: 'fsn1', networkId: '5', userData: '#cloud-config\n' } });
    expect(replace.map((r) => r.name)).toEqual(['action-job', 'replacement-server']);
    expect((byName(replace, 'replacement-server') as { spec: { forProvider: object } }).spec.forProvider).toMatchObject({ name: 'node-7-replacement', serverType: 'cax21', location: 'fsn1', network: [{ networkId: 5 }] });
  });

  test('Cluster: a ConfigMap record named after the cluster, with its tags as JSON', () => {
    const spec = byKind.get('ClusterClaim')!.spec;
    const rs = renderComposition(spec, xrFor({ name: 'main', regionRef: { name: 'fsn1' }, k3sVersion: 'v1.31.4+k3s1', tags: { env: 'prod' } }, HCLOUD_PROVIDER_CONFIG));
    type Manifest = { metadata: { name: string; namespace: string }; data: object };
    const o = rs[0].object as { metadata: { name: string }; spec: { providerConfigRef: { name: string }; forProvider: { manifest: Manifest } } };
    expect(o.metadata.name).toBe('catalyst-cluster-main');
    expect(o.spec.providerConfigRef.name).toBe(KUBERNETES_PROVIDER_CONFIG);
    expect(o.spec.forProvider.manifest.metadata).toMatchObject({ name: 'catalyst-cluster-main', namespace: 'crossplane-system' });
    expect(o.spec.forProvider.manifest.data).toEqual({ tags: '{"env":"prod"}', clusterName: 'main', k3sVersion: 'v1.31.4+k3s1', regionName: 'fsn1', clusterID: '0b7f6c1e-1111-4a4a-9999-222233334444' });
  });
});

describe('snapshot', () => {
  test('the RegionClaimType Composition in full, and the outline of the others', () => {
    const outline = [...byKind.values()].map(({ name, spec }) => ({
      name,
      mode: spec.mode,
      resources: templates(spec).length,
      patches: templates(spec).reduce((n, t) => n + (t.patches?.length ?? 0), 0),
      kinds: [...new Set(templates(spec).map((t) => `${t.base.apiVersion} ${t.base.kind}`))],
    }));
    expect({ region: compositions[0].composition.toJson(), outline }).toMatchSnapshot();
  });
});
