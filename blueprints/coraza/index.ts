/**
 * bp-coraza (kit slot 35): the OWASP Coraza web application firewall as an HAProxy SPOE agent
 * (coraza-spoa). HAProxy sends each request to the agent over SPOP on `spoaPort` and blocks
 * what the ModSecurity-compatible rules reject; `spoaEndpoint` is the address an HAProxy
 * `spoe-agent` backend points at.
 *
 * coraza-spoa has no Helm chart. The upstream Blueprint chart depended on a dummy `common`
 * library chart only to pass the hollow-chart CI gate; that is not reproduced: this Blueprint is
 * made of manifests (ServiceAccount, Deployment, Service).
 */
import { Static, Type } from '@sinclair/typebox';
import { Chart } from 'cdk8s';
import * as k8s from 'cdk8s-plus-28/lib/imports/k8s';
import { imageRef, resourceRequirements, RESTRICTED_CONTAINER } from '../../constructs/workload';
import { Blueprint, blueprintSpec } from '../../src/blueprint';
import { DnsLabel, Image, Resources } from '../../src/schema';
import { strictObject } from '../../src/values';
import { CertManager } from '../cert-manager';
import { Cilium } from '../cilium';

const Port = Type.Integer({ minimum: 1024, maximum: 65535, description: 'unprivileged port (the agent runs as non-root)' });

export const CorazaValues = strictObject({
  /** Run the agent (Deployment and Service). */
  enabled: Type.Boolean(),
  replicas: Type.Integer({ minimum: 1, maximum: 10 }),
  image: Image,
  imagePullPolicy: Type.Union([Type.Literal('IfNotPresent'), Type.Literal('Always'), Type.Literal('Never')]),
  /** SPOP port the agent listens on. */
  spoaPort: Port,
  resources: Resources,
  /**
   * UID the agent runs as, and whether its root filesystem is read-only (off as upstream: the
   * agent writes its audit log under its working directory). Non-root, no privilege
   * escalation and no capabilities are not knobs.
   */
  securityContext: strictObject({
    runAsUser: Type.Integer({ minimum: 1 }),
    readOnlyRootFilesystem: Type.Boolean(),
  }),
  /** A ConfigMap with the agent's config.yaml and rules, mounted at /etc/coraza-spoa; unset uses the image's. */
  configMap: Type.Optional(DnsLabel),
  service: strictObject({
    type: Type.Union([Type.Literal('ClusterIP'), Type.Literal('NodePort'), Type.Literal('LoadBalancer')]),
    port: Type.Integer({ minimum: 1, maximum: 65535 }),
  }),
  serviceAccount: strictObject({
    create: Type.Boolean(),
    /** Name of the ServiceAccount; default the release name (or `default` when not created). */
    name: Type.Optional(DnsLabel),
  }),
});
export type CorazaValues = Static<typeof CorazaValues>;

/** Mount point of `configMap` (the agent reads /etc/coraza-spoa/config.yaml). */
export const CORAZA_CONFIG_DIR = '/etc/coraza-spoa';

export class Coraza extends Blueprint<typeof CorazaValues> {
  public static readonly spec = blueprintSpec({
    name: 'coraza',
    version: '1.0.0',
    slot: 35,
    section: 'pts-3-3-security-and-policy',
    card: {
      title: 'Coraza WAF (SPOA)',
      summary: 'OWASP Coraza web application firewall, ModSecurity-rule compatible, as an HAProxy SPOE agent in front of Sovereign endpoints.',
      category: 'security',
      tags: ['guardian', 'waf'],
      documentation: 'https://coraza.io/docs/',
      license: 'Apache-2.0',
    },
    visibility: 'unlisted',
    // The upstream's dummy `common` library chart is not reproduced: manifests only.
    upstream: [],
    namespace: 'coraza',
    releaseName: 'coraza',
    depends: [Cilium, CertManager],
    // HAProxy, wherever it runs in the cluster, sends requests to the SPOA port.
    network: { ingressFromCluster: [{ port: 9000 }] },
    values: CorazaValues,
    defaults: {
      enabled: true,
      replicas: 1,
      image: { repository: 'ghcr.io/corazawaf/coraza-spoa', tag: '0.7.0' },
      imagePullPolicy: 'IfNotPresent',
      spoaPort: 9000,
      resources: { requests: { cpu: '100m', memory: '128Mi' }, limits: { cpu: '1', memory: '512Mi' } },
      securityContext: { runAsUser: 65532, readOnlyRootFilesystem: false },
      service: { type: 'ClusterIP', port: 9000 },
      serviceAccount: { create: true },
    },
  });

