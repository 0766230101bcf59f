/**
 * The workload of an application Blueprint made only of manifests: ServiceAccount, ConfigMap,
 * Deployment, Service, and the optional HorizontalPodAutoscaler, NetworkPolicy and
 * ServiceMonitor, built from typed values with the hardening that is not a knob (non-root,
 * no privilege escalation, all capabilities dropped, RuntimeDefault seccomp, no API token).
 *
 * The upstream gave these Blueprints (vllm, anthropic-adapter, bge, nemo-guardrails, librechat)
 * a dummy `common` library subchart only to pass its "every chart has an upstream" CI gate; the
 * objects were hand-written templates. Here they are typed constructs instead.
 *
 * Lives in bp-vllm's folder because vllm is the first application slot made only of manifests;
 * bp-anthropic-adapter, bp-bge, bp-nemo-guardrails and bp-librechat import it from here.
 */
import { createHash } from 'crypto';
import { Static, TLiteral, TSchema, TUnion, Type } from '@sinclair/typebox';
import { ApiObject } from 'cdk8s';
import * as k8s from 'cdk8s-plus-28/lib/imports/k8s';
import { Construct } from 'constructs';
import { CnpgCluster } from '../../constructs/cnpg';
import { BlueprintSpec } from '../../src/blueprint';
import { Image, ImageTag, Resources } from '../../src/schema';
import { strictObject } from '../../src/values';
import { appLabels } from '../keycloak/generated-secret';

// ---------------------------------------------------------------------------------------------
// Value schemas the manifest-only Blueprints share

/**
 * A union of string literals whose static type is the union itself (src/schema's `oneOf` is
 * typed `TSchema`, which gives `unknown`; these values are read by code, so they need the type).
 */
export function literals<T extends string>(...values: readonly T[]): TUnion<TLiteral<T>[]> {
  return Type.Union(values.map((v) => Type.Literal(v)));
}

const Seconds = (max: number) => Type.Integer({ minimum: 1, maximum: max });

/** One HTTP probe: path on the container's named port, and its timing. */
export const HttpProbe = strictObject({
  path: Type.String({ pattern: '^/[^\\s]*$', description: 'HTTP path, e.g. /health' }),
  initialDelaySeconds: Type.Integer({ minimum: 0, maximum: 3600 }),
  periodSeconds: Seconds(600),
  timeoutSeconds: Seconds(600),
  /** @default 3 (the kubelet's default) */
  failureThreshold: Type.Optional(Type.Integer({ minimum: 1, maximum: 100 })),
});
export type HttpProbe = Static<typeof HttpProbe>;

export const Probes = strictObject({ liveness: HttpProbe, readiness: HttpProbe });
export type Probes = Static<typeof Probes>;

export const PullPolicy = literals('IfNotPresent', 'Always', 'Never');
export type PullPolicy = Static<typeof PullPolicy>;

/**
 * Who the pod runs as. Non-root, no privilege escalation, no capabilities and the
 * RuntimeDefault seccomp profile are always applied; only the ids and whether the root
 * filesystem is writable (some inference servers write caches next to their code) are knobs.
 */
export const PodIdentity = strictObject({
  runAsUser: Type.Integer({ minimum: 1 }),
  runAsGroup: Type.Optional(Type.Integer({ minimum: 1 })),
  fsGroup: Type.Integer({ minimum: 1 }),
  readOnlyRootFilesystem: Type.Boolean(),
});
export type PodIdentity = Static<typeof PodIdentity>;

/**
 * An upstream chart's image whose tag may be left unset: the chart then runs its own
 * `appVersion`, which the exact chart pin fixes (never a floating tag).
 */
export const ChartImage = strictObject({
  repository: Type.String({ pattern: '^[a-z0-9]+([._/:-][a-z0-9]+)*$' }),
  /** Unset: the pinned chart's appVersion. */
  tag: Type.Optional(ImageTag),
});
export type ChartImage = Static<typeof ChartImage>;

