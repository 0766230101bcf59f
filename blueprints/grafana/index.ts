/**
 * bp-grafana (kit slot 25): Grafana, with its datasources wired to the Sovereign's own
 * backends. Each datasource URL comes from the backend Blueprint's typed `queryEndpoint`
 * (Mimir for metrics, Loki for logs, Tempo for traces), so renaming a release or namespace
 * cannot leave Grafana pointing at a Service that does not exist. Upstream shipped
 * `datasources: {}`: an empty Grafana.
 *
 * Credentials: the admin password is generated in-cluster by the chart into Secret
 * `<fullname>` (key `admin-password`) unless `admin.existingSecret` names your own.
 */
import { Static, Type } from '@sinclair/typebox';
import { Blueprint, blueprintSpec, helmChart, helmFullname, UpstreamChart } from '../../src/blueprint';
import { DnsLabel, Image, oneOf, Quantity, Resources } from '../../src/schema';
import { PlainObject, strictObject } from '../../src/values';
import { Cnpg } from '../cnpg';
import { Keycloak } from '../keycloak';
import { Loki } from '../loki';
import { Mimir } from '../mimir';
import { Tempo } from '../tempo';

export const GRAFANA_CHART = helmChart('grafana', '10.5.15', 'https://grafana.github.io/helm-charts');

/** A Grafana datasource as provisioned from `datasources.yaml`. */
export interface GrafanaDatasource {
  readonly name: string;
  readonly type: 'prometheus' | 'loki' | 'tempo';
  readonly uid: string;
  readonly url: string;
  readonly access: 'proxy';
  readonly isDefault: boolean;
  readonly editable: false;
  readonly jsonData?: PlainObject;
}

export const GrafanaValues = strictObject({
  replicas: Type.Integer({ minimum: 1, maximum: 1, description: 'SQLite on a ReadWriteOnce PVC allows one replica' }),
  image: Image,
  persistence: strictObject({
    enabled: Type.Boolean(),
    size: Quantity,
    accessModes: Type.Array(oneOf('ReadWriteOnce', 'ReadWriteMany', 'ReadWriteOncePod'), { minItems: 1 }),
  }),
  admin: strictObject({
    user: Type.String({ minLength: 1, pattern: '^[-._@a-zA-Z0-9]+$' }),
    /** Secret (keys `admin-user`, `admin-password`) you manage yourself; unset: the chart generates one. */
    existingSecret: Type.Optional(DnsLabel),
  }),
  /** Which of the Sovereign's backends to provision as datasources (all from typed endpoints). */
  datasources: strictObject({
    mimir: Type.Boolean(),
    loki: Type.Boolean(),
    tempo: Type.Boolean(),
  }),
  securityContext: strictObject({
    runAsUser: Type.Integer({ minimum: 1 }),
    fsGroup: Type.Integer({ minimum: 1 }),
  }),
  service: strictObject({
    type: oneOf('ClusterIP', 'LoadBalancer', 'NodePort'),
    port: Type.Integer({ minimum: 1, maximum: 65535 }),
  }),
  resources: Resources,
  /** Observability toggles: off by default, the monitoring CRDs may not exist (upstream #182). */
  monitoring: strictObject({ serviceMonitor: Type.Boolean() }),
});
export type GrafanaValues = Static<typeof GrafanaValues>;

/** Grafana's container port (the chart's `service.targetPort`). */
const GRAFANA_PORT = 3000;

export class Grafana extends Blueprint<typeof GrafanaValues> {
  public static readonly spec = blueprintSpec({
    name: 'grafana',
    version: '1.0.0',
    slot: 25,
    section: 'pts-3-observability',
    card: {
      title: 'Grafana',
      summary: 'Dashboards and exploration over the Sovereign\'s metrics (Mimir), logs (Loki) and traces (Tempo).',
      documentation: 'https://grafana.com/docs/grafana/latest/',
      license: 'AGPL-3.0-only',
    },
    visibility: 'unlisted',
    upstream: [GRAFANA_CHART],
    namespace: 'grafana',
    releaseName: 'grafana',
    depends: [Cnpg, Loki, Mimir, Tempo, Keycloak],
    install: { timeout: '15m' },
    podSecurity: {
      level: 'baseline',
      reason: "the chart's init-chown-data container runs as root with CAP_CHOWN to hand the PVC to uid 472",
    },
    values: GrafanaValues,
    defaults: {
      replicas: 1,
      image: { repository: 'grafana/grafana', tag: '12.3.1' },
      persistence: { enabled: true, size: '10Gi', accessModes: ['ReadWriteOnce'] },
      admin: { user: 'admin' },
      datasources: { mimir: true, loki: true, tempo: true },
      securityContext: { runAsUser: 472, fsGroup: 472 },
      service: { type: 'ClusterIP', port: 80 },
      resources: { requests: { cpu: '100m', memory: '256Mi' }, limits: { cpu: '500m', memory: '512Mi' } },
      monitoring: { serviceMonitor: false },
    },
  });

