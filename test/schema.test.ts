/**
 * Issue 3: every object the library synthesizes is validated against a real schema of its kind
 * (test/support/schema.ts says which schema serves which kind). A wrong field type, a missing
 * required field or, in strict mode, a field the schema does not declare fails the test.
 */
import { exampleSovereign } from '../examples/sovereign';
import { synthesize, SynthResult } from '../src/synth';
import { SchemaRegistry, schemaSource, validateObject } from './support/schema';
import { K8sObject, objectId, parseStream } from './support/tools';

/** A valid HelmRelease as the Flux writer emits it; each self-test breaks one thing. */
function helmRelease(): Record<string, any> {
  return {
    apiVersion: 'helm.toolkit.fluxcd.io/v2',
    kind: 'HelmRelease',
    metadata: { name: 'bp-demo', namespace: 'flux-system', labels: { 'app.kubernetes.io/managed-by': 'catalyst-cdk' } },
    spec: {
      interval: '15m',
      releaseName: 'demo',
      targetNamespace: 'demo',
      chart: { spec: { chart: 'demo', version: '1.2.3', sourceRef: { kind: 'HelmRepository', name: 'bp-demo', namespace: 'flux-system' } } },
      dependsOn: [{ name: 'bp-cilium', namespace: 'flux-system' }],
      install: { remediation: { retries: 3 } },
      values: { free: { form: ['values are the chart\'s business'], n: 1 } },
    },
  };
}

function clusterIssuer(): Record<string, any> {
  return {
    apiVersion: 'cert-manager.io/v1',
    kind: 'ClusterIssuer',
    metadata: { name: 'letsencrypt-http01-prod' },
    spec: {
      acme: {
        server: 'https://acme-v02.api.letsencrypt.org/directory',
        email: 'ops@acme.test',
        privateKeySecretRef: { name: 'letsencrypt-http01-prod-account-key' },
        solvers: [{ http01: { ingress: { ingressClassName: 'cilium' } } }],
      },
    },
  };
}

function networkPolicy(): Record<string, any> {
  return {
    apiVersion: 'networking.k8s.io/v1',
    kind: 'NetworkPolicy',
    metadata: { name: 'allow-web', namespace: 'demo' },
    spec: {
      podSelector: { matchLabels: { app: 'web' } },
      policyTypes: ['Ingress'],
      ingress: [{ ports: [{ port: 8080, protocol: 'TCP' }] }],
    },
  };
}

