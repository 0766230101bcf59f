/**
 * bp-nats-jetstream (kit slot 07): the event spine of the Catalyst control plane. A NATS
 * cluster with JetStream (file storage on a PVC per server); it waits for SPIRE, as the kit's
 * HelmRelease graph has it (§3.2).
 */
import { Static, Type } from '@sinclair/typebox';
import { Blueprint, blueprintSpec, helmChart, UpstreamChart, helmFullname } from '../../src/blueprint';
import { Quantity, Resources } from '../../src/schema';
import { PlainObject, strictObject } from '../../src/values';
import { Spire } from '../spire';

export const NATS_CHART = helmChart('nats', '1.2.0', 'https://nats-io.github.io/k8s/helm/charts');

/** Client port of the nats chart's Service (`config.nats.port`, chart default). */
export const NATS_CLIENT_PORT = 4222;

export const NatsJetstreamValues = strictObject({
  cluster: strictObject({
    /** Run a clustered NATS (route mesh between the servers). */
    enabled: Type.Boolean(),
    /**
     * Servers in the cluster. At least 2 for a cluster; 3 gives JetStream a Raft quorum that
     * survives losing one. To run one server, set `enabled` to false.
     */
    replicas: Type.Integer({ minimum: 2, maximum: 9 }),
  }),
  jetstream: strictObject({
    enabled: Type.Boolean(),
    /** Size of each server's JetStream file-store PVC. */
    storageSize: Quantity,
  }),
  /** Resources of the nats-server container. */
  resources: Resources,
  /** Observability toggles: off by default, the monitoring CRDs may not exist (upstream #182). */
  monitoring: strictObject({
    /** Run the Prometheus exporter sidecar. */
    exporter: Type.Boolean(),
    /** Create a PodMonitor for the exporter (needs monitoring.coreos.com/v1; only with `exporter`). */
    podMonitor: Type.Boolean(),
  }),
});
export type NatsJetstreamValues = Static<typeof NatsJetstreamValues>;


export class NatsJetstream extends Blueprint<typeof NatsJetstreamValues> {
  public static readonly spec = blueprintSpec({
    name: 'nats-jetstream',
    version: '1.1.1',
    slot: 7,
    section: 'pts-2-3-per-sovereign-supporting-services',
    card: {
      title: 'NATS JetStream',
      summary: 'Event spine for the Catalyst control plane: a clustered NATS with JetStream streams, key-value and object store.',
      documentation: 'https://docs.nats.io/nats-concepts/jetstream',
      license: 'Apache-2.0',
    },
    visibility: 'unlisted',
    upstream: [NATS_CHART],
    namespace: 'nats-system',
    releaseName: 'nats-jetstream',
    depends: [Spire],
    podSecurity: {
      level: 'baseline',
      reason: 'the nats chart 1.2.0 sets no securityContext (runAsNonRoot, seccomp profile, capability drop) on the nats, reloader and nats-box containers, and the nats image runs as root; baseline still forbids privileged pods and host access',
    },
    values: NatsJetstreamValues,
    defaults: {
      cluster: { enabled: true, replicas: 3 },
      jetstream: { enabled: true, storageSize: '10Gi' },
      resources: { requests: { cpu: '100m', memory: '256Mi' }, limits: { memory: '1Gi' } },
      monitoring: { exporter: false, podMonitor: false },
    },
  });

  /** Name of the client Service the nats chart creates. */
  public get serviceName(): string {
    return helmFullname(this.releaseName, NATS_CHART.chart);
  }

  /** In-cluster client URL, e.g. `nats://nats-jetstream.nats-system.svc.cluster.local:4222`. */
  public get url(): string {
    return `nats://${this.serviceName}.${this.namespace}.svc.cluster.local:${NATS_CLIENT_PORT}`;
  }

  protected chartValues(_u: UpstreamChart): PlainObject {
    const v = this.values;
    return {
      config: {
        cluster: { enabled: v.cluster.enabled, replicas: v.cluster.replicas },
        jetstream: { enabled: v.jetstream.enabled, fileStore: { pvc: { size: v.jetstream.storageSize } } },
      },
      // Deliberate fix: upstream curated `container.resources`, a key the nats 1.x chart does not
      // read (its containers take extra fields only through `merge`/`patch`), so the limits never
      // reached the pod. `container.merge.resources` is where the chart applies them.
      container: { merge: { resources: v.resources } },
      promExporter: {
        enabled: v.monitoring.exporter,
        podMonitor: { enabled: v.monitoring.exporter && v.monitoring.podMonitor },
      },
    };
  }

  public outputs(): { readonly [name: string]: string } {
    return { url: this.url };
  }
}
