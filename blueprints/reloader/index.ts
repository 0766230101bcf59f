/**
 * bp-reloader (kit slot 28): Stakater Reloader. Watches ConfigMaps and Secrets and rolls the
 * Deployments, StatefulSets and DaemonSets that use them, so workloads pick up rotated secrets
 * and renewed TLS material without a manual rollout.
 */
import { Static, Type } from '@sinclair/typebox';
import { Blueprint, blueprintSpec, helmChart, UpstreamChart } from '../../src/blueprint';
import { Image, Resources } from '../../src/schema';
import { PlainObject, strictObject } from '../../src/values';

export const RELOADER_CHART = helmChart('reloader', '2.2.11', 'https://stakater.github.io/stakater-charts');

export const ReloaderValues = strictObject({
  /** Replicas; more than one turns on the chart's leader election (`enableHA`). */
  replicas: Type.Integer({ minimum: 1, maximum: 5 }),
  image: Image,
  imagePullPolicy: Type.Union([Type.Literal('IfNotPresent'), Type.Literal('Always'), Type.Literal('Never')]),
  resources: Resources,
  /**
   * UID the pod runs as. The rest of the hardening (non-root, no privilege escalation, no
   * capabilities) is not a knob.
   */
  runAsUser: Type.Integer({ minimum: 1 }),
  /** Read-only root filesystem; the chart then mounts an emptyDir at /tmp. */
  readOnlyRootFilesystem: Type.Boolean(),
  /**
   * How a rollout is triggered: `env-vars` adds a hash env var to the pod template (survives
   * GitOps reconciliation), `annotations` a pod annotation, `default` the chart's choice.
   */
  reloadStrategy: Type.Union([Type.Literal('default'), Type.Literal('env-vars'), Type.Literal('annotations')]),
  /** Watch every namespace (true) or only its own. */
  watchGlobally: Type.Boolean(),
  /** Create the ClusterRole/Role and bindings. */
  rbac: Type.Boolean(),
  /** Create the ServiceAccount. */
  serviceAccount: strictObject({ create: Type.Boolean() }),
  /** Observability toggle: off by default, the monitoring CRDs may not exist (upstream #182). */
  monitoring: strictObject({ serviceMonitor: Type.Boolean() }),
});
export type ReloaderValues = Static<typeof ReloaderValues>;

export class Reloader extends Blueprint<typeof ReloaderValues> {
  public static readonly spec = blueprintSpec({
    name: 'reloader',
    version: '1.0.0',
    slot: 28,
    section: 'pts-3-3-security-and-policy',
    card: {
      title: 'Reloader',
      summary: 'Rolls Deployments, StatefulSets and DaemonSets when the ConfigMaps or Secrets they use change, so rotated secrets and TLS material take effect without manual rollouts.',
      category: 'security',
      tags: ['guardian', 'secret-rotation'],
      documentation: 'https://github.com/stakater/Reloader',
      license: 'Apache-2.0',
    },
    visibility: 'unlisted',
    upstream: [RELOADER_CHART],
    namespace: 'reloader',
    releaseName: 'reloader',
    values: ReloaderValues,
    defaults: {
      replicas: 1,
      image: { repository: 'ghcr.io/stakater/reloader', tag: 'v1.4.16' },
      imagePullPolicy: 'IfNotPresent',
      resources: { requests: { cpu: '50m', memory: '64Mi' }, limits: { cpu: '200m', memory: '256Mi' } },
      runAsUser: 65532,
      readOnlyRootFilesystem: true,
      reloadStrategy: 'env-vars',
      watchGlobally: true,
      rbac: true,
      serviceAccount: { create: true },
      monitoring: { serviceMonitor: false },
    },
  });

  /** The annotation a workload carries to be rolled when any ConfigMap or Secret it uses changes. */
  public get autoAnnotation(): { readonly [key: string]: string } {
    return { 'reloader.stakater.com/auto': 'true' };
  }

  protected chartValues(_u: UpstreamChart): PlainObject {
    const v = this.values;
    // The chart writes `name:tag`; a digest, when given, pins further as `name:tag@digest`.
    const tag = v.image.digest ? `${v.image.tag}@${v.image.digest}` : v.image.tag;
    return {
      reloader: {
        // Deliberate fix: upstream curated `reloader.replicaCount`, which the chart does not read;
        // it runs `deployment.replicas` pods, and more than one only with leader election (enableHA).
        enableHA: v.replicas > 1,
        deployment: {
          replicas: v.replicas,
          image: { name: v.image.repository, tag, pullPolicy: v.imagePullPolicy },
          resources: v.resources,
          env: { open: [] },
          // Deliberate fix: upstream put container-only fields (readOnlyRootFilesystem,
          // allowPrivilegeEscalation, capabilities) into `deployment.securityContext`, which the
          // chart writes to the *pod* securityContext, where the API server drops them. Pod and
          // container settings go where the chart reads them.
          securityContext: { runAsNonRoot: true, runAsUser: v.runAsUser },
          containerSecurityContext: { allowPrivilegeEscalation: false, capabilities: { drop: ['ALL'] } },
        },
        // The chart's switch: sets readOnlyRootFilesystem on the container and mounts /tmp.
        readOnlyRootFileSystem: v.readOnlyRootFilesystem,
        reloadStrategy: v.reloadStrategy,
        serviceMonitor: { enabled: v.monitoring.serviceMonitor },
        rbac: { enabled: v.rbac },
        serviceAccount: { create: v.serviceAccount.create },
        watchGlobally: v.watchGlobally,
        isOpenshift: false,
      },
    };
  }
}
