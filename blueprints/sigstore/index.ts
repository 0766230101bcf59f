/**
 * bp-sigstore (kit slot 32): the Sigstore policy-controller, an admission webhook that
 * verifies Cosign signatures and attestations of container images against ClusterImagePolicy
 * objects before pods are admitted. It acts only in namespaces that opt in with the
 * `policy.sigstore.dev/include: "true"` label (see `optInLabel`).
 */
import { Static, Type } from '@sinclair/typebox';
import { Blueprint, blueprintSpec, helmChart, UpstreamChart } from '../../src/blueprint';
import { Resources } from '../../src/schema';
import { PlainObject, strictObject } from '../../src/values';
import { CertManager } from '../cert-manager';

export const POLICY_CONTROLLER_CHART = helmChart('policy-controller', '0.10.6', 'https://sigstore.github.io/helm-charts');

export const SigstoreValues = strictObject({
  /** Install the policy.sigstore.dev CRDs (ClusterImagePolicy, TrustRoot) with the chart. */
  installCRDs: Type.Boolean(),
  logLevel: Type.Union([Type.Literal('debug'), Type.Literal('info'), Type.Literal('warn'), Type.Literal('error')]),
  /** Webhook replicas. */
  replicas: Type.Integer({ minimum: 1, maximum: 5 }),
  /** The webhook image, pinned by digest (the chart's `image.version`). */
  image: strictObject({
    repository: Type.String({ pattern: '^[a-z0-9]+([._/:-][a-z0-9]+)*$' }),
    digest: Type.String({ pattern: '^sha256:[a-f0-9]{64}$' }),
  }),
  imagePullPolicy: Type.Union([Type.Literal('IfNotPresent'), Type.Literal('Always'), Type.Literal('Never')]),
  /**
   * What the API server does when the webhook is unreachable: `Ignore` admits the pod (the
   * cluster keeps working while the webhook is down), `Fail` rejects it.
   */
  failurePolicy: Type.Union([Type.Literal('Ignore'), Type.Literal('Fail')]),
  resources: Resources,
  serviceAccount: strictObject({ create: Type.Boolean() }),
  /** Observability toggle: off by default, the monitoring CRDs may not exist (upstream #182). */
  monitoring: strictObject({ serviceMonitor: Type.Boolean() }),
});
export type SigstoreValues = Static<typeof SigstoreValues>;

export class Sigstore extends Blueprint<typeof SigstoreValues> {
  public static readonly spec = blueprintSpec({
    name: 'sigstore',
    version: '1.0.0',
    slot: 32,
    section: 'pts-3-3-security-and-policy',
    card: {
      title: 'Sigstore Policy Controller',
      summary: 'Admission controller for signed-image enforcement: verifies Cosign signatures and attestations of container images before admission.',
      category: 'security',
      tags: ['guardian', 'supply-chain'],
      documentation: 'https://docs.sigstore.dev/policy-controller/overview/',
      license: 'Apache-2.0',
    },
    visibility: 'unlisted',
    upstream: [POLICY_CONTROLLER_CHART],
    namespace: 'sigstore-system',
    releaseName: 'sigstore',
    depends: [CertManager],
    values: SigstoreValues,
    defaults: {
      installCRDs: true,
      logLevel: 'info',
      replicas: 1,
      image: {
        repository: 'ghcr.io/sigstore/policy-controller/policy-controller',
        digest: 'sha256:0bcd60beb93f4427c29cf3a669743caf58490e98ded4380c33c09f092734a6ab',
      },
      imagePullPolicy: 'IfNotPresent',
      failurePolicy: 'Ignore',
      resources: { requests: { cpu: '100m', memory: '128Mi' }, limits: { cpu: '500m', memory: '256Mi' } },
      serviceAccount: { create: true },
      monitoring: { serviceMonitor: false },
    },
    providesApis: ['policy.sigstore.dev/v1beta1', 'policy.sigstore.dev/v1alpha1'],
    network: {
      // The API server calls the admission webhook (container port 8443).
      ingressFromCluster: [{ port: 8443 }],
      // Signatures and attestations from registries; the Sigstore TUF root, Rekor and Fulcio.
      egressToWorld: [{ port: 443 }],
    },
    podSecurity: {
      level: 'baseline',
      reason: 'the policy-controller chart sets neither runAsNonRoot nor a seccomp profile on the webhook, and none on its leases-cleanup Job; baseline still forbids privileged pods and host access',
    },
  });

  /** The label a Namespace carries to have its pods' images verified. */
  public get optInLabel(): { readonly [key: string]: string } {
    return { 'policy.sigstore.dev/include': 'true' };
  }

  protected chartValues(_u: UpstreamChart): PlainObject {
    const v = this.values;
    return {
      installCRDs: v.installCRDs,
      loglevel: v.logLevel,
      webhook: {
        name: 'webhook',
        replicaCount: v.replicas,
        // The chart's image helper writes `repository@version` for a sha256 version: pinned by digest.
        image: { repository: v.image.repository, version: v.image.digest, pullPolicy: v.imagePullPolicy },
        failurePolicy: v.failurePolicy,
        resources: v.resources,
        serviceAccount: { create: v.serviceAccount.create },
        env: {},
        envFrom: {},
      },
      serviceMonitor: { enabled: v.monitoring.serviceMonitor },
    };
  }
}
