/**
 * bp-catalyst-platform (kit slot 13): the Catalyst control plane of a Sovereign, the
 * catalyst-api (provisioning API, OpenTofu runner, deployment store) and the catalyst-ui console,
 * published on `console.`, `admin.`, `api.` and the bare Sovereign FQDN.
 *
 * Made of manifests only. The upstream umbrella chart re-installed ten kit leaves (Cilium,
 * cert-manager, Flux, Crossplane, …) as unconditional subcharts, rendering them a second time
 * inside `catalyst-system` next to the kit's own HelmReleases (spec §7). Here the Blueprint
 * depends on the leaves it needs instead; their subchart values (`bp-keycloak`/`bp-gitea`
 * `postgresql.fullnameOverride`, which only avoided a name collision inside that one release,
 * #252) have no object to apply to. The kit overlay's `global.sovereignFQDN` and `ingress.hosts.*`,
 * which no upstream template read (§7), are what the Ingress below is built from.
 */
import { Static, Type } from '@sinclair/typebox';
import { Chart } from 'cdk8s';
import * as k8s from 'cdk8s-plus-28/lib/imports/k8s';
import { ingressIssuerAnnotation } from '../../constructs/cert-manager';
import { imageRef, resourceRequirements } from '../../constructs/workload';
import { Blueprint, blueprintSpec } from '../../src/blueprint';
import { CatalystError } from '../../src/errors';
import { DnsLabel, Image, Quantity, Resources } from '../../src/schema';
import { strictObject } from '../../src/values';
import { CertManager } from '../cert-manager';
import { Gitea } from '../gitea';
import { Keycloak } from '../keycloak';
import { NatsJetstream } from '../nats-jetstream';
import { OpenBao } from '../openbao';

/** Flux's per-object opt-in to delete-and-recreate when server-side apply is rejected (CHART-AUTHORING). */
export const FLUX_FORCE_ANNOTATION = 'kustomize.toolkit.fluxcd.io/force';

const PullPolicy = Type.Union([Type.Literal('IfNotPresent'), Type.Literal('Always'), Type.Literal('Never')]);
const SecretKey = Type.String({ pattern: '^[-._a-zA-Z0-9]+$', maxLength: 253, description: 'key inside a Secret' });
/** First label of a hostname under the Sovereign FQDN; empty for the bare FQDN. */
const HostLabel = Type.Union([DnsLabel, Type.Literal('')], { description: "first DNS label under the Sovereign FQDN; '' for the FQDN itself" });
const Uid = Type.Integer({ minimum: 1, description: 'non-root UID/GID' });

export const CatalystPlatformValues = strictObject({
  /** catalyst-api: single replica with a ReadWriteOnce store, so updates recreate the pod. */
  api: strictObject({
    image: Image,
    imagePullPolicy: PullPolicy,
    resources: Resources,
    /** UID the API runs as, and the group that owns its volumes. */
    runAsUser: Uid,
    fsGroup: Uid,
    /** PVC `catalyst-api-deployments`: deployment records and posted-back kubeconfigs. */
    storage: strictObject({
      size: Quantity,
      /** Unset binds to the cluster's default StorageClass (local-path on k3s). */
      storageClassName: Type.Optional(Type.String({ pattern: '^[a-z0-9]([-.a-z0-9]*[a-z0-9])?$', maxLength: 253 })),
    }),
    /** Size limits of the scratch emptyDirs: `/tmp` (OpenTofu workdirs, provider plugins) and `$HOME` (helm caches). */
    scratch: strictObject({ tmp: Quantity, home: Quantity }),
    /**
     * Secrets the API reads, by reference only (never generated here). Both are optional to the
     * pod: a Sovereign without Dynadot or pool-mode GHCR credentials still starts.
     */
    secrets: strictObject({
      /** Dynadot API credentials (keys api-key, api-secret, domains, domain), for pool-domain DNS. */
      dynadotCredentials: DnsLabel,
      /** GHCR token handed to the Sovereigns this API provisions in pool mode. */
      ghcrPullToken: strictObject({ name: DnsLabel, key: SecretKey }),
    }),
  }),
  /** catalyst-ui: the static console front end. */
  ui: strictObject({
    image: Image,
    imagePullPolicy: PullPolicy,
    replicas: Type.Integer({ minimum: 1, maximum: 10 }),
    resources: Resources,
    runAsUser: Uid,
  }),
  /** Registry pull secrets in catalyst-system for both images (the images live on GHCR). */
  imagePullSecrets: Type.Array(DnsLabel),
  ingress: strictObject({
    /** IngressClass that serves the hosts (Cilium's ingress controller by default). */
    className: DnsLabel,
    /** Hostnames, as labels under the Sovereign FQDN. */
    hosts: strictObject({
      console: HostLabel,
      admin: HostLabel,
      api: HostLabel,
      /** The marketplace front page, on the bare FQDN by default. */
      marketplace: HostLabel,
    }),
  }),
});
export type CatalystPlatformValues = Static<typeof CatalystPlatformValues>;

