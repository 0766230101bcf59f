import { CLUSTER_DIR, expectIssueAt, instanceOf, kitSlot, kustomizeCluster, slotBlueprintVersion, sovereignWith, upstreamValues } from './kit-helpers';
import { imagesIn, inventory, objectNamed, quantitiesAsStrings, synthSlot } from './wave2b-helpers';
import { CertManager } from '../../blueprints/cert-manager';
import { Cilium } from '../../blueprints/cilium';
import { CORAZA_CONFIG_DIR, Coraza } from '../../blueprints/coraza';
import { use } from '../../src/sovereign';

const SLOT = kitSlot('35-coraza');
const FILE = '35-coraza.yaml';
const base = () => [use(Cilium), use(CertManager)];

/* eslint-disable @typescript-eslint/no-explicit-any */
type PodSpec = { serviceAccountName: string; automountServiceAccountToken: boolean; securityContext: any; containers: any[]; volumes?: any[] };
type Labels = Record<string, string>;
type Deployment = { spec: { replicas: number; selector: { matchLabels: Labels }; template: { metadata: { labels: Labels }; spec: PodSpec } } };
type Service = { spec: { type: string; selector: Record<string, string>; ports: { name: string; port: number; targetPort: string | number }[] } };
/* eslint-enable @typescript-eslint/no-explicit-any */