  /** Name of the Deployment and Service. */
  public get fullname(): string {
    return this.releaseName;
  }

  public get serviceAccountName(): string {
    const sa = this.values.serviceAccount;
    return sa.name ?? (sa.create ? this.fullname : 'default');
  }

  /** `host:port` of the agent's Service, for an HAProxy `spoe-agent` backend; undefined when off. */
  public get spoaEndpoint(): string | undefined {
    return this.values.enabled ? `${this.fullname}.${this.namespace}.svc.cluster.local:${this.values.service.port}` : undefined;
  }

  public outputs(): { readonly [name: string]: string } {
    const endpoint = this.spoaEndpoint;
    return endpoint ? { spoaEndpoint: endpoint } : {};
  }

  private get selector(): { [key: string]: string } {
    return { 'app.kubernetes.io/name': this.name, 'app.kubernetes.io/instance': this.releaseName };
  }

  private get labels(): { [key: string]: string } {
    return {
      ...this.selector,
      'app.kubernetes.io/component': 'waf',
      'app.kubernetes.io/version': this.values.image.tag,
      'app.kubernetes.io/part-of': 'catalyst',
      'app.kubernetes.io/managed-by': 'catalyst-cdk',
      'catalyst.openova.io/blueprint': this.publishedName,
    };
  }

  protected overlays(scope: Chart): void {
    const v = this.values;
    if (v.serviceAccount.create) {
      new k8s.KubeServiceAccount(scope, 'service-account', {
        metadata: { name: this.serviceAccountName, labels: this.labels },
        // The agent never calls the Kubernetes API.
        automountServiceAccountToken: false,
      });
    }
    if (!v.enabled) return;
    this.deployment(scope);
    new k8s.KubeService(scope, 'service', {
      metadata: { name: this.fullname, labels: this.labels },
      spec: {
        type: v.service.type,
        selector: this.selector,
        ports: [{ name: 'spoa', port: v.service.port, targetPort: k8s.IntOrString.fromString('spoa'), protocol: 'TCP' }],
      },
    });
  }

  private deployment(scope: Chart): void {
    const v = this.values;
    // SPOP has no HTTP health endpoint: an accepting socket is the liveness and readiness signal
    // (upstream #4347: Kyverno's probes-present policy denies workloads without probes).
    const tcp = { tcpSocket: { port: k8s.IntOrString.fromString('spoa') } };
    new k8s.KubeDeployment(scope, 'deployment', {
      metadata: { name: this.fullname, labels: this.labels },
      spec: {
        replicas: v.replicas,
        selector: { matchLabels: this.selector },
        template: {
          metadata: { labels: this.labels },
          spec: {
            serviceAccountName: this.serviceAccountName,
            automountServiceAccountToken: false,
            securityContext: {
              runAsNonRoot: true,
              runAsUser: v.securityContext.runAsUser,
              fsGroup: v.securityContext.runAsUser,
              seccompProfile: { type: 'RuntimeDefault' },
            },
            containers: [{
              name: 'coraza-spoa',
              image: imageRef(v.image),
              imagePullPolicy: v.imagePullPolicy,
              ports: [{ name: 'spoa', containerPort: v.spoaPort, protocol: 'TCP' }],
              readinessProbe: { ...tcp, initialDelaySeconds: 5, periodSeconds: 10, timeoutSeconds: 3, failureThreshold: 3 },
              livenessProbe: { ...tcp, initialDelaySeconds: 15, periodSeconds: 20, timeoutSeconds: 3, failureThreshold: 3 },
              resources: resourceRequirements(v.resources),
              securityContext: {
                ...RESTRICTED_CONTAINER,
                runAsNonRoot: true,
                runAsUser: v.securityContext.runAsUser,
                readOnlyRootFilesystem: v.securityContext.readOnlyRootFilesystem,
              },
              ...(v.configMap ? { volumeMounts: [{ name: 'config', mountPath: CORAZA_CONFIG_DIR, readOnly: true }] } : {}),
            }],
            ...(v.configMap ? { volumes: [{ name: 'config', configMap: { name: v.configMap } }] } : {}),
          },
        },
      },
    });
  }
}