/** A reference to one key of a Secret in the Blueprint's namespace (never the value). */
export const SecretKeySelector = strictObject({
  name: Type.String({ pattern: '^[a-z0-9]([-.a-z0-9]*[a-z0-9])?$', maxLength: 253, description: 'Secret name' }),
  key: Type.String({ pattern: '^[-._a-zA-Z0-9]+$', maxLength: 253, description: 'key inside the Secret' }),
});
export type SecretKeySelector = Static<typeof SecretKeySelector>;

/** Where downloaded model weights are kept. */
export const ModelCache = strictObject({
  /** `emptyDir` re-downloads on every restart; `pvc` keeps the weights. */
  type: literals('emptyDir', 'pvc'),
  /** Size limit of the emptyDir, or size of the PVC this Blueprint creates. */
  size: Type.String({ pattern: '^[0-9]+(\\.[0-9]+)?(Mi|Gi|Ti)$' }),
  /** An existing PVC to mount instead of creating one (type `pvc` only). */
  claimName: Type.Optional(Type.String({ pattern: '^[a-z0-9]([-a-z0-9]*[a-z0-9])?$', maxLength: 63 })),
  /** StorageClass of the PVC this Blueprint creates; unset uses the cluster default. */
  storageClass: Type.Optional(Type.String({ minLength: 1 })),
});
export type ModelCache = Static<typeof ModelCache>;

/** HorizontalPodAutoscaler (autoscaling/v2), off by default as upstream. */
export const Autoscaling = strictObject({
  enabled: Type.Boolean(),
  minReplicas: Type.Integer({ minimum: 1, maximum: 100 }),
  maxReplicas: Type.Integer({ minimum: 1, maximum: 100 }),
  targetCPUUtilizationPercentage: Type.Integer({ minimum: 1, maximum: 100 }),
  targetMemoryUtilizationPercentage: Type.Optional(Type.Integer({ minimum: 1, maximum: 100 })),
});
export type Autoscaling = Static<typeof Autoscaling>;

/** A Prometheus-operator ServiceMonitor. Off by default: the monitoring CRDs may not exist (upstream #182). */
export const ServiceMonitorValues = strictObject({
  enabled: Type.Boolean(),
  interval: Type.String({ pattern: '^[0-9]+(ms|s|m|h)$' }),
  scrapeTimeout: Type.String({ pattern: '^[0-9]+(ms|s|m|h)$' }),
  path: Type.String({ pattern: '^/[^\\s]*$' }),
});
export type ServiceMonitorValues = Static<typeof ServiceMonitorValues>;

// ---------------------------------------------------------------------------------------------
// Small conversions

/** `repository:tag`, with `@digest` appended when a digest pins the image further. */
export function imageRef(image: Image): string {
  return `${image.repository}:${image.tag}${image.digest ? `@${image.digest}` : ''}`;
}

/** Typed resources as the L1 `ResourceRequirements`, plus extended resources (e.g. `nvidia.com/gpu`). */
export function resourceRequirements(r: Resources, extended: { readonly [name: string]: number } = {}): k8s.ResourceRequirements {
  const list = (l: Resources['requests'], extra: boolean): { [key: string]: k8s.Quantity } | undefined => {
    const out: { [key: string]: k8s.Quantity } = {};
    if (l?.cpu !== undefined) out.cpu = k8s.Quantity.fromString(l.cpu);
    if (l?.memory !== undefined) out.memory = k8s.Quantity.fromString(l.memory);
    if (extra) for (const [name, n] of Object.entries(extended)) out[name] = k8s.Quantity.fromNumber(n);
    return Object.keys(out).length ? out : undefined;
  };
  // Extended resources cannot be overcommitted: requests must equal limits, so both carry them.
  const requests = list(r.requests, true);
  const limits = list(r.limits, true);
  return { ...(requests ? { requests } : {}), ...(limits ? { limits } : {}) };
}

/** An env var read from a Secret key (credentials are never literal values). */
export function envFromSecret(name: string, ref: SecretKeySelector, optional = false): k8s.EnvVar {
  return { name, valueFrom: { secretKeyRef: { name: ref.name, key: ref.key, ...(optional ? { optional: true } : {}) } } };
}

/** A literal env var. */
export function env(name: string, value: string | number | boolean): k8s.EnvVar {
  return { name, value: String(value) };
}