/** The public hostnames of a Sovereign's control plane. */
export interface CatalystHostnames {
  readonly console: string;
  readonly admin: string;
  readonly api: string;
  readonly marketplace: string;
}

/** An in-cluster Service endpoint. */
export interface ServiceEndpoint {
  readonly name: string;
  readonly namespace: string;
  readonly port: number;
}

/** Selector labels: the upstream chart's, unchanged, because a Deployment's selector is immutable. */
function selector(name: string): { [key: string]: string } {
  return { 'app.kubernetes.io/name': name };
}

const API = 'catalyst-api';
const UI = 'catalyst-ui';
const API_PORT = 8080;
const UI_CONTAINER_PORT = 8080;
const UI_SERVICE_PORT = 80;
/** Mount point of the PVC; deployments/ and kubeconfigs/ share it (one single-attach volume). */
const STATE_DIR = '/var/lib/catalyst';

export class CatalystPlatform extends Blueprint<typeof CatalystPlatformValues> {
  public static readonly spec = blueprintSpec({
    name: 'catalyst-platform',
    version: '1.1.8',
    slot: 13,
    section: 'pts-2-3-per-sovereign-supporting-services',
    card: {
      title: 'Catalyst Platform',
      summary: 'The Catalyst control plane of a Sovereign: the console UI and the provisioning API, on console., admin., api. and the Sovereign FQDN.',
      documentation: 'https://github.com/openova-io/openova/tree/main/products/catalyst',
    },
    visibility: 'unlisted',
    upstream: [],
    namespace: 'catalyst-system',
    releaseName: 'catalyst-platform',
    // The upstream HelmRelease waited on bp-gitea only (§3.2); these are the leaves the control plane uses.
    depends: [Gitea, Keycloak, OpenBao, NatsJetstream, CertManager],
    // The console UI and API are published through the Ingress (both containers listen on 8080).
    network: { ingressFromWorld: [{ port: 8080 }] },
    values: CatalystPlatformValues,
    defaults: {
      api: {
        image: { repository: 'ghcr.io/openova-io/openova/catalyst-api', tag: '4f80be2' },
        imagePullPolicy: 'IfNotPresent',
        resources: { requests: { cpu: '50m', memory: '128Mi' }, limits: { cpu: '1000m', memory: '1Gi' } },
        runAsUser: 65534,
        fsGroup: 65534,
        storage: { size: '1Gi' },
        scratch: { tmp: '2Gi', home: '256Mi' },
        secrets: {
          dynadotCredentials: 'dynadot-api-credentials',
          ghcrPullToken: { name: 'catalyst-ghcr-pull-token', key: 'token' },
        },
      },
      ui: {
        image: { repository: 'ghcr.io/openova-io/openova/catalyst-ui', tag: '4f80be2' },
        imagePullPolicy: 'IfNotPresent',
        replicas: 1,
        resources: { requests: { cpu: '10m', memory: '32Mi' }, limits: { cpu: '100m', memory: '64Mi' } },
        runAsUser: 1001,
      },
      imagePullSecrets: ['ghcr-pull-secret'],
      ingress: {
        className: 'cilium',
        hosts: { console: 'console', admin: 'admin', api: 'api', marketplace: '' },
      },
    },
  });

  /** Public hostnames, under the Sovereign FQDN as manifests write it (`${SOVEREIGN_FQDN}` by default). */
  public get hostnames(): CatalystHostnames {
    const h = this.values.ingress.hosts;
    const fqdn = this.context.fqdn;
    const host = (label: string): string => (label === '' ? fqdn : `${label}.${fqdn}`);
    return { console: host(h.console), admin: host(h.admin), api: host(h.api), marketplace: host(h.marketplace) };
  }

  /** The catalyst-api Service, for in-cluster callers. */
  public get apiEndpoint(): ServiceEndpoint {
    return { name: API, namespace: this.namespace, port: API_PORT };
  }

  /** The catalyst-ui Service. */
  public get uiEndpoint(): ServiceEndpoint {
    return { name: UI, namespace: this.namespace, port: UI_SERVICE_PORT };
  }

  private labels(name: string, component: string): { [key: string]: string } {
    return {
      'app.kubernetes.io/name': name,
      'app.kubernetes.io/component': component,
      'app.kubernetes.io/part-of': 'catalyst',
      'app.kubernetes.io/version': this.spec.version,
      'app.kubernetes.io/managed-by': 'catalyst-cdk',
    };
  }

