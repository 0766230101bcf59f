/**
 * The six claim APIs: the XRD schemas generated from their TypeBox declarations, and sample
 * claims validated twice — by the library's synth-time check (TypeBox + rules) and by the
 * generated openAPIV3Schema itself, defaulted and validated as the API server would.
 */
import { TObject, Type } from '@sinclair/typebox';
import { App, Chart } from 'cdk8s';
import {
  CLAIM_DEFINITIONS,
  CLAIM_LABELS,
  ClusterClaimType,
  LoadBalancerClaimType,
  NodeActionClaimType,
  NodePoolClaimType,
  PeeringClaimType,
  RegionClaimType,
} from '../../blueprints/crossplane-claims';
import {
  applyDefaults,
  ClaimDefinition,
  countFields,
  defineClaim,
  OpenApiSchema,
  structuralIssues,
  toOpenApi,
  validateOpenApi,
} from '../../constructs/crossplane';
import { isCatalystError } from '../../src/errors';
import { HCLOUD_PROVIDER_CONFIG } from '../../src/handoff';
import { HETZNER_LOCATIONS } from '../../src/hetzner';
import { SchemaRegistry } from '../support/schema';

type AnyDefinition = ClaimDefinition<TObject, TObject>;

/** What the API server would say about a claim: defaults applied, then the schema checked. */
function serverIssues(def: AnyDefinition, parameters: unknown): string[] {
  const claim = { spec: { parameters } };
  const schema = def.openApiSchema;
  const defaulted = applyDefaults(schema, claim);
  return validateOpenApi(schema, defaulted, 'claim').map((i) => `${i.path}: ${i.message}`);
}

function libraryIssues(def: AnyDefinition, parameters: unknown): string[] {
  return def.validateParameters(parameters, 'claim.spec.parameters').map((i) => `${i.path}: ${i.message}`);
}

const params = (def: AnyDefinition): OpenApiSchema => def.openApiSchema.properties!.spec.properties!.parameters;

const GOOD: Record<string, unknown> = {
  RegionClaim: { region: 'fsn1', provider: 'hetzner', skuCP: 'cx42', skuWorker: 'cax31', sshKeyName: 'catalyst-omantel-omani-works', sovereignFQDN: 'omantel.omani.works', userData: '#cloud-config\n' },
  ClusterClaim: { name: 'omantel-main', regionRef: { name: 'fsn1' }, k3sVersion: 'v1.31.4+k3s1', tags: { env: 'prod' } },
  NodePoolClaim: { name: 'workers', clusterRef: { name: 'omantel-main' }, sku: 'cpx31', role: 'worker', region: 'nbg1', networkId: '123456', userData: '#cloud-config\n' },
  LoadBalancerClaim: { name: 'edge', regionRef: { name: 'fsn1' }, region: 'fsn1', listeners: [{ port: 443, protocol: 'tcp', targetPort: 31443 }], targets: [{ type: 'server', serverID: '42' }] },
  PeeringClaim: { regionAID: '1', regionBID: '2', cidrA: '10.0.0.0/16', cidrB: '10.1.0.0/16', gatewayA: '10.0.1.5', gatewayB: '10.1.1.5' },
  NodeActionClaim: { nodeRef: { nodeName: 'catalyst-omantel-omani-works-cp1' }, action: 'drain' },
};

