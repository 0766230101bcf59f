/**
 * bp-stunner (slot 36): STUNner, the Kubernetes-native TURN/STUN media gateway that lets WebRTC
 * clients behind NATs reach in-cluster media servers (bp-livekit). The upstream
 * `stunner-gateway-operator` chart installs the operator and the CRDs (STUNner's own
 * `stunner.l7mp.io/v1` and the Gateway API it implements); this Blueprint adds the gateway
 * hierarchy root: a GatewayConfig whose TURN credentials are generated in-cluster, the
 * GatewayClass, and one UDP Gateway that media Blueprints attach their routes to.
 */
import { Static, Type } from '@sinclair/typebox';
import { ApiObject, Chart } from 'cdk8s';
import * as k8s from 'cdk8s-plus-28/lib/imports/k8s';
import { Construct } from 'constructs';
import { Blueprint, blueprintSpec, BlueprintProps, helmChart, UpstreamChart } from '../../src/blueprint';
import { Issue } from '../../src/errors';
import { Image, Resources } from '../../src/schema';
import { PlainObject, strictObject } from '../../src/values';
import { CertManager } from '../cert-manager';
import { Cilium } from '../cilium';
import { appLabels, GeneratedSecret } from '../keycloak/generated-secret';
import { literals } from '../vllm/app-workload';

export const STUNNER_CHART = helmChart('stunner-gateway-operator', '1.1.0', 'https://l7mp.io/stunner');

/** The controller name STUNner's operator watches GatewayClasses for (fixed by the operator). */
export const STUNNER_CONTROLLER_NAME = 'stunner.l7mp.io/gateway-operator';
export const STUNNER_API_VERSION = 'stunner.l7mp.io/v1';
export const STUNNER_GATEWAY_API_VERSION = 'gateway.networking.k8s.io/v1';

const Port = Type.Integer({ minimum: 1024, maximum: 65535 });
const Name = Type.String({ pattern: '^[a-z0-9]([-a-z0-9]*[a-z0-9])?$', maxLength: 63 });

export const StunnerValues = strictObject({
  /**
   * UDP port range the Sovereign's edge firewall opens for TURN media (the Kubernetes NodePort
   * range by default, where the UDP Gateway's NodePort lands). Published as an output for the
   * firewall; it must contain the Gateway's node port.
   */
  udpPortRange: strictObject({ start: Port, end: Port }),
  /** The stunnerd dataplane the operator renders per Gateway. */
  dataplane: strictObject({
    /** `managed`: one dataplane Deployment per Gateway (recommended); `legacy`: one static dataplane. */
    mode: literals('managed', 'legacy'),
    replicas: Type.Integer({ minimum: 1, maximum: 10 }),
    image: Image,
    /** `--udp-thread-num`: UDP listener threads per stunnerd. */
    udpThreads: Type.Integer({ minimum: 1, maximum: 128 }),
    resources: Resources,
    /** Long grace period: stunnerd drains active TURN allocations before exiting. */
    terminationGracePeriodSeconds: Type.Integer({ minimum: 0, maximum: 86400 }),
  }),
  operator: strictObject({
    image: Image,
    resources: Resources,
    logLevel: literals('debug', 'info', 'error'),
  }),
  /** The GatewayClass pointing at this operator; a Sovereign may ship its own instead. */
  gatewayClass: strictObject({ create: Type.Boolean(), name: Name }),
  /** TURN authentication realm (changing it restarts every TURN listener). */
  realm: Type.String({ pattern: '^[a-z0-9]([-.a-z0-9]*[a-z0-9])?$', maxLength: 253 }),
  /**
   * The UDP TURN Gateway media Blueprints route through (bp-livekit reads it). Exposed as a
   * NodePort by default, inside `udpPortRange`, so no cloud load balancer is needed.
   */
  udpGateway: strictObject({
    enabled: Type.Boolean(),
    name: Name,
    port: Type.Integer({ minimum: 1, maximum: 65535 }),
    serviceType: literals('NodePort', 'LoadBalancer', 'ClusterIP'),
  }),
  /** STUNner's REST service handing out ephemeral TURN credentials to clients. */
  authService: Type.Boolean(),
  /** A NetworkPolicy admitting only TURN (UDP) traffic to the dataplane pods. */
  networkPolicy: strictObject({ enabled: Type.Boolean() }),
  /** Observability toggle: off by default (upstream #182). */
  monitoring: strictObject({
    /** stunnerd's Prometheus endpoint (`enableMetricsEndpoint`). */
    dataplaneMetrics: Type.Boolean(),
  }),
});
export type StunnerValues = Static<typeof StunnerValues>;

/** Where media Blueprints attach: the UDP Gateway of this STUNner. */
export interface StunnerGatewayRef {
  readonly name: string;
  readonly namespace: string;
  readonly port: number;
  /** In-cluster `host:port` of the Gateway's Service (`<gateway>.<namespace>.svc.cluster.local:<port>`). */
  readonly address: string;
}