/** `http://<service>.<namespace>.svc.cluster.local:<port><path>`. */
export function clusterUrl(service: string, namespace: string, port: number, path = ''): string {
  return `http://${service}.${namespace}.svc.cluster.local:${port}${path}`;
}

/** The sha256 of a ConfigMap's data: a pod annotation that rolls the pods when the config changes. */
export function checksum(data: { readonly [key: string]: string }): string {
  const h = createHash('sha256');
  for (const key of Object.keys(data).sort()) h.update(`${key}\u0000${data[key]}\u0000`);
  return h.digest('hex');
}

function httpProbe(p: HttpProbe, port: string): k8s.Probe {
  return {
    httpGet: { path: p.path, port: k8s.IntOrString.fromString(port) },
    initialDelaySeconds: p.initialDelaySeconds,
    periodSeconds: p.periodSeconds,
    timeoutSeconds: p.timeoutSeconds,
    ...(p.failureThreshold !== undefined ? { failureThreshold: p.failureThreshold } : {}),
  };
}

// ---------------------------------------------------------------------------------------------
// The workload construct

export interface AppPort {
  /** Port name (an IANA_SVC_NAME, ≤ 15 characters); probes and the Service refer to it. */
  readonly name: string;
  readonly containerPort: number;
  /** Service port; unset: not exposed by the Service. */
  readonly servicePort?: number;
}

export interface AppContainer {
  readonly name: string;
  readonly image: Image;
  readonly pullPolicy: PullPolicy;
  readonly command?: readonly string[];
  readonly args?: readonly string[];
  readonly env?: readonly k8s.EnvVar[];
  readonly ports: readonly AppPort[];
  /** Probes, on the named port. */
  readonly probes: Probes;
  readonly probePort: string;
  readonly resources: k8s.ResourceRequirements;
  readonly volumeMounts?: readonly k8s.VolumeMount[];
}

export interface AppNetworkPolicy {
  /** Who may connect to the Service ports; empty list: anyone (port-scoped only). */
  readonly ingressFrom: readonly k8s.NetworkPolicyPeer[];
  /** Allowed egress besides DNS. */
  readonly egress: readonly k8s.NetworkPolicyEgressRule[];
}

export interface AppWorkloadProps {
  /** Name of every object (the Blueprint instance's release name). */
  readonly name: string;
  /** `app.kubernetes.io/name` (the Blueprint name). */
  readonly appName: string;
  readonly component: string;
  /** The Blueprint version, as `app.kubernetes.io/version`. */
  readonly version: string;
  readonly replicas: number;
  readonly containers: readonly AppContainer[];
  readonly identity: PodIdentity;
  readonly volumes?: readonly k8s.Volume[];
  readonly nodeSelector?: { readonly [key: string]: string };
  readonly tolerations?: readonly k8s.Toleration[];
  readonly strategy?: k8s.DeploymentStrategy;
  readonly terminationGracePeriodSeconds?: number;
  /** Pull secrets in the namespace, for a private registry. */
  readonly imagePullSecrets?: readonly string[];
  /** Service annotations (e.g. the llm-gateway discovery annotations). */
  readonly serviceAnnotations?: { readonly [key: string]: string };
  /** ConfigMap `<name>-config` data; the pods roll when it changes. */
  readonly config?: { readonly [key: string]: string };
  /** Annotations on that ConfigMap (e.g. to switch off Flux's `${VAR}` substitution). */
  readonly configAnnotations?: { readonly [key: string]: string };
  readonly autoscaling: Autoscaling;
  readonly serviceMonitor: ServiceMonitorValues;
  /** Port name the ServiceMonitor scrapes. */
  readonly metricsPort: string;
  readonly networkPolicy?: AppNetworkPolicy;
}

/** ServiceAccount + ConfigMap + Deployment + Service (+ HPA, NetworkPolicy, ServiceMonitor). */
export class AppWorkload extends Construct {
  public readonly deployment: k8s.KubeDeployment;
  public readonly service: k8s.KubeService;
  public readonly serviceAccount: k8s.KubeServiceAccount;
  public readonly configMap?: k8s.KubeConfigMap;
  /** The ServiceMonitor, if enabled; the Blueprint marks it optional (dropped without the CRD). */
  public readonly serviceMonitor?: ApiObject;
  /** The labels the Deployment selects its pods by. */
  public readonly selector: { readonly [key: string]: string };