/** For each kind: a bad enum, a missing required field and an out-of-range number. */
const BAD: Record<string, { readonly enum: unknown; readonly missing: unknown; readonly range: unknown }> = {
  RegionClaim: {
    enum: { ...(GOOD.RegionClaim as object), region: 'fra1' },
    missing: { ...(GOOD.RegionClaim as object), skuCP: undefined },
    range: { ...(GOOD.RegionClaim as object), workerCount: 101 },
  },
  ClusterClaim: {
    enum: { ...(GOOD.ClusterClaim as object), k3sVersion: '1.31.4' },
    missing: { ...(GOOD.ClusterClaim as object), regionRef: undefined },
    range: { ...(GOOD.ClusterClaim as object), name: 'x' },
  },
  NodePoolClaim: {
    enum: { ...(GOOD.NodePoolClaim as object), role: 'etcd' },
    missing: { ...(GOOD.NodePoolClaim as object), sku: undefined },
    range: { ...(GOOD.NodePoolClaim as object), replicas: 101 },
  },
  LoadBalancerClaim: {
    enum: { ...(GOOD.LoadBalancerClaimType as object), loadBalancerType: 'lb99' },
    missing: { ...(GOOD.LoadBalancerClaimType as object), listeners: undefined },
    range: { ...(GOOD.LoadBalancerClaimType as object), listeners: [{ port: 70000, protocol: 'tcp', targetPort: 80 }] },
  },
  PeeringClaim: {
    enum: { ...(GOOD.PeeringClaim as object), cidrA: '10.0.0.0/33' },
    missing: { ...(GOOD.PeeringClaim as object), regionBID: undefined },
    range: { ...(GOOD.PeeringClaim as object), gatewayA: '10.0.1.256' },
  },
  NodeActionClaim: {
    enum: { ...(GOOD.NodeActionClaim as object), action: 'reboot' },
    missing: { ...(GOOD.NodeActionClaim as object), nodeRef: undefined },
    range: { ...(GOOD.NodeActionClaim as object), gracePeriod: 3601 },
  },
};

/** Drops keys set to undefined (JSON never carries them). */
function json<T>(v: T): T {
  return JSON.parse(JSON.stringify(v)) as T;
}