/** Labels the curated values put on the dataplane pods; the NetworkPolicy selects by them. */
const DATAPLANE_LABELS = (bp: string) => ({ 'catalyst.openova.io/blueprint': bp, 'catalyst.openova.io/component': 'dataplane' });

export class Stunner extends Blueprint<typeof StunnerValues> {
  public static readonly spec = blueprintSpec({
    name: 'stunner',
    version: '1.0.0',
    slot: 36,
    section: 'pts-4-5-communication',
    card: {
      title: 'STUNner',
      summary: 'Kubernetes-native TURN/STUN media gateway for WebRTC NAT traversal: a Gateway API GatewayClass and a UDP Gateway that media servers such as LiveKit attach to.',
      icon: 'stunner.svg',
      category: 'communication',
      tags: ['webrtc', 'turn', 'stun', 'gateway-api', 'communication'],
      documentation: 'https://docs.l7mp.io/en/stable/',
      license: 'MIT',
    },
    visibility: 'unlisted',
    upstream: [STUNNER_CHART],
    namespace: 'stunner',
    releaseName: 'stunner',
    depends: [
      { blueprint: Cilium, version: '^1' },
      { blueprint: CertManager, version: '^1' },
    ],
    network: {
      // TURN clients reach stunnerd's UDP listener (udpGateway.port) through the Gateway's NodePort.
      ingressFromWorld: [{ port: 3478, protocol: 'UDP' }],
    },
    podSecurity: {
      level: 'baseline',
      reason: 'the stunner-gateway-operator chart 1.1.0 sets no seccomp profile or capability drop on the operator, and the curated stunnerd securityContext is empty; baseline still forbids privileged pods and host access',
    },
    values: StunnerValues,
    defaults: {
      udpPortRange: { start: 30000, end: 32767 },
      dataplane: {
        mode: 'managed',
        replicas: 1,
        image: { repository: 'docker.io/l7mp/stunnerd', tag: '1.1.0' },
        udpThreads: 16,
        resources: { requests: { cpu: '200m', memory: '128Mi' }, limits: { cpu: '1', memory: '512Mi' } },
        terminationGracePeriodSeconds: 3600,
      },
      operator: {
        image: { repository: 'docker.io/l7mp/stunner-gateway-operator', tag: '1.1.0' },
        resources: { requests: { cpu: '100m', memory: '128Mi' }, limits: { cpu: '500m', memory: '256Mi' } },
        logLevel: 'info',
      },
      gatewayClass: { create: true, name: 'stunner-gatewayclass' },
      realm: 'stunner.l7mp.io',
      udpGateway: { enabled: true, name: 'udp-gateway', port: 3478, serviceType: 'NodePort' },
      authService: false,
      networkPolicy: { enabled: false },
      monitoring: { dataplaneMetrics: false },
    },
    // The chart ships STUNner's CRDs and the Gateway API CRDs it implements (its crds/ folder).
    providesApis: [STUNNER_API_VERSION, STUNNER_GATEWAY_API_VERSION, 'gateway.networking.k8s.io/v1beta1', 'gateway.networking.k8s.io/v1alpha2'],
    placement: { modes: ['single-region', 'active-active'], default: 'single-region', minRegions: 1, maxRegions: 3 },
    upgradesFrom: ['0.x'],
  });

  constructor(scope: Construct, props: BlueprintProps) {
    super(scope, props);
    const r = this.values.udpPortRange;
    if (r && r.start > r.end) {
      (this.issues as Issue[]).push({
        path: `${props.path}.values.udpPortRange`,
        message: `start (${r.start}) must not be greater than end (${r.end})`,
      });
    }
  }

  /** Name of the GatewayClass media Blueprints' Gateways use. */
  public get gatewayClassName(): string {
    return this.values.gatewayClass.name;
  }

  /** Name of the GatewayConfig holding realm and credentials. */
  public get gatewayConfigName(): string {
    return `${this.releaseName}-gatewayconfig`;
  }

  /** The Secret (in this namespace) with the TURN shared secret, generated in-cluster. */
  public get authSecretName(): string {
    return `${this.releaseName}-auth-secret`;
  }

  public get realm(): string {
    return this.values.realm;
  }

  /** The UDP Gateway media Blueprints route through, if enabled. */
  public get udpGateway(): StunnerGatewayRef | undefined {
    const g = this.values.udpGateway;
    if (!g.enabled) return undefined;
    return { name: g.name, namespace: this.namespace, port: g.port, address: `${g.name}.${this.namespace}.svc.cluster.local:${g.port}` };
  }

  public outputs(): { readonly [name: string]: string } {
    const g = this.udpGateway;
    const r = this.values.udpPortRange;
    return {
      gatewayClassName: this.gatewayClassName,
      realm: this.realm,
      udpPortRange: `${r.start}-${r.end}`,
      ...(g ? { udpGateway: g.address } : {}),
    };
  }