  /** The chart's fullname: Service and admin Secret. */
  public get fullname(): string {
    return helmFullname(this.releaseName, GRAFANA_CHART.chart);
  }

  /** The admin password, in this namespace. */
  public get adminCredentials(): { readonly secretName: string; readonly key: string } {
    return { secretName: this.values.admin.existingSecret ?? this.fullname, key: 'admin-password' };
  }

  /** In-cluster URL of Grafana's Service. */
  public get internalUrl(): string {
    return `http://${this.fullname}.${this.namespace}.svc.cluster.local${this.values.service.port === 80 ? '' : `:${this.values.service.port}`}`;
  }

  /** The datasources provisioned, built from the backend Blueprints' typed query endpoints. */
  public datasources(): readonly GrafanaDatasource[] {
    const d = this.values.datasources;
    const out: GrafanaDatasource[] = [];
    const common = { access: 'proxy' as const, editable: false as const };
    if (d.mimir) {
      out.push({ name: 'Mimir', type: 'prometheus', uid: 'mimir', url: this.dependency(Mimir).queryEndpoint, isDefault: true, ...common });
    }
    if (d.loki) {
      out.push({ name: 'Loki', type: 'loki', uid: 'loki', url: this.dependency(Loki).queryEndpoint, isDefault: !d.mimir, ...common });
    }
    if (d.tempo) {
      // Links from a span to its logs and to the service graph, when those datasources exist.
      const jsonData: Record<string, unknown> = {};
      if (d.loki) jsonData.tracesToLogsV2 = { datasourceUid: 'loki', filterByTraceID: true };
      if (d.mimir) jsonData.serviceMap = { datasourceUid: 'mimir' };
      out.push({
        name: 'Tempo',
        type: 'tempo',
        uid: 'tempo',
        url: this.dependency(Tempo).queryEndpoint,
        isDefault: !d.mimir && !d.loki,
        ...common,
        ...(Object.keys(jsonData).length ? { jsonData } : {}),
      });
    }
    return out;
  }

  protected chartValues(_u: UpstreamChart): PlainObject {
    const v = this.values;
    const datasources = this.datasources();
    return {
      replicas: v.replicas,
      image: {
        repository: v.image.repository,
        tag: v.image.tag,
        ...(v.image.digest ? { sha: v.image.digest.replace(/^sha256:/, '') } : {}),
        pullPolicy: 'IfNotPresent',
      },
      persistence: { enabled: v.persistence.enabled, type: 'pvc', size: v.persistence.size, accessModes: [...v.persistence.accessModes] },
      serviceMonitor: { enabled: v.monitoring.serviceMonitor },
      adminUser: v.admin.user,
      ...(v.admin.existingSecret ? { admin: { existingSecret: v.admin.existingSecret, userKey: 'admin-user', passwordKey: 'admin-password' } } : {}),
      securityContext: { runAsNonRoot: true, runAsUser: v.securityContext.runAsUser, fsGroup: v.securityContext.fsGroup },
      service: { type: v.service.type, port: v.service.port, targetPort: GRAFANA_PORT },
      // Deliberate fix: upstream shipped `datasources: {}`.
      datasources: datasources.length ? { 'datasources.yaml': { apiVersion: 1, datasources: datasources.map((d) => ({ ...d })) } } : {},
      dashboards: {},
      resources: v.resources,
      rbac: { create: true, pspEnabled: false },
      serviceAccount: { create: true, name: '' },
    };
  }

  public outputs(): { readonly [name: string]: string } {
    return { internalUrl: this.internalUrl, adminSecret: this.adminCredentials.secretName };
  }
}