describe('generated XRD schemas', () => {
  test('six XRDs in compose.openova.io v1alpha1, named <plural>.<group>, with the family labels', () => {
    expect(CLAIM_DEFINITIONS.map((d) => d.claimKind)).toEqual(['RegionClaim', 'ClusterClaim', 'NodePoolClaim', 'LoadBalancerClaim', 'PeeringClaim', 'NodeActionClaim']);
    const chart = new Chart(new App(), 'x');
    for (const def of CLAIM_DEFINITIONS) {
      type Version = { name: string; served: boolean; referenceable: boolean };
      type Spec = { group: string; names: { kind: string }; claimNames: { kind: string }; versions: Version[] };
      type Xrd = { metadata: { name: string; labels: object }; spec: Spec };
      const xrd = def.xrd(chart, def.claimKind).toJson() as Xrd;
      expect(xrd.metadata.name).toBe(`x${def.claimKind.toLowerCase()}s.compose.openova.io`);
      expect(xrd.metadata.labels).toEqual(CLAIM_LABELS);
      expect(xrd.spec.group).toBe('compose.openova.io');
      expect(xrd.spec.names.kind).toBe(`X${def.claimKind}`);
      expect(xrd.spec.claimNames.kind).toBe(def.claimKind);
      expect(xrd.spec.versions).toHaveLength(1);
      expect(xrd.spec.versions[0]).toMatchObject({ name: 'v1alpha1', served: true, referenceable: true });
    }
  });

  test.each(CLAIM_DEFINITIONS.map((d) => [d.claimKind, d] as const))('%s: structural, spec.parameters required, providerConfigRef defaults to the installed ProviderConfig', (_k, def) => {
    const d = def as unknown as AnyDefinition;
    expect(structuralIssues(d.openApiSchema, 'xrd')).toEqual([]);
    expect(d.openApiSchema.required).toEqual(['spec']);
    const spec = d.openApiSchema.properties!.spec;
    expect(spec.required).toEqual(['parameters']);
    expect(spec.properties!.providerConfigRef.default).toEqual({ name: HCLOUD_PROVIDER_CONFIG });
    expect(d.openApiSchema.properties!.status.properties!.conditions.type).toBe('array');
  });

  test('RegionClaim parameters: enums, the shared server-type pattern (cax included), ranges, defaults and the create-or-adopt rule', () => {
    const p = params(RegionClaimType as unknown as AnyDefinition);
    expect(p.properties!.region.enum).toEqual([...HETZNER_LOCATIONS]);
    expect(p.properties!.provider.enum).toEqual(['hetzner']);
    expect(p.properties!.skuCP.pattern).toBe('^(cx|cpx|ccx|cax)[0-9]{2,3}$');
    expect(p.properties!.skuWorker.pattern).toBe(p.properties!.skuCP.pattern);
    expect(p.properties!.workerCount).toMatchObject({ type: 'integer', minimum: 0, maximum: 100, default: 0 });
    expect(p.properties!.ipRange.default).toBe('10.0.0.0/16');
    expect(p.properties!.subnetIpRange.default).toBe('10.0.1.0/24');
    expect(p.required).toEqual(['region', 'provider', 'skuCP', 'skuWorker', 'sovereignFQDN']);
    expect(p['x-kubernetes-validations']).toEqual([expect.objectContaining({ rule: expect.stringContaining('has(self.adopt)') })]);
  });

  test('the other kinds keep the upstream parameter contracts', () => {
    const np = params(NodePoolClaimType as unknown as AnyDefinition);
    expect(np.properties!.replicas).toMatchObject({ minimum: 0, maximum: 100, default: 1 });
    expect(np.properties!.role.enum).toEqual(['worker', 'control-plane']);
    expect(np.properties!.image.default).toBe('ubuntu-24.04');
    const lb = params(LoadBalancerClaimType as unknown as AnyDefinition);
    expect(lb.properties!.loadBalancerType).toMatchObject({ enum: ['lb11', 'lb21', 'lb31'], default: 'lb11' });
    expect(lb.properties!.algorithm).toMatchObject({ enum: ['round-robin', 'least-conn'], default: 'round-robin' });
    expect(lb.properties!.listeners).toMatchObject({ minItems: 1, maxItems: 50 });
    expect(lb.properties!.listeners.items!.properties!.port).toMatchObject({ minimum: 1, maximum: 65535 });
    expect(lb.properties!.targets!.items!.properties!.usePrivateIP.default).toBe(true);
    const pe = params(PeeringClaimType as unknown as AnyDefinition);
    expect(pe.properties!.bidirectional.default).toBe(true);
    const na = params(NodeActionClaimType as unknown as AnyDefinition);
    expect(na.properties!.gracePeriod).toMatchObject({ minimum: 0, maximum: 3600, default: 300 });
    expect(na.properties!.action.enum).toEqual(['cordon', 'drain', 'replace']);
    const cl = params(ClusterClaimType as unknown as AnyDefinition);
    expect(cl.properties!.tags.additionalProperties).toEqual({ type: 'string' });
  });

  test('field counts of the generated schemas (closing note of issue 5)', () => {
    const counts = Object.fromEntries(CLAIM_DEFINITIONS.map((d) => [d.claimKind, countFields(d.openApiSchema)]));
    // A change here means an XRD's API changed: review it, then update the numbers.
    expect(counts).toEqual({ RegionClaim: 32, ClusterClaim: 18, NodePoolClaim: 25, LoadBalancerClaim: 32, PeeringClaim: 21, NodeActionClaim: 29 });
  });

  test('printer columns resolve against the schema; Crossplane adds READY and AGE itself', () => {
    for (const def of CLAIM_DEFINITIONS) {
      const cols = def.props.printerColumns ?? [];
      expect(cols.map((c) => c.name)).not.toContain('AGE');
      expect(cols.map((c) => c.name)).not.toContain('READY');
    }
    expect(() =>
      defineClaim({
        group: 'g.example',
        version: 'v1',
        kind: 'XT',
        plural: 'xts',
        claimKind: 'T',
        claimPlural: 'ts',
        description: 't',
        parameters: Type.Object({ a: Type.String() }),
        status: Type.Object({}),
        defaultComposition: 'c',
        providerConfig: 'p',
        printerColumns: [{ name: 'B', type: 'string', jsonPath: '.spec.parameters.b' }],
      }),
    ).toThrow(/printerColumns\[B\].*spec\.parameters\.b does not exist/);
  });
});

