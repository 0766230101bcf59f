import {
  CLUSTER_DIR, expectChartPin, expectedChartValues, expectIssueAt, expectMatchesSlot, instanceOf, kitSlot, kustomizeCluster,
  slotBlueprintVersion, sovereignWith, valuesFor,
} from './kit-helpers';
import { expectUpstreamPin, inventory, primaryRelease, quantitiesAsStrings, synthSlot } from './wave2b-helpers';
import { RELOADER_CHART, Reloader } from '../../blueprints/reloader';
import { use } from '../../src/sovereign';
import { PlainObject } from '../../src/values';

const SLOT = kitSlot('28-reloader');
const FILE = '28-reloader.yaml';

interface UpstreamReloader {
  reloader: {
    replicaCount: number;
    deployment: {
      securityContext: {
        runAsNonRoot: boolean; runAsUser: number; readOnlyRootFilesystem: boolean; allowPrivilegeEscalation: boolean; capabilities: unknown;
      };
    } & PlainObject;
  } & PlainObject;
}

/**
 * The upstream curated values with two deliberate fixes, each a key the reloader chart does not
 * read: `replicaCount` (the chart reads `deployment.replicas`, with `enableHA` for more than
 * one) and the container-only hardening upstream put into the pod-level
 * `deployment.securityContext` (moved to `containerSecurityContext`, and read-only root through
 * the chart's `readOnlyRootFileSystem` switch, which also mounts a writable /tmp).
 */
function expectedValues(): PlainObject {
  const up = quantitiesAsStrings(expectedChartValues('reloader', 'reloader', SLOT)) as unknown as UpstreamReloader;
  const { replicaCount, deployment, ...rest } = up.reloader;
  const { runAsNonRoot, runAsUser, readOnlyRootFilesystem, allowPrivilegeEscalation, capabilities } = deployment.securityContext;
  return {
    reloader: {
      ...rest,
      enableHA: false,
      readOnlyRootFileSystem: readOnlyRootFilesystem,
      deployment: {
        ...deployment,
        replicas: replicaCount,
        securityContext: { runAsNonRoot, runAsUser },
        containerSecurityContext: { allowPrivilegeEscalation, capabilities },
      },
    },
  };
}

describe('bp-reloader', () => {
  test('pins the upstream reloader chart recorded in the Blueprint chart', () => {
    expect(Reloader.spec.upstream).toEqual([RELOADER_CHART]);
    expectUpstreamPin(RELOADER_CHART, 'reloader');
    expect(Reloader.spec).toMatchObject({ name: 'reloader', slot: 28, namespace: 'reloader', visibility: 'unlisted' });
    // Restricted Pod Security, and no flow beyond the namespace baseline (it only talks to the API server).
    expect(Reloader.spec.podSecurity).toBeUndefined();
    expect(Reloader.spec.network).toBeUndefined();
  });

  test('defaults give the chart the upstream curated values, each setting where the chart reads it', () => {
    const values = valuesFor(instanceOf(sovereignWith([use(Reloader)]), Reloader), 'reloader');
    expect(values).toEqual(expectedValues());
    const r = values.reloader as Record<string, PlainObject>;
    expect(r).not.toHaveProperty('replicaCount');
    expect(r.deployment.securityContext).toEqual({ runAsNonRoot: true, runAsUser: 65532 });
    expect(r.deployment.containerSecurityContext).toEqual({ allowPrivilegeEscalation: false, capabilities: { drop: ['ALL'] } });
    expect(r.readOnlyRootFileSystem).toBe(true);
    expect(r.deployment.image).toEqual({ name: 'ghcr.io/stakater/reloader', tag: 'v1.4.16', pullPolicy: 'IfNotPresent' });
    expect(r.serviceMonitor).toEqual({ enabled: false });
  });

  test('the HelmRelease matches kit slot 28: no dependencies', () => {
    const slot = synthSlot([use(Reloader)], FILE);
    const hr = primaryRelease(slot, 'reloader');
    expectMatchesSlot(hr, SLOT);
    expect(hr.spec.dependsOn).toBeUndefined();
    expect(Reloader.spec.version).toBe(slotBlueprintVersion(SLOT));
    expectChartPin(slot.kit, hr, RELOADER_CHART);
    expect(hr.spec.values).toEqual(expectedValues());
    expect(inventory(slot.kit)).toEqual(['HelmRelease/bp-reloader', 'HelmRepository/bp-reloader', 'Namespace/reloader']);
    expect(slot.result.files.get(`${CLUSTER_DIR}/bootstrap-kit/${FILE}`)).toMatchSnapshot();
  });

  test('more than one replica turns on leader election; a digest pins the image further', () => {
    const digest = `sha256:${'a'.repeat(64)}`;
    const bp = instanceOf(sovereignWith([use(Reloader, { values: { replicas: 2, image: { digest } } })]), Reloader);
    const r = valuesFor(bp, 'reloader').reloader as Record<string, PlainObject>;
    expect(r.enableHA).toBe(true);
    expect(r.deployment.replicas).toBe(2);
    expect(r.deployment.image).toEqual({ name: 'ghcr.io/stakater/reloader', tag: `v1.4.16@${digest}`, pullPolicy: 'IfNotPresent' });
    expect(bp.autoAnnotation).toEqual({ 'reloader.stakater.com/auto': 'true' });
  });

  test('a bad override fails with the path of the field', () => {
    expect(expectIssueAt(() => sovereignWith([use(Reloader, { values: { reloadStrategy: 'restart' as never } })]), 'sovereign.blueprints[0].values.reloadStrategy')).toContain('env-vars');
    expectIssueAt(() => sovereignWith([use(Reloader, { values: { replicaCount: 2 } as never })]), 'sovereign.blueprints[0].values.replicaCount');
    expectIssueAt(() => sovereignWith([use(Reloader, { values: { image: { tag: 'latest' } } })]), 'sovereign.blueprints[0].values.image.tag');
  });

  test('the cluster folder builds with kubectl kustomize', () => {
    const objects = kustomizeCluster(sovereignWith([use(Reloader)]));
    expect(objects.some((o) => o.kind === 'HelmRelease' && o.metadata.name === 'bp-reloader')).toBe(true);
    expect(objects.some((o) => o.kind === 'Namespace' && o.metadata.name === 'reloader')).toBe(true);
  });
});