  private get pullSecrets(): k8s.LocalObjectReference[] | undefined {
    const s = this.values.imagePullSecrets;
    return s.length ? s.map((name) => ({ name })) : undefined;
  }

  protected overlays(scope: Chart): void {
    this.api(scope);
    this.ui(scope);
    this.ingress(scope);
  }

  private api(scope: Chart): void {
    const v = this.values.api;
    const labels = this.labels(API, 'api');
    const pvc = new k8s.KubePersistentVolumeClaim(scope, 'api-deployments-pvc', {
      // No force annotation here: a PVC must never be deleted and recreated (CHART-AUTHORING).
      metadata: { name: 'catalyst-api-deployments', labels },
      spec: {
        accessModes: ['ReadWriteOnce'],
        resources: { requests: { storage: k8s.Quantity.fromString(v.storage.size) } },
        ...(v.storage.storageClassName ? { storageClassName: v.storage.storageClassName } : {}),
      },
    });
    const sa = new k8s.KubeServiceAccount(scope, 'api-service-account', { metadata: { name: API, labels } });

    const secretEnv = (name: string, secret: string, key: string): k8s.EnvVar => ({
      name,
      valueFrom: { secretKeyRef: { name: secret, key, optional: true } },
    });
    const dynadot = v.secrets.dynadotCredentials;
    const hosts = this.hostnames;
    const probe = (path: string, initialDelaySeconds: number, periodSeconds: number): k8s.Probe => ({
      httpGet: { path, port: k8s.IntOrString.fromString('http') },
      initialDelaySeconds,
      periodSeconds,
    });

    new k8s.KubeDeployment(scope, 'api-deployment', {
      metadata: {
        name: API,
        labels,
        // The strategy is Recreate (RWO volume). Server-side apply cannot remove the rollingUpdate
        // block a RollingUpdate-created object carries, so Flux must delete and recreate it (upstream 015e7ab).
        annotations: { [FLUX_FORCE_ANNOTATION]: 'enabled' },
      },
      spec: {
        replicas: 1,
        strategy: { type: 'Recreate' },
        selector: { matchLabels: selector(API) },
        template: {
          metadata: { labels: { ...labels, ...selector(API) } },
          spec: {
            serviceAccountName: sa.name,
            imagePullSecrets: this.pullSecrets,
            securityContext: {
              runAsNonRoot: true,
              runAsUser: v.runAsUser,
              fsGroup: v.fsGroup,
              // Chown the volume on first mount only; restarts stay fast as the store grows.
              fsGroupChangePolicy: 'OnRootMismatch',
              seccompProfile: { type: 'RuntimeDefault' },
            },
            containers: [{
              name: API,
              image: imageRef(v.image),
              imagePullPolicy: v.imagePullPolicy,
              ports: [{ name: 'http', containerPort: API_PORT, protocol: 'TCP' }],
              env: [
                { name: 'PORT', value: String(API_PORT) },
                // Public URLs follow the Sovereign FQDN (upstream hard-coded openova.io hosts).
                { name: 'CATALYST_API_PUBLIC_URL', value: `https://${hosts.api}` },
                { name: 'CORS_ORIGIN', value: `https://${hosts.console}` },
                { name: 'CATALYST_TOFU_WORKDIR', value: '/tmp/catalyst/tofu' },
                { name: 'CATALYST_DEPLOYMENTS_DIR', value: `${STATE_DIR}/deployments` },
                { name: 'CATALYST_KUBECONFIGS_DIR', value: `${STATE_DIR}/kubeconfigs` },
                secretEnv('DYNADOT_API_KEY', dynadot, 'api-key'),
                secretEnv('DYNADOT_API_SECRET', dynadot, 'api-secret'),
                secretEnv('DYNADOT_MANAGED_DOMAINS', dynadot, 'domains'),
                secretEnv('DYNADOT_DOMAIN', dynadot, 'domain'),
                secretEnv('CATALYST_GHCR_PULL_TOKEN', v.secrets.ghcrPullToken.name, v.secrets.ghcrPullToken.key),
              ],
              resources: resourceRequirements(v.resources),
              livenessProbe: probe('/healthz', 3, 10),
              readinessProbe: probe('/healthz', 2, 5),
              securityContext: {
                runAsNonRoot: true,
                runAsUser: v.runAsUser,
                allowPrivilegeEscalation: false,
                capabilities: { drop: ['ALL'] },
                // Kept writable as upstream ships it; the writes it knows of go to the volumes below.
                readOnlyRootFilesystem: false,
                seccompProfile: { type: 'RuntimeDefault' },
              },
              volumeMounts: [
                { name: 'tmp', mountPath: '/tmp' },
                { name: 'home', mountPath: '/home/nonroot' },
                { name: 'state', mountPath: STATE_DIR },
              ],
            }],
            volumes: [
              { name: 'tmp', emptyDir: { sizeLimit: k8s.Quantity.fromString(v.scratch.tmp) } },
              { name: 'home', emptyDir: { sizeLimit: k8s.Quantity.fromString(v.scratch.home) } },
              { name: 'state', persistentVolumeClaim: { claimName: pvc.name } },
            ],
          },
        },
      },
    });
    new k8s.KubeService(scope, 'api-service', {
      metadata: { name: API, labels },
      spec: {
        type: 'ClusterIP',
        selector: selector(API),
        ports: [{ name: 'http', port: API_PORT, targetPort: k8s.IntOrString.fromString('http'), protocol: 'TCP' }],
      },
    });
  }

