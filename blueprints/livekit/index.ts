/**
 * bp-livekit (slot 46): LiveKit, a WebRTC SFU for real-time audio, video and data (upstream
 * `livekit-server` chart). It runs on the host network so its RTC UDP port range is reachable
 * on the nodes (the Sovereign's firewall opens it; `outputs().rtcPortRange`). With
 * `stunner.enabled`, a STUNner UDPRoute lets clients behind NATs reach it through bp-stunner's
 * TURN Gateway, read from that Blueprint's getters.
 *
 * API keys live in a Secret the operator provides (`keys.existingSecret`, e.g. materialized by
 * an ExternalSecret): LiveKit refuses to start without keys, and the upstream curated none.
 */
import { Static, Type } from '@sinclair/typebox';
import { ApiObject, Chart } from 'cdk8s';
import * as k8s from 'cdk8s-plus-28/lib/imports/k8s';
import { Construct } from 'constructs';
import { ingressIssuerAnnotation } from '../../constructs/cert-manager';
import { Blueprint, BlueprintProps, blueprintSpec, helmChart, helmFullname, UpstreamChart } from '../../src/blueprint';
import { CatalystError, Issue } from '../../src/errors';
import { DnsLabel, Resources } from '../../src/schema';
import { PlainObject, strictObject } from '../../src/values';
import { CertManager } from '../cert-manager';
import { appLabels } from '../keycloak/generated-secret';
import { Stunner, STUNNER_API_VERSION } from '../stunner';
import { Valkey } from '../valkey';
import { ChartImage, literals, withRequiredValues } from '../vllm/app-workload';

export const LIVEKIT_CHART = helmChart('livekit-server', '1.9.0', 'https://helm.livekit.io');

const Port = Type.Integer({ minimum: 1024, maximum: 65535 });

const defaultedProperties = {
  replicas: Type.Integer({ minimum: 1, maximum: 10 }),
  image: ChartImage,
  /** Signalling (HTTP/WebSocket) port. */
  port: Port,
  logLevel: literals('debug', 'info', 'warn', 'error'),
  /** RTC media: ICE/TCP port and the UDP range the Sovereign's firewall must open. */
  rtc: strictObject({
    tcpPort: Port,
    portRangeStart: Port,
    portRangeEnd: Port,
    /** Discover the node's public IP via STUN (host network behind a cloud NAT). */
    useExternalIp: Type.Boolean(),
  }),
  /** Route TURN through bp-stunner's UDP Gateway instead of LiveKit's embedded TURN server. */
  stunner: strictObject({ enabled: Type.Boolean() }),
  /** Public signalling endpoint: an Ingress `<hostPrefix>.<FQDN>` with a certificate from bp-cert-manager's issuer. */
  ingress: strictObject({
    enabled: Type.Boolean(),
    className: Type.String({ minLength: 1 }),
    hostPrefix: DnsLabel,
  }),
  resources: Resources,
  autoscaling: strictObject({
    enabled: Type.Boolean(),
    minReplicas: Type.Integer({ minimum: 1, maximum: 20 }),
    maxReplicas: Type.Integer({ minimum: 1, maximum: 20 }),
    targetCPUUtilizationPercentage: Type.Integer({ minimum: 1, maximum: 100 }),
  }),
  /** Observability toggle: the chart's ServiceMonitor, off by default (upstream #182). */
  serviceMonitor: strictObject({ enabled: Type.Boolean(), interval: Type.String({ pattern: '^[0-9]+(s|m)$' }) }),
};

export const LivekitValues = strictObject({
  ...defaultedProperties,
  /**
   * API keys: a Secret in this namespace whose key `keyFile` holds `<api-key>: <api-secret>`
   * lines. Required (LiveKit will not start without keys; none are generated into Git).
   */
  keys: strictObject({ existingSecret: DnsLabel, keyFile: Type.String({ pattern: '^[-._a-zA-Z0-9]+$' }) }),
});
export type LivekitValues = Static<typeof LivekitValues>;