describe('bp-coraza', () => {
  test('spec: manifest-only kit slot 35 in namespace coraza, depending on bp-cilium and bp-cert-manager as the kit did', () => {
    expect(Coraza.spec).toMatchObject({ name: 'coraza', slot: 35, namespace: SLOT.targetNamespace, releaseName: SLOT.releaseName, visibility: 'unlisted' });
    // The upstream's only chart dependency was a dummy `common` library chart.
    expect(upstreamValues('coraza')).toMatchObject({ catalystBlueprint: { upstream: { chart: '', version: '' } } });
    expect(Coraza.spec.upstream).toEqual([]);
    // Restricted-ready pods; HAProxy anywhere in the cluster reaches the SPOA port.
    expect(Coraza.spec.podSecurity).toBeUndefined();
    expect(Coraza.spec.network).toEqual({ ingressFromCluster: [{ port: Coraza.spec.defaults.spoaPort }] });
    expect(Coraza.spec.version).toBe(slotBlueprintVersion(SLOT));
    const bp = instanceOf(sovereignWith([...base(), use(Coraza)]), Coraza);
    expect(bp.dependencies().map((d) => `bp-${d.blueprint.spec.name}`)).toEqual(SLOT.dependsOn);
  });

  test('defaults are the upstream curated values', () => {
    const up = quantitiesAsStrings(upstreamValues('coraza')) as any; // eslint-disable-line @typescript-eslint/no-explicit-any
    const d = Coraza.spec.defaults;
    const { pullPolicy, ...image } = up.coraza.image;
    const c = up.coraza;
    const typed = { enabled: d.enabled, replicas: d.replicas, image: d.image, pullPolicy: d.imagePullPolicy, spoaPort: d.spoaPort };
    expect(typed).toEqual({ enabled: c.enabled, replicas: c.replicas, image, pullPolicy, spoaPort: c.spoaPort });
    expect(d.resources).toEqual(c.resources);
    expect(d.image).toEqual({ repository: 'ghcr.io/corazawaf/coraza-spoa', tag: '0.7.0' });
    // The knobs of upstream's securityContext; the fixed hardening is asserted on the Deployment.
    expect(up.coraza.securityContext).toMatchObject({ runAsNonRoot: true, allowPrivilegeEscalation: false, capabilities: { drop: ['ALL'] } });
    const sc = up.coraza.securityContext;
    expect(d.securityContext).toEqual({ runAsUser: sc.runAsUser, readOnlyRootFilesystem: sc.readOnlyRootFilesystem });
    // Empty strings upstream mean "unset"; the Service targets the agent's port, by name.
    expect(up.coraza.configMap).toBe('');
    expect(d.configMap).toBeUndefined();
    expect(up.service).toEqual({ type: d.service.type, port: d.service.port, targetPort: d.spoaPort });
    expect(up.serviceAccount).toEqual({ create: d.serviceAccount.create, name: '' });
  });

  test('the slot file holds Namespace, ServiceAccount, Deployment and Service, and no HelmRelease or FQDN placeholder', () => {
    const slot = synthSlot([...base(), use(Coraza)], FILE);
    expect(inventory(slot.kit)).toEqual(['Deployment/coraza', 'Namespace/coraza', 'Service/coraza', 'ServiceAccount/coraza']);
    for (const o of slot.kit.filter((x) => x.kind !== 'Namespace')) expect(o.metadata.namespace).toBe('coraza');
    const text = slot.result.files.get(`${CLUSTER_DIR}/bootstrap-kit/${FILE}`) ?? '';
    // Upstream's coraza Namespace carried the literal SOVEREIGN_FQDN_PLACEHOLDER (never substituted).
    expect(text).not.toContain('SOVEREIGN_FQDN_PLACEHOLDER');
    expect(objectNamed(slot.kit, 'Namespace', 'coraza').metadata.labels?.['catalyst.openova.io/sovereign']).toBe('${SOVEREIGN_FQDN}');
    expect(text).toMatchSnapshot();
  });

  test('the Deployment runs the pinned image hardened, with TCP probes on the SPOA port', () => {
    const slot = synthSlot([...base(), use(Coraza)], FILE);
    const d = objectNamed<Deployment>(slot.kit, 'Deployment', 'coraza');
    const pod = d.spec.template.spec;
    const [c] = pod.containers;
    expect(d.spec.replicas).toBe(1);
    expect(c.image).toBe('ghcr.io/corazawaf/coraza-spoa:0.7.0');
    expect(imagesIn(slot.kit)).toEqual(['ghcr.io/corazawaf/coraza-spoa:0.7.0']);
    expect(c.ports).toEqual([{ name: 'spoa', containerPort: 9000, protocol: 'TCP' }]);
    expect(c.readinessProbe).toEqual({ tcpSocket: { port: 'spoa' }, initialDelaySeconds: 5, periodSeconds: 10, timeoutSeconds: 3, failureThreshold: 3 });
    expect(c.livenessProbe).toEqual({ tcpSocket: { port: 'spoa' }, initialDelaySeconds: 15, periodSeconds: 20, timeoutSeconds: 3, failureThreshold: 3 });
    expect(c.resources).toEqual({ requests: { cpu: '100m', memory: '128Mi' }, limits: { cpu: '1', memory: '512Mi' } });
    expect(c.securityContext).toEqual({
      allowPrivilegeEscalation: false,
      capabilities: { drop: ['ALL'] },
      seccompProfile: { type: 'RuntimeDefault' },
      runAsNonRoot: true,
      runAsUser: 65532,
      readOnlyRootFilesystem: false,
    });
    expect(pod.securityContext).toEqual({ runAsNonRoot: true, runAsUser: 65532, fsGroup: 65532, seccompProfile: { type: 'RuntimeDefault' } });
    expect(pod.serviceAccountName).toBe('coraza');
    expect(pod.automountServiceAccountToken).toBe(false);
    expect(c.volumeMounts).toBeUndefined();
    // The Service selects exactly the Deployment's pods, on the named port.
    const svc = objectNamed<Service>(slot.kit, 'Service', 'coraza');
    expect(svc.spec.selector).toEqual(d.spec.selector.matchLabels);
    expect(d.spec.template.metadata.labels).toMatchObject(d.spec.selector.matchLabels);
    expect(svc.spec.ports).toEqual([{ name: 'spoa', port: 9000, targetPort: 'spoa', protocol: 'TCP' }]);
    expect(instanceOf(sovereignWith([...base(), use(Coraza)]), Coraza).spoaEndpoint).toBe('coraza.coraza.svc.cluster.local:9000');
  });

  test('typed values shape the objects: config mount, replicas, off', () => {
    const slot = synthSlot([...base(), use(Coraza, { values: { configMap: 'coraza-rules', replicas: 2, spoaPort: 9100 } })], FILE);
    const d = objectNamed<Deployment>(slot.kit, 'Deployment', 'coraza');
    expect(d.spec.replicas).toBe(2);
    expect(d.spec.template.spec.containers[0].volumeMounts).toEqual([{ name: 'config', mountPath: CORAZA_CONFIG_DIR, readOnly: true }]);
    expect(d.spec.template.spec.volumes).toEqual([{ name: 'config', configMap: { name: 'coraza-rules' } }]);
    expect(d.spec.template.spec.containers[0].ports[0].containerPort).toBe(9100);
    const off = synthSlot([...base(), use(Coraza, { values: { enabled: false } })], FILE);
    expect(inventory(off.kit)).toEqual(['Namespace/coraza', 'ServiceAccount/coraza']);
    expect(instanceOf(sovereignWith([...base(), use(Coraza, { values: { enabled: false } })]), Coraza).outputs()).toEqual({});
  });

  test('bad values fail with the path of the field', () => {
    expect(expectIssueAt(() => sovereignWith([...base(), use(Coraza, { values: { spoaPort: 80 } })]), 'sovereign.blueprints[2].values.spoaPort')).toContain('>= 1024');
    expectIssueAt(() => sovereignWith([...base(), use(Coraza, { values: { image: { tag: 'latest' } } })]), 'sovereign.blueprints[2].values.image.tag');
    const rootless = { securityContext: { runAsNonRoot: false } } as never;
    expectIssueAt(() => sovereignWith([...base(), use(Coraza, { values: rootless })]), 'sovereign.blueprints[2].values.securityContext.runAsNonRoot');
  });

  test('the cluster folder builds with kubectl kustomize', () => {
    const objects = kustomizeCluster(sovereignWith([...base(), use(Coraza)]));
    expect(objects.some((o) => o.kind === 'Deployment' && o.metadata.name === 'coraza' && o.metadata.namespace === 'coraza')).toBe(true);
    expect(objects.some((o) => o.kind === 'Namespace' && o.metadata.name === 'coraza')).toBe(true);
  });
});
