/**
 * The default Sovereign's bootstrap kit against the upstream (UPSTREAM.md §3.2, _kit-slots.yaml):
 * every slot present under its number, and the whole Flux dependsOn graph equal to upstream's,
 * except the edges this library adds on purpose (each listed with its reason).
 */
import * as fs from 'fs';
import * as path from 'path';
import { parse } from 'yaml';
import { Sovereign } from '../../src/sovereign';
import { synthesize } from '../../src/synth';
import { kustomize, objectsOf, synthToDisk } from '../support/tools';

const FQDN = 'kit.sovereign.test';
const DIR = `flux/clusters/${FQDN}`;
const SLOTS = parse(fs.readFileSync(path.join(__dirname, '..', 'fixtures', 'upstream-values', '_kit-slots.yaml'), 'utf8')) as Record<string, { helmRelease: string; dependsOn: string[] }>;

/** HelmRelease edges added beyond upstream's §3.2, and why. */
const ADDED: Record<string, readonly string[]> = {
  // The zone database is a CNPG Cluster: the operator must run first (upstream's pods waited on a Secret no one made).
  'bp-powerdns': ['bp-cnpg'],
  // The umbrella no longer re-installs the leaves as subcharts; it waits for the ones it uses.
  'bp-catalyst-platform': ['bp-keycloak', 'bp-openbao', 'bp-nats-jetstream', 'bp-cert-manager'],
  // S3 endpoint and credentials come from bp-seaweedfs' typed outputs.
  'bp-langfuse': ['bp-seaweedfs'],
};

/** Upstream HelmReleases that are manifests here (no release to depend on), and what dependants wait on instead. */
const MANIFEST_ONLY: Record<string, readonly string[]> = {
  'bp-crossplane-claims': ['bp-crossplane'],
  'bp-catalyst-platform': [],
  'bp-syft-grype': [],
  'bp-coraza': [],
};

describe('default bootstrap kit', () => {
  const sov = new Sovereign({ fqdn: FQDN, org: { name: 'Acme', email: 'ops@acme.test' }, gitops: { url: 'https://git.example.test/x.git' } });
  const result = synthesize(sov);

  test('all 35 upstream slots are present under their number', () => {
    const files = new Set([...result.files.keys()].filter((f) => f.startsWith(`${DIR}/bootstrap-kit/`) || f.startsWith(`${DIR}/infrastructure/`)).map((f) => path.basename(f)));
    for (const key of Object.keys(SLOTS)) {
      const file = `${key.replace('bp-catalyst-platform', 'catalyst-platform')}.yaml`;
      expect([file, files.has(file)]).toEqual([file, true]);
    }
  });

  test('the HelmRelease dependsOn graph equals upstream §3.2 plus the documented additions', () => {
    const releases = new Map<string, string[]>();
    for (const file of result.files.keys()) {
      if (!file.startsWith(`${DIR}/bootstrap-kit/`) || file.endsWith('kustomization.yaml')) continue;
      for (const o of objectsOf(result, file) as any[]) {
        if (o.kind === 'HelmRelease') releases.set(o.metadata.name, (o.spec.dependsOn ?? []).map((d: { name: string }) => d.name));
      }
    }
    for (const [key, slot] of Object.entries(SLOTS)) {
      const name = slot.helmRelease;
      if (name in MANIFEST_ONLY) {
        expect([name, releases.has(name)]).toEqual([name, false]);
        continue;
      }
      // A dependency that is manifests here is replaced by what it waits on.
      const upstream = slot.dependsOn.flatMap((d) => (d in MANIFEST_ONLY ? MANIFEST_ONLY[d] : [d]));
      const expected = [...new Set([...upstream, ...(ADDED[name] ?? [])])].sort();
      const actual = (releases.get(name) ?? []).filter((d) => !d.startsWith(`${name}-`)).sort();
      expect([key, actual]).toEqual([key, expected]);
    }
  });

  test('the install order honours every dependency and kubectl kustomize builds the tree', () => {
    const order = sov.blueprints.map((b) => b.name);
    for (const e of sov.graph.edges) expect(order.indexOf(e.to)).toBeLessThan(order.indexOf(e.from));
    const { dir } = synthToDisk(new Sovereign({ fqdn: FQDN, org: { name: 'Acme', email: 'ops@acme.test' }, gitops: { url: 'https://git.example.test/x.git' } }));
    const built = kustomize(`${dir}/${DIR}`);
    expect(built.filter((o) => o.kind === 'HelmRelease').length).toBe([...result.files.values()].join('\n').split('kind: HelmRelease\n').length - 1);
  });
});