  constructor(scope: Construct, id: string, props: AppWorkloadProps) {
    super(scope, id);
    const labels = appLabels(props.appName, props.name, props.component, props.version);
    this.selector = { 'app.kubernetes.io/name': props.appName, 'app.kubernetes.io/instance': props.name };
    const seccomp = { type: 'RuntimeDefault' };

    this.serviceAccount = new k8s.KubeServiceAccount(this, 'service-account', {
      metadata: { name: props.name, labels },
      // None of these workloads calls the Kubernetes API.
      automountServiceAccountToken: false,
    });

    const podAnnotations: Record<string, string> = {};
    if (props.config && Object.keys(props.config).length) {
      this.configMap = new k8s.KubeConfigMap(this, 'config-map', {
        metadata: {
          name: `${props.name}-config`,
          labels,
          ...(props.configAnnotations && Object.keys(props.configAnnotations).length ? { annotations: { ...props.configAnnotations } } : {}),
        },
        data: { ...props.config },
      });
      podAnnotations['checksum/config'] = checksum(props.config);
    }

    const containers: k8s.Container[] = props.containers.map((c) => ({
      name: c.name,
      image: imageRef(c.image),
      imagePullPolicy: c.pullPolicy,
      ...(c.command ? { command: [...c.command] } : {}),
      ...(c.args ? { args: [...c.args] } : {}),
      ...(c.env && c.env.length ? { env: [...c.env] } : {}),
      ports: c.ports.map((p) => ({ name: p.name, containerPort: p.containerPort, protocol: 'TCP' })),
      livenessProbe: httpProbe(c.probes.liveness, c.probePort),
      readinessProbe: httpProbe(c.probes.readiness, c.probePort),
      resources: c.resources,
      securityContext: {
        runAsNonRoot: true,
        runAsUser: props.identity.runAsUser,
        ...(props.identity.runAsGroup !== undefined ? { runAsGroup: props.identity.runAsGroup } : {}),
        allowPrivilegeEscalation: false,
        readOnlyRootFilesystem: props.identity.readOnlyRootFilesystem,
        capabilities: { drop: ['ALL'] },
        seccompProfile: seccomp,
      },
      ...(c.volumeMounts && c.volumeMounts.length ? { volumeMounts: [...c.volumeMounts] } : {}),
    }));

    this.deployment = new k8s.KubeDeployment(this, 'deployment', {
      metadata: { name: props.name, labels },
      spec: {
        // With an HPA the autoscaler owns the replica count; a fixed value would fight it on every reconcile.
        ...(props.autoscaling.enabled ? {} : { replicas: props.replicas }),
        selector: { matchLabels: { ...this.selector } },
        ...(props.strategy ? { strategy: props.strategy } : {}),
        template: {
          metadata: { labels, ...(Object.keys(podAnnotations).length ? { annotations: podAnnotations } : {}) },
          spec: {
            serviceAccountName: this.serviceAccount.name,
            automountServiceAccountToken: false,
            ...(props.imagePullSecrets?.length ? { imagePullSecrets: props.imagePullSecrets.map((name) => ({ name })) } : {}),
            securityContext: {
              runAsNonRoot: true,
              runAsUser: props.identity.runAsUser,
              ...(props.identity.runAsGroup !== undefined ? { runAsGroup: props.identity.runAsGroup } : {}),
              fsGroup: props.identity.fsGroup,
              seccompProfile: seccomp,
            },
            ...(props.nodeSelector && Object.keys(props.nodeSelector).length ? { nodeSelector: { ...props.nodeSelector } } : {}),
            ...(props.tolerations && props.tolerations.length ? { tolerations: [...props.tolerations] } : {}),
            ...(props.terminationGracePeriodSeconds !== undefined ? { terminationGracePeriodSeconds: props.terminationGracePeriodSeconds } : {}),
            containers,
            ...(props.volumes && props.volumes.length ? { volumes: [...props.volumes] } : {}),
          },
        },
      },
    });

    const servicePorts = props.containers.flatMap((c) => c.ports).filter((p) => p.servicePort !== undefined);
    this.service = new k8s.KubeService(this, 'service', {
      metadata: {
        name: props.name,
        labels,
        ...(props.serviceAnnotations && Object.keys(props.serviceAnnotations).length ? { annotations: { ...props.serviceAnnotations } } : {}),
      },
      spec: {
        type: 'ClusterIP',
        selector: { ...this.selector },
        ports: servicePorts.map((p) => ({ name: p.name, port: p.servicePort!, targetPort: k8s.IntOrString.fromString(p.name), protocol: 'TCP' })),
      },
    });

    const a = props.autoscaling;
    if (a.enabled) {
      const metric = (name: string, pct: number): k8s.MetricSpecV2 => ({
        type: 'Resource',
        resource: { name, target: { type: 'Utilization', averageUtilization: pct } },
      });
      new k8s.KubeHorizontalPodAutoscalerV2(this, 'hpa', {
        metadata: { name: props.name, labels },
        spec: {
          scaleTargetRef: { apiVersion: 'apps/v1', kind: 'Deployment', name: props.name },
          minReplicas: a.minReplicas,
          maxReplicas: a.maxReplicas,
          metrics: [
            metric('cpu', a.targetCPUUtilizationPercentage),
            ...(a.targetMemoryUtilizationPercentage !== undefined ? [metric('memory', a.targetMemoryUtilizationPercentage)] : []),
          ],
        },
      });
    }

    if (props.networkPolicy) {
      const tcp = (port: number): k8s.NetworkPolicyPort => ({ protocol: 'TCP', port: k8s.IntOrString.fromNumber(port) });
      const dns: k8s.NetworkPolicyEgressRule = {
        ports: [{ protocol: 'UDP', port: k8s.IntOrString.fromNumber(53) }, tcp(53)],
      };
      new k8s.KubeNetworkPolicy(this, 'network-policy', {
        metadata: { name: props.name, labels },
        spec: {
          podSelector: { matchLabels: { ...this.selector } },
          policyTypes: ['Ingress', 'Egress'],
          ingress: [{
            ...(props.networkPolicy.ingressFrom.length ? { from: [...props.networkPolicy.ingressFrom] } : {}),
            ports: props.containers.flatMap((c) => c.ports).map((p) => tcp(p.containerPort)),
          }],
          egress: [dns, ...props.networkPolicy.egress],
        },
      });
    }

    const sm = props.serviceMonitor;
    if (sm.enabled) {
      // Dropped with a warning when no installed Blueprint provides monitoring.coreos.com/v1.
      const obj = new ApiObject(this, 'service-monitor', {
        apiVersion: 'monitoring.coreos.com/v1',
        kind: 'ServiceMonitor',
        metadata: { name: props.name, labels },
        spec: {
          selector: { matchLabels: { ...this.selector } },
          endpoints: [{ port: props.metricsPort, path: sm.path, interval: sm.interval, scrapeTimeout: sm.scrapeTimeout }],
        },
      });
      this.serviceMonitor = obj;
    }
  }
}