describe('the validator can fail (self-tests)', () => {
  test('valid baselines pass, so each failure below comes from the one thing broken', () => {
    expect(validateObject(helmRelease())).toEqual([]);
    expect(validateObject(clusterIssuer())).toEqual([]);
    expect(validateObject(networkPolicy())).toEqual([]);
  });

  test('HelmRelease with interval: 10 (a number, Flux wants a duration string)', () => {
    const hr = helmRelease();
    hr.spec.interval = 10;
    expect(validateObject(hr)).toEqual(['/spec/interval must be string']);
  });

  test('HelmRelease whose chart sourceRef has no name', () => {
    const hr = helmRelease();
    delete hr.spec.chart.spec.sourceRef.name;
    expect(validateObject(hr)).toEqual(['/spec/chart/spec/sourceRef must have required property name']);
  });

  test('HelmRelease sourceRef kind outside the CRD enum', () => {
    const hr = helmRelease();
    hr.spec.chart.spec.sourceRef.kind = 'HelmRepo';
    expect(validateObject(hr)).toEqual([expect.stringMatching(/^\/spec\/chart\/spec\/sourceRef\/kind must be equal to one of the allowed values: .*"HelmRepository"/)]);
  });

  test('ClusterIssuer without acme.server', () => {
    const ci = clusterIssuer();
    delete ci.spec.acme.server;
    expect(validateObject(ci)).toEqual(['/spec/acme must have required property server']);
  });

  test('NetworkPolicy: a named (string) port is fine, a podSelector of the wrong type is not', () => {
    const named = networkPolicy();
    named.spec.ingress[0].ports[0].port = 'http';
    expect(validateObject(named)).toEqual([]);

    const wrong = networkPolicy();
    wrong.spec.podSelector = 'app=web';
    expect(validateObject(wrong)).toEqual(['/spec/podSelector must be object']);

    const ports = networkPolicy();
    ports.spec.ingress[0].ports[0].port = 8080.5;
    expect(validateObject(ports)).toEqual(expect.arrayContaining(['/spec/ingress/0/ports/0/port must be integer']));
  });

  test('an unknown field in a HelmRelease spec fails in strict mode only (the Kubernetes schemas accept it)', () => {
    const hr = helmRelease();
    hr.spec.disableTakeOwnership = true; // upstream bug 1a2c6ae: not a HelmRelease v2 field
    hr.spec.install.remediation.retry = 3;
    expect(validateObject(hr, { strict: false })).toEqual([]);
    expect(validateObject(hr).sort()).toEqual([
      '/spec/disableTakeOwnership is not a field of helm.toolkit.fluxcd.io/v2 HelmRelease (strict: not in the schema)',
      '/spec/install/remediation/retry is not a field of helm.toolkit.fluxcd.io/v2 HelmRelease (strict: not in the schema)',
    ]);
  });

  test('strict mode respects free-form and map fields: values, labels and annotations take any key', () => {
    const hr = helmRelease();
    hr.spec.values = { 'anything': { at: { any: ['depth'] } }, 'dotted.key': true };
    hr.metadata.annotations = { 'example.com/whatever': 'x' };
    expect(validateObject(hr)).toEqual([]);
  });

  test('an unknown kind is an explicit error, never a silent pass', () => {
    expect(validateObject({ apiVersion: 'example.com/v1', kind: 'Widget', metadata: { name: 'w' } })).toEqual(['no schema for example.com/v1 Widget']);
    expect(validateObject({ apiVersion: 'helm.toolkit.fluxcd.io/v2', kind: 'HelmChartz', metadata: { name: 'w' } })).toEqual(['no schema for helm.toolkit.fluxcd.io/v2 HelmChartz']);
  });

  test('vendored CNPG Cluster schema: wrong types, bad enum, embedded Kubernetes types and unknown fields fail', () => {
    const good = {
      apiVersion: 'postgresql.cnpg.io/v1',
      kind: 'Cluster',
      metadata: { name: 'pdns-pg', namespace: 'powerdns' },
      spec: {
        instances: 1,
        imageName: 'ghcr.io/cloudnative-pg/postgresql:16.4',
        storage: { size: '5Gi' },
        bootstrap: { initdb: { database: 'pdns', owner: 'pdns', secret: { name: 'pdns-pg-app' } } },
        resources: { requests: { cpu: '100m', memory: '256Mi' } },
        monitoring: { enablePodMonitor: false },
      },
    };
    expect(validateObject(good)).toEqual([]);
    const bad = JSON.parse(JSON.stringify(good));
    bad.spec.instances = '1';
    bad.spec.logLevel = 'verbose';
    bad.spec.resources.requests.cpu = 'a lot';
    bad.spec.bootstrap.initdb.secret = {};
    bad.spec.storage.sizee = '5Gi';
    expect(validateObject(bad).sort()).toEqual([
      '/spec/bootstrap/initdb/secret must have required property name',
      '/spec/instances must be integer',
      '/spec/logLevel must be equal to one of the allowed values: "error", "warning", "info", "debug", "trace"',
      '/spec/resources/requests/cpu must be number',
      '/spec/resources/requests/cpu must match exactly one schema in "oneOf"',
      '/spec/resources/requests/cpu must match format "quantity"',
      '/spec/storage/sizee is not a field of postgresql.cnpg.io/v1 Cluster (strict: not in the schema)',
    ]);
  });

  test('vendored Crossplane schemas: a patch-and-transform typo fails', () => {
    const composition = {
      apiVersion: 'apiextensions.crossplane.io/v1',
      kind: 'Composition',
      metadata: { name: 'hetzner-region.compose.openova.io' },
      spec: {
        compositeTypeRef: { apiVersion: 'compose.openova.io/v1alpha1', kind: 'XRegionClaim' },
        writeConnectionSecretsToNamespace: 'crossplane-system',
        resources: [{
          name: 'network',
          base: { apiVersion: 'network.hcloud.crossplane.io/v1alpha1', kind: 'Network', spec: { forProvider: { ipRange: '' } } },
          patches: [{ type: 'FromCompositeFieldPath', fromFieldPath: 'spec.parameters.ipRange', toFieldPath: 'spec.forProvider.ipRange', transforms: [{ type: 'string', string: { type: 'Format', fmt: '%s' } }] }],
        }],
      },
    };
    expect(validateObject(composition)).toEqual([]);
    const bad = JSON.parse(JSON.stringify(composition));
    bad.spec.resources[0].patches[0].type = 'FromCompositeFieldpath';
    bad.spec.resources[0].patches[0].transforms[0].string.fmtt = '%s';
    delete bad.spec.resources[0].base.kind;
    expect(validateObject(bad).sort()).toEqual([
      '/spec/resources/0/base must be an embedded Kubernetes object with apiVersion and kind',
      '/spec/resources/0/patches/0/transforms/0/string/fmtt is not a field of apiextensions.crossplane.io/v1 Composition (strict: not in the schema)',
      expect.stringMatching(/^\/spec\/resources\/0\/patches\/0\/type must be equal to one of the allowed values: "FromCompositeFieldPath"/),
    ]);
    expect(validateObject({ apiVersion: 'pkg.crossplane.io/v1', kind: 'Provider', metadata: { name: 'provider-hcloud' }, spec: {} })).toEqual(['/spec must have required property package']);
  });

  test('claims are checked against the XRD in the same set, with the fields Crossplane injects', () => {
    const xrd = {
      apiVersion: 'apiextensions.crossplane.io/v1',
      kind: 'CompositeResourceDefinition',
      metadata: { name: 'xregionclaims.compose.openova.io' },
      spec: {
        group: 'compose.openova.io',
        names: { kind: 'XRegionClaim', plural: 'xregionclaims' },
        claimNames: { kind: 'RegionClaim', plural: 'regionclaims' },
        versions: [{
          name: 'v1alpha1',
          served: true,
          referenceable: true,
          schema: {
            openAPIV3Schema: {
              type: 'object',
              properties: {
                spec: {
                  type: 'object',
                  required: ['parameters'],
                  properties: {
                    parameters: {
                      type: 'object',
                      required: ['region'],
                      properties: { region: { type: 'string', enum: ['fsn1', 'nbg1', 'hel1'] }, workerCount: { type: 'integer', minimum: 0, default: 0 } },
                    },
                  },
                },
              },
            },
          },
        }],
      },
    };
    const registry = new SchemaRegistry();
    expect(registry.validate(xrd)).toEqual([]);
    registry.registerDefinitions([xrd]);
    const claim = { apiVersion: 'compose.openova.io/v1alpha1', kind: 'RegionClaim', metadata: { name: 'fsn1', namespace: 'crossplane-system' }, spec: { parameters: { region: 'fsn1' }, compositionRef: { name: 'hetzner-region.compose.openova.io' } } };
    expect(registry.validate(claim)).toEqual([]);
    expect(registry.validate({ ...claim, spec: { parameters: { region: 'ams1', workerCount: 'three' } } })).toEqual([
      '/spec/parameters/region must be equal to one of the allowed values: "fsn1", "nbg1", "hel1"',
      '/spec/parameters/workerCount must be integer',
    ]);
    expect(registry.validate({ ...claim, spec: {} })).toEqual(['/spec must have required property parameters']);
    expect(new SchemaRegistry().validate(claim)).toEqual(['no schema for compose.openova.io/v1alpha1 RegionClaim']);
  });

  test('the Blueprint schema (from UPSTREAM.md §2.2) rejects what §2.2 forbids', () => {
    const bp = {
      apiVersion: 'catalyst.openova.io/v1alpha1',
      kind: 'Blueprint',
      metadata: { name: 'bp-demo', labels: { 'catalyst.openova.io/section': 'pts-3-3-security-and-policy' } },
      spec: {
        version: '1.0.0',
        card: { title: 'Demo', summary: 'A demo.' },
        visibility: 'unlisted',
        manifests: { chart: './chart' },
        depends: [{ blueprint: 'bp-cilium', version: '^1' }, 'bp-cert-manager'],
        configSchema: { 'type': 'object', 'properties': { replicas: { type: 'integer', default: 1 } }, 'x-catalyst-ui-hint': 'n/a' },
      },
    };
    expect(validateObject(bp)).toEqual([]);
    const bad = JSON.parse(JSON.stringify(bp));
    bad.metadata.name = 'demo';
    bad.spec.visibility = 'public';
    bad.spec.version = 'v1';
    bad.spec.depends[0].alias = 'Bad Alias';
    bad.spec.configSchema = { type: 'array', items: { type: 'nope' } };
    bad.spec.cards = {};
    const errors = validateObject(bad);
    bad.spec.configSchema = { type: 'object', properties: { replicas: { type: 'nope' } } };
    expect(validateObject(bad)).toEqual(expect.arrayContaining([expect.stringMatching(/^\/spec\/configSchema is not a valid JSON Schema: \/properties\/replicas\/type /)]));
    expect(errors).toEqual(expect.arrayContaining([
      '/metadata/name must match pattern "^bp-[a-z0-9]([-a-z0-9]*[a-z0-9])?$"',
      '/spec/visibility must be equal to one of the allowed values: "listed", "unlisted", "private"',
      expect.stringMatching(/^\/spec\/version must match pattern/),
      '/spec/depends/0/alias must match pattern "^[a-z][a-z0-9-]*$"',
      '/spec/configSchema must have type "object" (a configSchema describes an object)',
      '/spec must NOT have additional properties: cards',
    ]));
  });
});