  private ui(scope: Chart): void {
    const v = this.values.ui;
    const labels = this.labels(UI, 'frontend');
    const sa = new k8s.KubeServiceAccount(scope, 'ui-service-account', {
      metadata: { name: UI, labels },
      // A static front end never calls the Kubernetes API.
      automountServiceAccountToken: false,
    });
    const probe = (initialDelaySeconds: number, periodSeconds: number): k8s.Probe => ({
      httpGet: { path: '/healthz', port: k8s.IntOrString.fromString('http') },
      initialDelaySeconds,
      periodSeconds,
    });
    new k8s.KubeDeployment(scope, 'ui-deployment', {
      metadata: { name: UI, labels },
      spec: {
        replicas: v.replicas,
        selector: { matchLabels: selector(UI) },
        template: {
          metadata: { labels: { ...labels, ...selector(UI) } },
          spec: {
            serviceAccountName: sa.name,
            automountServiceAccountToken: false,
            imagePullSecrets: this.pullSecrets,
            securityContext: { runAsNonRoot: true, runAsUser: v.runAsUser, seccompProfile: { type: 'RuntimeDefault' } },
            containers: [{
              name: UI,
              image: imageRef(v.image),
              imagePullPolicy: v.imagePullPolicy,
              ports: [{ name: 'http', containerPort: UI_CONTAINER_PORT, protocol: 'TCP' }],
              resources: resourceRequirements(v.resources),
              livenessProbe: probe(5, 10),
              readinessProbe: probe(3, 5),
              securityContext: {
                runAsNonRoot: true,
                runAsUser: v.runAsUser,
                allowPrivilegeEscalation: false,
                capabilities: { drop: ['ALL'] },
                // Kept writable as upstream ships it (the web server writes its temp files in the image).
                readOnlyRootFilesystem: false,
                seccompProfile: { type: 'RuntimeDefault' },
              },
            }],
          },
        },
      },
    });
    new k8s.KubeService(scope, 'ui-service', {
      metadata: { name: UI, labels },
      spec: {
        type: 'ClusterIP',
        selector: selector(UI),
        ports: [{ name: 'http', port: UI_SERVICE_PORT, targetPort: k8s.IntOrString.fromString('http'), protocol: 'TCP' }],
      },
    });
  }

  /**
   * One Ingress for the four public hosts, TLS from bp-cert-manager's issuer through its
   * ingress-shim annotation. The API host goes to catalyst-api; the console, admin and
   * marketplace hosts go to the console UI, the only front end this version ships.
   */
  private ingress(scope: Chart): void {
    const issuer = this.dependency(CertManager).issuer;
    const hosts = this.hostnames;
    const all = [hosts.console, hosts.admin, hosts.api, hosts.marketplace];
    const twice = all.filter((h, i) => all.indexOf(h) !== i);
    if (twice.length) {
      throw CatalystError.at(`${this.path}.values.ingress.hosts`, `each host must be different, but ${[...new Set(twice)].join(', ')} is used twice; one Ingress rule per host`);
    }
    const backend = (e: ServiceEndpoint): k8s.IngressBackend => ({ service: { name: e.name, port: { number: e.port } } });
    const rule = (host: string, e: ServiceEndpoint): k8s.IngressRule => ({
      host,
      http: { paths: [{ path: '/', pathType: 'Prefix', backend: backend(e) }] },
    });
    new k8s.KubeIngress(scope, 'ingress', {
      metadata: { name: 'catalyst-platform', labels: this.labels('catalyst-platform', 'ingress'), annotations: { ...ingressIssuerAnnotation(issuer) } },
      spec: {
        ingressClassName: this.values.ingress.className,
        tls: [{ hosts: all, secretName: 'catalyst-platform-tls' }],
        rules: [
          rule(hosts.console, this.uiEndpoint),
          rule(hosts.admin, this.uiEndpoint),
          rule(hosts.api, this.apiEndpoint),
          rule(hosts.marketplace, this.uiEndpoint),
        ],
      },
    });
  }
}