const DefaultsSchema = strictObject({
  ...defaultedProperties,
  keys: strictObject({ existingSecret: Type.Optional(DnsLabel), keyFile: Type.String({ pattern: '^[-._a-zA-Z0-9]+$' }) }),
});

export class Livekit extends Blueprint<typeof LivekitValues> {
  public static readonly spec = withRequiredValues(
    blueprintSpec({
      owner: { team: 'platform', contact: 'platform@openova.io' },
      name: 'livekit',
      version: '1.0.0',
      slot: 46,
      section: 'pts-4-5-communication',
      category: 'application',
      card: {
        title: 'LiveKit',
        summary: 'WebRTC SFU for real-time video, audio and data, with TURN through bp-stunner so media survives the cluster\'s NAT boundary.',
        icon: 'livekit.svg',
        category: 'application',
        tags: ['webrtc', 'sfu', 'video', 'audio', 'communication', 'application'],
        documentation: 'https://docs.livekit.io',
        license: 'Apache-2.0',
      },
      visibility: 'listed',
      upstream: [LIVEKIT_CHART],
      namespace: 'livekit',
      releaseName: 'livekit',
      depends: [
        { blueprint: Stunner, version: '^1' },
        { blueprint: CertManager, version: '^1' },
        { blueprint: Valkey, version: '^1' },
      ],
      podSecurity: {
        level: 'privileged',
        reason: 'LiveKit runs on the host network so its RTC UDP port range is reachable on the nodes; Pod Security baseline forbids hostNetwork',
      },
      values: DefaultsSchema,
      defaults: {
        replicas: 1,
        image: { repository: 'livekit/livekit-server' },
        port: 7880,
        logLevel: 'info',
        rtc: { tcpPort: 7881, portRangeStart: 50000, portRangeEnd: 60000, useExternalIp: true },
        stunner: { enabled: false },
        ingress: { enabled: false, className: 'cilium', hostPrefix: 'livekit' },
        resources: { requests: { cpu: '500m', memory: '512Mi' }, limits: { cpu: '4', memory: '2Gi' } },
        autoscaling: { enabled: false, minReplicas: 1, maxReplicas: 5, targetCPUUtilizationPercentage: 60 },
        serviceMonitor: { enabled: false, interval: '30s' },
        keys: { keyFile: 'keys.yaml' },
      },
      placement: { modes: ['single-region'], default: 'single-region', minRegions: 1, maxRegions: 1 },
      upgradesFrom: ['0.x'],
    }),
    LivekitValues,
  );

  constructor(scope: Construct, props: BlueprintProps) {
    super(scope, props);
    const v = this.values;
    if (!v?.rtc) return;
    const issues = this.issues as Issue[];
    if (v.rtc.portRangeStart > v.rtc.portRangeEnd) {
      issues.push({ path: `${props.path}.values.rtc`, message: `portRangeStart (${v.rtc.portRangeStart}) must not be greater than portRangeEnd (${v.rtc.portRangeEnd})` });
    }
    if (v.replicas > 1 || (v.autoscaling.enabled && v.autoscaling.maxReplicas > 1)) {
      // Several SFUs share room state through Redis; LiveKit reads the Redis password from its
      // config file (a ConfigMap in this chart), which would put bp-valkey's password in Git.
      issues.push({
        path: `${props.path}.values.replicas`,
        message: 'more than one LiveKit replica needs Redis room state, which this Blueprint does not wire (the chart would carry bp-valkey\'s password in a ConfigMap); run one replica',
      });
    }
  }

  /** The chart's fullname: its Service and Deployment. */
  public get fullname(): string {
    return helmFullname(this.releaseName, LIVEKIT_CHART.chart);
  }