/** The model-cache volume: an emptyDir with a size limit, or a PVC (created unless `claimName` names one). */
export function modelCacheVolume(scope: Construct, name: string, cache: ModelCache, labels: { readonly [key: string]: string }): k8s.Volume {
  if (cache.type === 'emptyDir') {
    return { name: 'model-cache', emptyDir: { sizeLimit: k8s.Quantity.fromString(cache.size) } };
  }
  let claimName = cache.claimName;
  if (!claimName) {
    claimName = `${name}-model-cache`;
    new k8s.KubePersistentVolumeClaim(scope, 'model-cache', {
      metadata: { name: claimName, labels: { ...labels } },
      spec: {
        accessModes: ['ReadWriteOnce'],
        resources: { requests: { storage: k8s.Quantity.fromString(cache.size) } },
        ...(cache.storageClass ? { storageClassName: cache.storageClass } : {}),
      },
    });
  }
  return { name: 'model-cache', persistentVolumeClaim: { claimName } };
}

// ---------------------------------------------------------------------------------------------
// Secrets from OpenBao

/** Where one key of a Secret comes from in OpenBao (KV path and property). */
export const OpenBaoKey = strictObject({
  /** KV path under the store's mount, e.g. `sovereign/anthropic`. */
  key: Type.String({ pattern: '^[A-Za-z0-9_.-]+(/[A-Za-z0-9_.-]+)*$' }),
  /** Property of that KV entry. */
  property: Type.String({ pattern: '^[-._a-zA-Z0-9]+$' }),
});
export type OpenBaoKey = Static<typeof OpenBaoKey>;

