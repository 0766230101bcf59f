import { execFileSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import { Type } from '@sinclair/typebox';
import { Chart } from 'cdk8s';
import { k8s } from 'cdk8s-plus-28';
import { CertManager } from '../../blueprints/cert-manager';
import { Cilium, CILIUM_CHART } from '../../blueprints/cilium';
import { Blueprint, blueprintSpec } from '../../src/blueprint';
import { CatalystError } from '../../src/errors';
import { isNamespaceBaseline } from '../../src/network';
import { Sovereign, use } from '../../src/sovereign';
import { synthesize } from '../../src/synth';
import { strictObject } from '../../src/values';
import { escapeHelmTemplate } from '../../src/writers/chart';
import { fakeBlueprint } from '../support/fake-blueprints';
import { HELM, objectsOf, parseStream, synthToDisk, tempDir } from '../support/tools';

const FQDN = 'charts.sovereign.test';
const org = { name: 'Acme', email: 'ops@acme.test' };

const SiteValues = strictObject({ replicas: Type.Integer({ minimum: 1 }), page: Type.String() });
/** A manifest-only Blueprint whose content contains Helm template syntax that must stay literal. */
class Site extends Blueprint<typeof SiteValues> {
  public static readonly spec = blueprintSpec({
    name: 'site',
    version: '2.3.4',
    section: 'pts-test',
    card: { title: 'Site', summary: "A static site (it's plain)." },
    upstream: [],
    namespace: 'site',
    values: SiteValues,
    defaults: { replicas: 2, page: 'Hello {{ .Values.name }} }}' },
  });
  protected overlays(scope: Chart): void {
    new k8s.KubeConfigMap(scope, 'page', { metadata: { name: 'page' }, data: { 'index.html': this.values.page } });
    new k8s.KubeDeployment(scope, 'web', {
      metadata: { name: 'web' },
      spec: {
        replicas: this.values.replicas,
        selector: { matchLabels: { app: 'web' } },
        template: {
          metadata: { labels: { app: 'web' } },
          spec: { containers: [{ name: 'web', image: 'nginxinc/nginx-unprivileged:1.27.3', ports: [{ containerPort: 8080 }] }] },
        },
      },
    });
  }
}

function helm(args: string[], cwd?: string): string {
  return execFileSync(HELM, args, { cwd, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
}

describe('Helm chart per Blueprint', () => {
  test('escapeHelmTemplate keeps {{ and }} literal', () => {
    expect(escapeHelmTemplate('a {{ b }} c')).toBe('a {{`{{`}} b {{`}}`}} c');
  });

  test('a manifest-only chart lints, and `helm template` yields exactly the objects the Flux writer emits', () => {
    const sov = new Sovereign({ fqdn: FQDN, org, includeKit: false, blueprints: [use(Site)] });
    const { dir, result } = synthToDisk(sov);
    const chartDir = path.join(dir, 'charts/bp-site');
    expect(helm(['lint', '--strict', chartDir])).toContain('1 chart(s) linted, 0 chart(s) failed');
    const rendered = parseStream(helm(['template', 'site', chartDir, '--namespace', 'site']));
    // The namespace baseline (Namespace, default-deny policies) belongs to the Flux tree, not to the chart.
    const emitted = objectsOf(result, `flux/clusters/${FQDN}/bootstrap-kit/site.yaml`).filter((o) => !isNamespaceBaseline(o));
    const key = (o: { kind: string; metadata: { name: string } }) => `${o.kind}/${o.metadata.name}`;
    expect(rendered.sort((a, b) => key(a).localeCompare(key(b)))).toEqual(emitted.sort((a, b) => key(a).localeCompare(key(b))));
    expect((rendered.find((o) => o.kind === 'ConfigMap') as any).data['index.html']).toBe('Hello {{ .Values.name }} }}');
    const chartYaml = parseStream(fs.readFileSync(path.join(chartDir, 'Chart.yaml'), 'utf8'))[0] as any;
    expect(chartYaml).toMatchObject({ apiVersion: 'v2', name: 'bp-site', version: '2.3.4', annotations: { 'catalyst.openova.io/no-upstream': 'true' } });
    expect(chartYaml.dependencies).toBeUndefined();
    const pkgDir = tempDir();
    helm(['package', chartDir, '--destination', pkgDir]);
    const listing = execFileSync('tar', ['-tzf', path.join(pkgDir, 'bp-site-2.3.4.tgz')], { encoding: 'utf8' }).split('\n').filter(Boolean).sort();
    expect(listing).toEqual([
      'bp-site/Chart.yaml', 'bp-site/README.md', 'bp-site/templates/configmap-site-page.yaml', 'bp-site/templates/deployment-site-web.yaml',
      'bp-site/values.schema.json', 'bp-site/values.yaml',
    ]);
  });

  test('an upstream chart: pinned dependency, values under its name, provenance, schema; lints and packages', () => {
    const sov = new Sovereign({ fqdn: FQDN, org, includeKit: false, blueprints: [use(Cilium), use(CertManager)] });
    const { dir } = synthToDisk(sov);
    const chartDir = path.join(dir, 'charts/bp-cilium');
    const chartYaml = parseStream(fs.readFileSync(path.join(chartDir, 'Chart.yaml'), 'utf8'))[0] as any;
    expect(chartYaml).toMatchObject({ name: 'bp-cilium', version: Cilium.spec.version, appVersion: CILIUM_CHART.version, keywords: ['catalyst', 'blueprint', 'cilium'] });
    expect(chartYaml.dependencies).toEqual([{ name: 'cilium', version: CILIUM_CHART.version, repository: CILIUM_CHART.repository }]);
    const values = parseStream(fs.readFileSync(path.join(chartDir, 'values.yaml'), 'utf8'))[0] as any;
    const bp = sov.find(Cilium)!;
    expect(values.cilium).toEqual(bp.helmValuesFor(CILIUM_CHART));
    expect(values.catalystBlueprint).toEqual({ upstream: { chart: 'cilium', version: '1.16.5', repo: 'https://helm.cilium.io' } });
    const schema = JSON.parse(fs.readFileSync(path.join(chartDir, 'values.schema.json'), 'utf8'));
    expect(schema.$defs.config.properties.encryption.properties.type.default).toBe('wireguard');
    // The upstream chart is not downloaded (no network): lint warns about it and passes.
    const lint = helm(['lint', chartDir]);
    expect(lint).toContain('chart directory is missing these dependencies: cilium');
    expect(lint).toContain('0 chart(s) failed');
    // Packaging needs the dependency in charts/ (`helm dependency build`, network): check the layout instead.
    expect(fs.readdirSync(chartDir).sort()).toEqual(['Chart.yaml', 'README.md', 'values.schema.json', 'values.yaml']);
    // cert-manager's ClusterIssuer needs cert-manager's CRDs: it stays out of the chart, in infrastructure/.
    expect(fs.existsSync(path.join(dir, 'charts/bp-cert-manager/templates'))).toBe(false);
    expect(fs.readFileSync(path.join(dir, 'charts/bp-cert-manager/README.md'), 'utf8')).toContain('ClusterIssuer/letsencrypt-http01-prod');
  });
});

describe('distribution: oci (bp-<name> charts from a registry)', () => {
  const Dep = fakeBlueprint('after', '1.0.0', [Site]);
  const sov = new Sovereign({
    fqdn: FQDN,
    org,
    includeKit: false,
    distribution: { mode: 'oci', registry: 'oci://registry.example.test/catalyst', secretRef: 'registry-pull' },
    blueprints: [use(Cilium), use(Site), use(Dep)],
  });
  const r = synthesize(sov);
  const dir = `flux/clusters/${FQDN}`;

  test('each Blueprint is one OCIRepository + one HelmRelease of its bp chart, values nested by dependency', () => {
    const objs = objectsOf(r, `${dir}/bootstrap-kit/01-cilium.yaml`) as any[];
    expect(objs.map((o) => o.kind)).toEqual(['OCIRepository', 'HelmRelease']);
    expect(objs[0].spec).toMatchObject({ url: 'oci://registry.example.test/catalyst/bp-cilium', ref: { tag: '1.1.1' }, secretRef: { name: 'registry-pull' } });
    expect(objs[1].spec).toMatchObject({ chartRef: { kind: 'OCIRepository', name: 'bp-cilium', namespace: 'flux-system' }, releaseName: 'cilium', storageNamespace: 'kube-system' });
    expect(objs[1].spec.values.cilium.kubeProxyReplacement).toBe(true);
  });

  test('a manifest-only Blueprint gets a release, its manifests live in the chart, and dependants wait for it', () => {
    const site = objectsOf(r, `${dir}/bootstrap-kit/site.yaml`).filter((o) => o.kind === 'Namespace' || !isNamespaceBaseline(o)).map((o) => o.kind);
    expect(site).toEqual(['Namespace', 'OCIRepository', 'HelmRelease']);
    const after = objectsOf(r, `${dir}/bootstrap-kit/after.yaml`).find((o) => o.kind === 'HelmRelease') as any;
    expect(after.spec.dependsOn).toEqual([{ name: 'bp-site', namespace: 'flux-system' }]);
    expect([...r.files.keys()].filter((k) => k.startsWith('charts/bp-site/templates/'))).toEqual([
      'charts/bp-site/templates/configmap-site-page.yaml',
      'charts/bp-site/templates/deployment-site-web.yaml',
    ]);
  });

  test('a registry that is not oci:// is rejected', () => {
    expect(() => new Sovereign({ fqdn: FQDN, org, includeKit: false, distribution: { mode: 'oci', registry: 'https://ghcr.io/x' } })).toThrow(CatalystError);
    expect(() => new Sovereign({ fqdn: FQDN, org, includeKit: false, distribution: { mode: 'oci', registry: 'https://ghcr.io/x' } })).toThrow('sovereign.distribution.registry: must be an oci:// registry path');
  });
});