  /** Public host of the signalling endpoint. */
  public get host(): string {
    return `${this.values.ingress.hostPrefix}.${this.context.fqdn}`;
  }

  /** In-cluster signalling URL (the chart's Service, port 80). */
  public get url(): string {
    return `http://${this.fullname}.${this.namespace}.svc.cluster.local`;
  }

  public outputs(): { readonly [name: string]: string } {
    const r = this.values.rtc;
    return { url: this.url, rtcPortRange: `${r.portRangeStart}-${r.portRangeEnd}`, ...(this.values.ingress.enabled ? { host: this.host } : {}) };
  }

  protected chartValues(_u: UpstreamChart): PlainObject {
    const v = this.values;
    return {
      replicaCount: v.replicas,
      image: { repository: v.image.repository, pullPolicy: 'IfNotPresent', ...(v.image.tag ? { tag: v.image.tag } : {}) },
      livekit: {
        port: v.port,
        log_level: v.logLevel,
        rtc: {
          tcp_port: v.rtc.tcpPort,
          port_range_start: v.rtc.portRangeStart,
          port_range_end: v.rtc.portRangeEnd,
          use_external_ip: v.rtc.useExternalIp,
        },
        // One replica: no Redis (see the constructor).
        redis: {},
        keys: {},
        // Deliberate fix: the key file comes from the operator's Secret (storeKeysInSecret);
        // upstream curated no keys at all, so the server could not start.
        key_file: v.keys.keyFile,
        turn: { enabled: false },
      },
      storeKeysInSecret: { enabled: true, existingSecret: v.keys.existingSecret, keys: {} },
      loadBalancer: { type: 'disable', servicePort: 80, annotations: {} },
      turnLoadbalancer: { enable: true },
      autoscaling: { ...v.autoscaling },
      resources: v.resources,
      serviceAccount: { create: true, annotations: {}, name: '' },
      // The RTC port range must be reachable on the node itself.
      podHostNetwork: true,
      podAnnotations: { 'sidecar.istio.io/inject': 'false', 'linkerd.io/inject': 'disabled' },
      serviceMonitor: { create: v.serviceMonitor.enabled, annotations: {}, name: '', interval: v.serviceMonitor.interval },
    };
  }

  protected overlays(scope: Chart): void {
    const v = this.values;
    const labels = appLabels('livekit', this.releaseName, 'sfu', this.spec.version);
    if (v.stunner.enabled) {
      const stunner = this.dependency(Stunner);
      const gateway = stunner.udpGateway;
      if (!gateway) {
        throw CatalystError.at(`${this.path}.values.stunner.enabled`, 'bp-stunner\'s UDP Gateway is switched off (its values.udpGateway.enabled); enable it or set stunner.enabled to false');
      }
      // STUNner's own UDPRoute (not the Gateway API's experimental one): it may name a backend
      // Service in another namespace without a ReferenceGrant.
      new ApiObject(scope, 'udp-route', {
        apiVersion: STUNNER_API_VERSION,
        kind: 'UDPRoute',
        metadata: { name: this.releaseName, labels },
        spec: {
          parentRefs: [{ name: gateway.name, namespace: gateway.namespace }],
          rules: [{ backendRefs: [{ name: this.fullname, namespace: this.namespace }] }],
        },
      });
    }
    if (v.ingress.enabled) {
      const issuer = this.dependency(CertManager).issuer;
      new k8s.KubeIngress(scope, 'ingress', {
        metadata: { name: this.fullname, labels, annotations: { ...ingressIssuerAnnotation(issuer) } },
        spec: {
          ingressClassName: v.ingress.className,
          tls: [{ hosts: [this.host], secretName: `${this.releaseName}-tls` }],
          rules: [{
            host: this.host,
            http: {
              paths: [{
                path: '/',
                pathType: 'Prefix',
                backend: { service: { name: this.fullname, port: { number: 80 } } },
              }],
            },
          }],
        },
      });
    }
  }
}