describe('every object of the default example Sovereign matches its schema', () => {
  let result: SynthResult;
  let documents: Array<{ readonly file: string; readonly obj: K8sObject }>;
  const registry = new SchemaRegistry();
  beforeAll(() => {
    result = synthesize(exampleSovereign());
    const fluxFiles = [...result.files.keys()].filter((f) => f.startsWith('flux/') && f.endsWith('.yaml'));
    documents = fluxFiles.flatMap((file) => parseStream(result.files.get(file)!).map((obj) => ({ file, obj })));
    // Instances of kinds defined in the set (CRDs, Crossplane XRDs) are checked against those definitions.
    registry.registerDefinitions(documents.map((d) => d.obj));
  });

  test('the example emits the kinds issue 3 names, and each has a schema', () => {
    const kinds = new Set(documents.map((d) => `${d.obj.apiVersion} ${d.obj.kind}`));
    for (const k of ['helm.toolkit.fluxcd.io/v2 HelmRelease', 'source.toolkit.fluxcd.io/v1 HelmRepository', 'cert-manager.io/v1 ClusterIssuer']) {
      expect(kinds).toContain(k);
    }
    // Kinds the kit will emit as it grows have a schema already (no Blueprint may pass unchecked).
    for (const [apiVersion, kind] of [
      ['source.toolkit.fluxcd.io/v1beta2', 'OCIRepository'], ['networking.k8s.io/v1', 'NetworkPolicy'],
      ['external-secrets.io/v1beta1', 'ExternalSecret'], ['external-secrets.io/v1beta1', 'ClusterSecretStore'],
      ['postgresql.cnpg.io/v1', 'Cluster'], ['apiextensions.crossplane.io/v1', 'Composition'],
      ['apiextensions.crossplane.io/v1', 'CompositeResourceDefinition'], ['pkg.crossplane.io/v1', 'Provider'],
      ['hcloud.crossplane.io/v1beta1', 'ProviderConfig'], ['kubernetes.crossplane.io/v1alpha1', 'ProviderConfig'],
    ]) {
      expect(schemaSource(apiVersion, kind)).toEqual(expect.any(String));
    }
  });

  test('no flux/ object has a schema error or an undeclared field (offenders listed by file and object)', () => {
    expect(documents.length).toBeGreaterThan(5);
    const offenders = documents.flatMap(({ file, obj }) => registry.validate(obj).map((e) => `${file} :: ${objectId(obj)} :: ${e}`));
    expect(offenders).toEqual([]);
  });

  test('every blueprint.yaml matches the catalyst.openova.io/v1alpha1 Blueprint schema', () => {
    const blueprints = [...result.files.keys()].filter((f) => /^blueprints\/[^/]+\/blueprint\.yaml$/.test(f));
    expect(blueprints.length).toBe(result.stats.blueprints);
    const offenders = blueprints.flatMap((file) => parseStream(result.files.get(file)!).flatMap((obj) => validateObject(obj).map((e) => `${file} :: ${objectId(obj)} :: ${e}`)));
    expect(offenders).toEqual([]);
  });
});
