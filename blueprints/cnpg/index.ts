/**
 * bp-cnpg (kit slot 16): the CloudNativePG operator. Installs the postgresql.cnpg.io/v1 CRDs and
 * the controller; Blueprints that need PostgreSQL (bp-powerdns's zone database, later harbor,
 * grafana, langfuse…) declare a typed `Cluster` overlay and depend on this Blueprint, so their
 * Clusters land in infrastructure/ after the CRDs exist (upstream #190).
 */
import { Static, Type } from '@sinclair/typebox';
import { CNPG_API_VERSION } from '../../constructs/cnpg';
import { Blueprint, blueprintSpec, helmChart, UpstreamChart } from '../../src/blueprint';
import { Resources } from '../../src/schema';
import { PlainObject, strictObject } from '../../src/values';
import { Flux } from '../flux';

export const CnpgValues = strictObject({
  /** Install the CRDs with the chart (this Blueprint is the one provider of postgresql.cnpg.io/v1). */
  crds: strictObject({ create: Type.Boolean() }),
  /** Operator replicas; one is enough: the operator is not in the data path. */
  replicaCount: Type.Integer({ minimum: 1, maximum: 3 }),
  resources: Resources,
  /** Observability toggles: off by default, the monitoring CRDs may not exist (upstream #182). */
  monitoring: strictObject({
    /** The operator's PodMonitor (needs monitoring.coreos.com/v1). */
    podMonitor: Type.Boolean(),
  }),
});
export type CnpgValues = Static<typeof CnpgValues>;

export class Cnpg extends Blueprint<typeof CnpgValues> {
  public static readonly spec = blueprintSpec({
    name: 'cnpg',
    version: '1.0.0',
    slot: 16,
    section: 'pts-3-5-storage-and-data',
    card: {
      title: 'CloudNativePG',
      summary: 'Kubernetes operator for highly available PostgreSQL clusters: the database every stateful Blueprint claims.',
      documentation: 'https://cloudnative-pg.io/documentation/',
      license: 'Apache-2.0',
    },
    visibility: 'unlisted',
    upstream: [helmChart('cloudnative-pg', '0.28.0', 'https://cloudnative-pg.github.io/charts')],
    namespace: 'cnpg-system',
    releaseName: 'cnpg',
    depends: [Flux],
    // The API server calls the operator's validating/mutating webhooks.
    network: { ingressFromCluster: [{ port: 9443 }] },
    values: CnpgValues,
    defaults: {
      crds: { create: true },
      replicaCount: 1,
      resources: { requests: { cpu: '100m', memory: '256Mi' }, limits: { memory: '512Mi' } },
      monitoring: { podMonitor: false },
    },
    providesApis: [CNPG_API_VERSION],
  });

  protected chartValues(_u: UpstreamChart): PlainObject {
    const v = this.values;
    return {
      crds: { create: v.crds.create },
      replicaCount: v.replicaCount,
      resources: v.resources,
      monitoring: { podMonitorEnabled: v.monitoring.podMonitor },
    };
  }

  /** The API group/version Blueprints' Cluster overlays use. */
  public get apiVersion(): string {
    return CNPG_API_VERSION;
  }

  public outputs(): { readonly [name: string]: string } {
    return { apiVersion: CNPG_API_VERSION, operatorNamespace: this.namespace };
  }
}
