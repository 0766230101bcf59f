/**
 * bp-valkey (kit slot 17): a Valkey (BSD-licensed Redis fork) for Blueprints that need a cache
 * or queue, Bitnami's chart in replication architecture (one primary, replicas on demand).
 *
 * Credentials: with `auth.enabled` and no `auth.existingSecret`, the chart generates the
 * password in-cluster into Secret `<fullname>` (key `valkey-password`) and keeps it across
 * upgrades (Bitnami's lookup-based password helper); nothing is written to Git. Consumers
 * read it through `credentials`.
 */
import { Static, Type } from '@sinclair/typebox';
import { Blueprint, blueprintSpec, helmChart, helmFullname, UpstreamChart } from '../../src/blueprint';
import { CatalystError } from '../../src/errors';
import { DnsLabel, Image, oneOf, Quantity, Resources } from '../../src/schema';
import { PlainObject, strictObject } from '../../src/values';
import { Flux } from '../flux';
import { bitnamiImage, SecretKeyRef } from '../keycloak';

export const VALKEY_CHART = helmChart('valkey', '5.5.1', 'https://charts.bitnami.com/bitnami');

/** Port of the chart's Services (`primary.service.ports.valkey`, chart default). */
export const VALKEY_PORT = 6379;

/** One Valkey role (primary or replica). */
const Node = strictObject({
  replicas: Type.Integer({ minimum: 0, maximum: 9 }),
  resources: Resources,
  persistence: strictObject({ enabled: Type.Boolean(), size: Quantity }),
});

export const ValkeyValues = strictObject({
  /** `replication`: a primary plus read replicas; `standalone`: the primary alone. */
  architecture: oneOf('replication', 'standalone'),
  primary: Node,
  /** Read replicas (replication architecture only); 0 runs the primary alone. */
  replica: Node,
  auth: strictObject({
    /** Require a password (AUTH). */
    enabled: Type.Boolean(),
    /**
     * Secret (key `valkey-password`) you manage yourself. Unset: the chart generates
     * `<fullname>` in-cluster.
     */
    existingSecret: Type.Optional(DnsLabel),
  }),
  /** The chart's NetworkPolicy: only pods with the client label (or in allowed namespaces) reach Valkey. */
  networkPolicy: Type.Boolean(),
  /**
   * Replace the chart's default image. Bitnami's versioned images left docker.io (upstream
   * c747fe2/fa0e3a4); pin e.g. a `docker.io/bitnamilegacy/valkey` tag here if the chart's
   * default stops resolving. Unset: the chart's own pinned tag.
   */
  image: Type.Optional(Image),
  /** Observability toggles: off by default, the monitoring CRDs may not exist (upstream #182). */
  monitoring: strictObject({
    /** The redis-exporter sidecar. */
    metrics: Type.Boolean(),
    /** Needs `metrics` and monitoring.coreos.com/v1. */
    serviceMonitor: Type.Boolean(),
    /** Needs `metrics` and monitoring.coreos.com/v1. */
    prometheusRule: Type.Boolean(),
  }),
});
export type ValkeyValues = Static<typeof ValkeyValues>;

const NODE_RESOURCES = { requests: { cpu: '100m', memory: '128Mi' }, limits: { memory: '512Mi' } };

export class Valkey extends Blueprint<typeof ValkeyValues> {
  public static readonly spec = blueprintSpec({
    name: 'valkey',
    version: '1.0.0',
    slot: 17,
    section: 'pts-4-1-data-services',
    card: {
      title: 'Valkey',
      summary: 'In-memory key-value store (BSD-licensed Redis fork) for caches, queues and sessions of the Sovereign\'s Blueprints.',
      documentation: 'https://valkey.io/docs/',
      license: 'BSD-3-Clause',
    },
    visibility: 'unlisted',
    upstream: [VALKEY_CHART],
    namespace: 'valkey',
    releaseName: 'valkey',
    depends: [Flux],
    values: ValkeyValues,
    defaults: {
      architecture: 'replication',
      primary: { replicas: 1, resources: NODE_RESOURCES, persistence: { enabled: true, size: '1Gi' } },
      replica: { replicas: 0, resources: NODE_RESOURCES, persistence: { enabled: true, size: '1Gi' } },
      auth: { enabled: true },
      networkPolicy: true,
      monitoring: { metrics: false, serviceMonitor: false, prometheusRule: false },
    },
  });

  /** The chart's fullname: Services `<fullname>-primary` / `-headless`, Secret `<fullname>`. */
  public get fullname(): string {
    return helmFullname(this.releaseName, VALKEY_CHART.chart);
  }

  /** In-cluster host of the primary (reads and writes). */
  public get host(): string {
    return `${this.fullname}-primary.${this.namespace}.svc.cluster.local`;
  }

  public get port(): number {
    return VALKEY_PORT;
  }

  /** The password, in this Blueprint's namespace. Throws if auth is off. */
  public get credentials(): SecretKeyRef {
    if (!this.values.auth.enabled) {
      throw CatalystError.at(`${this.path}.values.auth.enabled`, 'a client asked for the Valkey password, but auth is off');
    }
    return { secretName: this.values.auth.existingSecret ?? this.fullname, key: 'valkey-password' };
  }

  protected chartValues(_u: UpstreamChart): PlainObject {
    const v = this.values;
    const m = v.monitoring;
    const node = (n: ValkeyValues['primary']) => ({
      replicaCount: n.replicas,
      resources: n.resources,
      persistence: { enabled: n.persistence.enabled, size: n.persistence.size },
    });
    return {
      architecture: v.architecture,
      // Bitnami charts refuse images other than their own unless told (as bp-keycloak does).
      ...(v.image ? { global: { security: { allowInsecureImages: true } }, image: bitnamiImage(v.image) } : {}),
      primary: node(v.primary),
      replica: node(v.replica),
      auth: {
        enabled: v.auth.enabled,
        ...(v.auth.existingSecret ? { existingSecret: v.auth.existingSecret, existingSecretPasswordKey: 'valkey-password' } : {}),
      },
      networkPolicy: { enabled: v.networkPolicy },
      metrics: {
        enabled: m.metrics,
        serviceMonitor: { enabled: m.metrics && m.serviceMonitor },
        prometheusRule: { enabled: m.metrics && m.prometheusRule },
      },
    };
  }

  public outputs(): { readonly [name: string]: string } {
    return { host: this.host, port: String(VALKEY_PORT) };
  }
}
