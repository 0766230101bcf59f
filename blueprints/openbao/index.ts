/**
 * bp-openbao (kit slot 08): the Sovereign's secret backend, an OpenBao cluster with integrated
 * Raft storage. The pods stay sealed until an operator runs `bao operator init` and unseals
 * them; nothing here automates that, and no unseal key or root token is ever written to Git.
 * External Secrets reads from it through the `address` getter.
 */
import { Static, Type } from '@sinclair/typebox';
import { Blueprint, blueprintSpec, helmChart, UpstreamChart, helmFullname } from '../../src/blueprint';
import { Quantity, Resources } from '../../src/schema';
import { PlainObject, strictObject } from '../../src/values';
import { Spire } from '../spire';

export const OPENBAO_CHART = helmChart('openbao', '0.16.0', 'https://openbao.github.io/openbao-helm');

/** API port of the chart's server Service (`server.service.port`, chart default). */
export const OPENBAO_API_PORT = 8200;

export const OpenBaoValues = strictObject({
  /** High availability with integrated Raft storage (one Raft quorum per region). */
  ha: strictObject({
    enabled: Type.Boolean(),
    /** Raft voters; 3 tolerates losing one. */
    replicas: Type.Integer({ minimum: 1, maximum: 9 }),
    /** Integrated Raft storage (no external storage backend). */
    raft: Type.Boolean(),
  }),
  /** Resources of each OpenBao server. */
  resources: Resources,
  /** Size of each server's data PVC (Raft log and snapshots). */
  storageSize: Quantity,
  /** Serve the web UI on the API port. */
  ui: Type.Boolean(),
  /** Observability toggles: off by default, the monitoring CRDs may not exist (upstream #182). */
  monitoring: strictObject({
    /** /metrics endpoint on the agent injector. */
    injectorMetrics: Type.Boolean(),
    /** ServiceMonitor for the servers (needs monitoring.coreos.com/v1). */
    serviceMonitor: Type.Boolean(),
  }),
});
export type OpenBaoValues = Static<typeof OpenBaoValues>;


export class OpenBao extends Blueprint<typeof OpenBaoValues> {
  public static readonly spec = blueprintSpec({
    name: 'openbao',
    version: '1.1.1',
    slot: 8,
    section: 'pts-2-3-per-sovereign-supporting-services',
    card: {
      title: 'OpenBao',
      summary: 'Secret backend: a 3-node OpenBao Raft cluster per region, read by External Secrets. MPL-2.0 fork of Vault.',
      documentation: 'https://openbao.org/docs/',
      license: 'MPL-2.0',
    },
    visibility: 'unlisted',
    upstream: [OPENBAO_CHART],
    namespace: 'openbao',
    releaseName: 'openbao',
    depends: [Spire],
    network: {
      // The API server calls the agent injector's mutating webhook.
      ingressFromCluster: [{ port: 8080 }],
    },
    podSecurity: {
      level: 'baseline',
      reason: 'the openbao chart 0.16.0 sets runAsNonRoot but no seccomp profile on the server, and no capability drop on the server container; baseline still forbids privileged pods and host access',
    },
    values: OpenBaoValues,
    defaults: {
      ha: { enabled: true, replicas: 3, raft: true },
      resources: { requests: { cpu: '100m', memory: '256Mi' }, limits: { memory: '512Mi' } },
      storageSize: '10Gi',
      ui: true,
      monitoring: { injectorMetrics: false, serviceMonitor: false },
    },
  });

  /** Name of the server Service the chart creates. */
  public get serviceName(): string {
    return helmFullname(this.releaseName, OPENBAO_CHART.chart);
  }

  /**
   * In-cluster API address, e.g. `http://openbao.openbao.svc.cluster.local:8200`. Plain HTTP
   * because the chart's `global.tlsDisable` default is kept: the address is in-cluster only,
   * and Cilium encrypts pod traffic with WireGuard by default.
   */
  public get address(): string {
    return `http://${this.serviceName}.${this.namespace}.svc.cluster.local:${OPENBAO_API_PORT}`;
  }

  protected chartValues(_u: UpstreamChart): PlainObject {
    const v = this.values;
    return {
      server: {
        ha: { enabled: v.ha.enabled, replicas: v.ha.replicas, raft: { enabled: v.ha.raft } },
        resources: v.resources,
        dataStorage: { size: v.storageSize },
      },
      ui: { enabled: v.ui },
      injector: { metrics: { enabled: v.monitoring.injectorMetrics } },
      // Deliberate fix: upstream curated a top-level `serviceMonitor.enabled`, which the openbao
      // chart does not read; its ServiceMonitor switch is `serverTelemetry.serviceMonitor.enabled`.
      serverTelemetry: { serviceMonitor: { enabled: v.monitoring.serviceMonitor } },
    };
  }

  public outputs(): { readonly [name: string]: string } {
    return { address: this.address };
  }
}