describe('sample claims against the generated schema', () => {
  test.each(Object.keys(GOOD))('%s: the good claim passes both checks', (kind) => {
    const def = CLAIM_DEFINITIONS.find((d) => d.claimKind === kind) as unknown as AnyDefinition;
    expect(serverIssues(def, GOOD[kind])).toEqual([]);
    expect(libraryIssues(def, GOOD[kind])).toEqual([]);
  });

  const bad = Object.entries(BAD).flatMap(([kind, b]) => (['enum', 'missing', 'range'] as const).map((what) => [kind, what, b[what]] as const));
  test.each(bad)('%s: a bad claim (%s) is rejected by both checks', (kind, _what, value) => {
    const def = CLAIM_DEFINITIONS.find((d) => d.claimKind === kind) as unknown as AnyDefinition;
    expect(serverIssues(def, json(value)).length).toBeGreaterThan(0);
    expect(libraryIssues(def, json(value)).length).toBeGreaterThan(0);
  });

  test('a third check: ajv with the XRDs as published (test/support/schema.ts), claims in strict mode', () => {
    const chart = new Chart(new App(), 'ajv');
    const registry = new SchemaRegistry();
    registry.registerDefinitions(CLAIM_DEFINITIONS.map((d) => d.xrd(chart, `ajv-${d.claimKind}`).toJson()));
    const claim = (kind: string, parameters: unknown) => ({
      apiVersion: 'compose.openova.io/v1alpha1', kind, metadata: { name: 'c', namespace: 'crossplane-system' }, spec: { parameters },
    });
    for (const kind of Object.keys(GOOD)) {
      expect([kind, registry.validate(claim(kind, GOOD[kind]))]).toEqual([kind, []]);
      for (const what of ['enum', 'missing', 'range'] as const) {
        expect([kind, what, registry.validate(claim(kind, json(BAD[kind][what]))).length > 0]).toEqual([kind, what, true]);
      }
    }
    // Strict: a misspelt parameter is reported, where the API server would silently prune it.
    expect(registry.validate(claim('NodePoolClaim', { ...(GOOD.NodePoolClaim as object), replica: 3 }))).toEqual([expect.stringContaining('replica is not a field')]);
  });

  test('the rejections name the field and what is allowed', () => {
    const region = RegionClaimType as unknown as AnyDefinition;
    expect(serverIssues(region, json(BAD.RegionClaim.enum))).toEqual([expect.stringMatching(/^claim\.spec\.parameters\.region: must be one of "fsn1", "nbg1", "hel1", "ash", "hil"/)]);
    expect(serverIssues(region, json(BAD.RegionClaim.missing))).toEqual(['claim.spec.parameters.skuCP: is required']);
    expect(serverIssues(region, json(BAD.RegionClaim.range))).toEqual([expect.stringMatching(/workerCount: must be <= 100 \(got 101\)/)]);
  });

  test('defaults are what the API server fills in', () => {
    const pool = NodePoolClaimType as unknown as AnyDefinition;
    type Defaulted = { spec: { parameters: Record<string, unknown>; providerConfigRef: unknown } };
    const defaulted = applyDefaults(pool.openApiSchema, { spec: { parameters: GOOD.NodePoolClaim } }) as Defaulted;
    expect(defaulted.spec.parameters.replicas).toBe(1);
    expect(defaulted.spec.parameters.image).toBe('ubuntu-24.04');
    expect(defaulted.spec.providerConfigRef).toEqual({ name: HCLOUD_PROVIDER_CONFIG });
  });

  test('server types: every Phase-0 family passes, others fail', () => {
    const pool = NodePoolClaimType as unknown as AnyDefinition;
    for (const sku of ['cx22', 'cpx31', 'ccx63', 'cax41', 'cx122']) expect(serverIssues(pool, { ...(GOOD.NodePoolClaim as object), sku })).toEqual([]);
    for (const sku of ['cx2', 'm5.large', 'CAX41', 'cax']) expect(serverIssues(pool, { ...(GOOD.NodePoolClaim as object), sku }).length).toBe(1);
  });

  test('cross-field rules (CEL in the XRD, predicates at synth)', () => {
    const region = RegionClaimType as unknown as AnyDefinition;
    const { userData: _u, ...noCloudInit } = GOOD.RegionClaim as Record<string, unknown>;
    expect(libraryIssues(region, noCloudInit)).toEqual([expect.stringContaining('give userData and sshKeyName to create a region, or adopt')]);
    const adopting = { ...noCloudInit, sshKeyName: undefined, adopt: { networkId: '1', firewallId: '2', controlPlaneServerId: '3', loadBalancerId: '4' } };
    expect(libraryIssues(region, json(adopting))).toEqual([]);
    expect(libraryIssues(region, json({ ...adopting, userData: '#cloud-config' }))).toHaveLength(1);
    expect(libraryIssues(PeeringClaimType as unknown as AnyDefinition, json({ ...(GOOD.PeeringClaim as object), gatewayB: undefined }))).toEqual([expect.stringContaining('needs gatewayB')]);
    const oneWay = json({ ...(GOOD.PeeringClaim as object), gatewayB: undefined, bidirectional: false });
    expect(libraryIssues(PeeringClaimType as unknown as AnyDefinition, oneWay)).toEqual([]);
    expect(libraryIssues(NodeActionClaimType as unknown as AnyDefinition, { ...(GOOD.NodeActionClaim as object), action: 'replace' })).toEqual([expect.stringContaining('replaceWith')]);
  });

  test('claim() objects are typed by the schema and checked at synth', () => {
    const chart = new Chart(new App(), 'x');
    const ok = NodePoolClaimType.claim(chart, 'ok', { name: 'workers', namespace: 'crossplane-system', parameters: GOOD.NodePoolClaim as never });
    expect(ok.toJson()).toMatchObject({ apiVersion: 'compose.openova.io/v1alpha1', kind: 'NodePoolClaim', metadata: { name: 'workers', namespace: 'crossplane-system' } });
    let caught: unknown;
    try {
      NodePoolClaimType.claim(chart, 'bad', { name: 'workers', namespace: 'crossplane-system', parameters: { ...(GOOD.NodePoolClaim as object), replicas: 500 } as never });
    } catch (e) {
      caught = e;
    }
    expect(isCatalystError(caught)).toBe(true);
    expect((caught as Error).message).toMatch(/claim NodePoolClaim crossplane-system\/workers\.spec\.parameters\.replicas/);
  });
});

describe('TypeBox → OpenAPI conversion', () => {
  test('rejects what a structural schema cannot express, with the field path', () => {
    expect(() => toOpenApi(Type.Object({ a: Type.Union([Type.String(), Type.Number()]) }), 'x')).toThrow(/x\.a: a union must be of literals/);
  });

  test('structural issues are found: untyped nodes, properties with additionalProperties, invalid defaults', () => {
    const bad: OpenApiSchema = {
      type: 'object',
      properties: {
        a: {},
        b: { type: 'object', properties: { c: { type: 'string' } }, additionalProperties: { type: 'string' } },
        d: { type: 'integer', minimum: 1, default: 0 },
        e: { type: 'string', pattern: '^(?!latest$).+$' },
      },
    };
    expect(structuralIssues(bad, 's').map((i) => i.path)).toEqual(['s.a', 's.b', 's.d.default', 's.e']);
  });
});