/**
 * An `external-secrets.io/v1beta1` ExternalSecret that materializes a Secret from OpenBao
 * through bp-external-secrets' ClusterSecretStore: the value never passes through Git.
 */
export function openBaoSecret(
  scope: Construct,
  id: string,
  props: {
    readonly name: string;
    readonly store: { readonly name: string; readonly kind: string };
    readonly data: readonly { readonly secretKey: string; readonly from: OpenBaoKey }[];
    readonly labels: { readonly [key: string]: string };
  },
): ApiObject {
  return new ApiObject(scope, id, {
    apiVersion: 'external-secrets.io/v1beta1',
    kind: 'ExternalSecret',
    metadata: { name: props.name, labels: { ...props.labels } },
    spec: {
      refreshInterval: '1h',
      secretStoreRef: { name: props.store.name, kind: props.store.kind },
      target: { name: props.name, creationPolicy: 'Owner' },
      data: props.data.map((d) => ({ secretKey: d.secretKey, remoteRef: { key: d.from.key, property: d.from.property } })),
    },
  });
}

// ---------------------------------------------------------------------------------------------
// A CloudNativePG database of an application

/** A CNPG PostgreSQL Cluster an application owns (bp-cnpg's operator runs it). */
export const DatabaseValues = strictObject({
  instances: Type.Integer({ minimum: 1, maximum: 9 }),
  storageSize: Type.String({ pattern: '^[0-9]+(\\.[0-9]+)?(Mi|Gi|Ti)$' }),
  /** Unset: the cluster's default StorageClass. */
  storageClass: Type.Optional(Type.String({ minLength: 1 })),
  resources: Resources,
  /** PostgreSQL operand image, pinned. */
  imageName: Type.String({ pattern: '^[a-z0-9]+([._/-][a-z0-9]+)*:[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}$' }),
});
export type DatabaseValues = Static<typeof DatabaseValues>;

/** The CNPG Cluster of an application; CNPG generates the owner's password in `<name>-app`. */
export function appDatabase(
  scope: Construct,
  id: string,
  props: {
    readonly name: string;
    readonly database: string;
    readonly owner: string;
    readonly values: DatabaseValues;
    readonly labels: { readonly [key: string]: string };
    readonly localeC?: boolean;
    readonly postInitApplicationSQL?: readonly string[];
  },
): CnpgCluster {
  const v = props.values;
  return new CnpgCluster(scope, id, {
    metadata: { name: props.name, labels: { ...props.labels } },
    spec: {
      instances: v.instances,
      imageName: v.imageName,
      bootstrap: {
        initdb: {
          database: props.database,
          owner: props.owner,
          ...(props.localeC ? { encoding: 'UTF8', localeCollate: 'C', localeCType: 'C' } : {}),
          ...(props.postInitApplicationSQL ? { postInitApplicationSQL: [...props.postInitApplicationSQL] } : {}),
        },
      },
      storage: { size: v.storageSize, ...(v.storageClass ? { storageClass: v.storageClass } : {}) },
      resources: v.resources,
      // Observability toggle: no PodMonitor (the monitoring CRDs may not exist, upstream #182).
      monitoring: { enablePodMonitor: false },
    },
  });
}

// ---------------------------------------------------------------------------------------------
// Values the user must give

/**
 * A spec whose `defaults` deliberately lack user-required keys (an image tag upstream left
 * empty, a Secret only the operator can provide): the defaults are checked against
 * `defaultsSchema` (the full schema with those keys optional), then the spec publishes the full
 * schema, so a Sovereign that omits them fails with `….values.<key>: is required`.
 */
export function withRequiredValues<S extends TSchema, D extends TSchema>(checked: BlueprintSpec<D>, full: S): BlueprintSpec<S> {
  return { ...checked, values: full, defaults: checked.defaults as unknown as Static<S> };
}