  protected chartValues(_u: UpstreamChart): PlainObject {
    const v = this.values;
    const bp = this.publishedName;
    const image = (i: Image) => ({ name: i.repository, pullPolicy: 'IfNotPresent', tag: i.tag });
    return {
      stunnerGatewayOperator: {
        enabled: true,
        deployment: {
          name: 'stunner-gateway-operator',
          podLabels: { 'catalyst.openova.io/blueprint': bp, 'catalyst.openova.io/component': 'gateway-operator' },
          tolerations: [],
          nodeSelector: { 'kubernetes.io/os': 'linux' },
          securityContext: { runAsNonRoot: true },
          container: {
            manager: {
              image: image(v.operator.image),
              resources: v.operator.resources,
              args: [
                '--health-probe-bind-address=:8081',
                // Metrics stay on loopback: nothing scrapes the operator (its state is in the Gateway status).
                '--metrics-bind-address=127.0.0.1:8080',
                '--leader-elect',
                `--zap-log-level=${v.operator.logLevel}`,
              ],
              securityContext: { allowPrivilegeEscalation: false },
            },
          },
        },
        // Deliberate fix: upstream curated `dataplane` beside `stunnerGatewayOperator`, where the
        // chart does not read it (its templates read `stunnerGatewayOperator.dataplane`), so the
        // pinned stunnerd image, replicas and resources never reached the Dataplane object.
        dataplane: {
          mode: v.dataplane.mode,
          spec: {
            replicas: v.dataplane.replicas,
            image: image(v.dataplane.image),
            command: ['stunnerd'],
            args: ['-w', `--udp-thread-num=${v.dataplane.udpThreads}`],
            env: [],
            resources: v.dataplane.resources,
            terminationGracePeriodSeconds: v.dataplane.terminationGracePeriodSeconds,
            enableMetricsEndpoint: v.monitoring.dataplaneMetrics,
            hostNetwork: false,
            labels: DATAPLANE_LABELS(bp),
            annotations: {},
            affinity: {},
            containerSecurityContext: {},
            securityContext: {},
            tolerations: [],
          },
        },
      },
      stunnerAuthService: {
        enabled: v.authService,
        deployment: { podLabels: { 'catalyst.openova.io/blueprint': bp, 'catalyst.openova.io/component': 'auth-service' } },
      },
    };
  }

  protected overlays(scope: Chart): void {
    const v = this.values;
    const labels = appLabels('stunner', this.releaseName, 'gateway', this.spec.version);
    // TURN credentials: a shared secret for ephemeral (time-limited) credentials, generated in
    // the cluster so it is never in Git; STUNner reads it through the GatewayConfig's authRef.
    const auth = new GeneratedSecret(scope, 'auth-secret', {
      namespace: this.namespace,
      secretName: this.authSecretName,
      randomKeys: ['secret'],
      constants: { type: 'ephemeral' },
      labels,
    });
    const config = new ApiObject(scope, 'gateway-config', {
      apiVersion: STUNNER_API_VERSION,
      kind: 'GatewayConfig',
      metadata: { name: this.gatewayConfigName, labels },
      spec: {
        realm: v.realm,
        authRef: { name: auth.secretName, namespace: this.namespace },
        ...(v.monitoring.dataplaneMetrics ? { metricsEndpoint: 'http://0.0.0.0:8080/metrics' } : {}),
      },
    });
    if (v.gatewayClass.create) {
      new ApiObject(scope, 'gateway-class', {
        apiVersion: STUNNER_GATEWAY_API_VERSION,
        kind: 'GatewayClass',
        metadata: { name: v.gatewayClass.name, labels },
        spec: {
          controllerName: STUNNER_CONTROLLER_NAME,
          parametersRef: { group: 'stunner.l7mp.io', kind: 'GatewayConfig', name: config.name, namespace: this.namespace },
        },
      });
    }
    const g = v.udpGateway;
    if (g.enabled) {
      new ApiObject(scope, 'udp-gateway', {
        apiVersion: STUNNER_GATEWAY_API_VERSION,
        kind: 'Gateway',
        metadata: { name: g.name, labels, annotations: { 'stunner.l7mp.io/service-type': g.serviceType } },
        spec: {
          gatewayClassName: v.gatewayClass.name,
          // Media Blueprints attach routes from their own namespaces.
          listeners: [{ name: 'udp-listener', port: g.port, protocol: 'TURN-UDP', allowedRoutes: { namespaces: { from: 'All' } } }],
        },
      });
    }
    if (v.networkPolicy.enabled) {
      new k8s.KubeNetworkPolicy(scope, 'network-policy', {
        metadata: { name: `${this.releaseName}-dataplane`, labels },
        spec: {
          podSelector: { matchLabels: DATAPLANE_LABELS(this.publishedName) },
          // Ingress only: TURN clients come from anywhere, and the relay forwards media to
          // whichever backend a route names, so egress is not narrowed here.
          policyTypes: ['Ingress'],
          ingress: [{
            ports: [
              { protocol: 'UDP', port: k8s.IntOrString.fromNumber(g.port) },
              // stunnerd's health checks (kubelet) on 8086.
              { protocol: 'TCP', port: k8s.IntOrString.fromNumber(8086) },
            ],
          }],
        },
      });
    }
  }
}
