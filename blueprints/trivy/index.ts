/**
 * bp-trivy (kit slot 30): the Trivy Operator. Scans workloads continuously for image
 * vulnerabilities, misconfigurations, exposed secrets and RBAC risks, and writes the results
 * as aquasecurity.github.io reports next to the workloads. Pairs with bp-falco (runtime) and
 * bp-kyverno (admission).
 */
import { Static, Type } from '@sinclair/typebox';
import { Blueprint, blueprintSpec, helmChart, UpstreamChart } from '../../src/blueprint';
import { DnsLabel, ImageTag, Quantity, Resources } from '../../src/schema';
import { PlainObject, strictObject } from '../../src/values';
import { CertManager } from '../cert-manager';

export const TRIVY_OPERATOR_CHART = helmChart('trivy-operator', '0.32.1', 'https://aquasecurity.github.io/helm-charts');

/** An image as the trivy-operator chart takes it: registry, repository inside it, pinned tag. */
const RegistryImage = strictObject({
  registry: Type.String({ pattern: '^[a-z0-9]([-a-z0-9.]*[a-z0-9])?(:[0-9]+)?$', description: 'registry host, e.g. mirror.gcr.io' }),
  repository: Type.String({ pattern: '^[a-z0-9]+([._/-][a-z0-9]+)*$' }),
  tag: ImageTag,
});

/** A Go duration as the operator reads it, e.g. `30s` or `5m`. */
const GoDuration = Type.String({ pattern: '^([0-9]+(\\.[0-9]+)?(h|m|s|ms))+$', description: 'Go duration, e.g. 30s' });

export const TrivyValues = strictObject({
  replicas: Type.Integer({ minimum: 1, maximum: 3 }),
  /** The operator's own image. */
  operatorImage: RegistryImage,
  /** The Trivy scanner image the scan Jobs run. */
  scannerImage: RegistryImage,
  imagePullPolicy: Type.Union([Type.Literal('IfNotPresent'), Type.Literal('Always'), Type.Literal('Never')]),
  /** Resources of the operator. */
  resources: Resources,
  /** The scan Jobs. */
  scanner: strictObject({
    resources: Resources,
    /** Give the scan Jobs a PVC (of the default StorageClass) for the vulnerability DB and layers. */
    storageClassEnabled: Type.Boolean(),
    storageSize: Quantity,
  }),
  /** Namespaces to scan; empty scans every namespace. */
  targetNamespaces: Type.Array(DnsLabel),
  /** Namespaces never scanned. */
  excludeNamespaces: Type.Array(DnsLabel),
  scanJobs: strictObject({
    /** Scan Jobs running at once. */
    concurrentLimit: Type.Integer({ minimum: 1, maximum: 100 }),
    /** Wait before retrying a scan that hit the limit. */
    retryDelay: GoDuration,
  }),
  /** Which scanners run. */
  scanners: strictObject({
    vulnerability: Type.Boolean(),
    configAudit: Type.Boolean(),
    rbacAssessment: Type.Boolean(),
    exposedSecret: Type.Boolean(),
    infraAssessment: Type.Boolean(),
    clusterCompliance: Type.Boolean(),
  }),
  /** Run a shared Trivy server in the operator's namespace instead of a DB per scan Job. */
  builtInTrivyServer: Type.Boolean(),
  rbac: Type.Boolean(),
  serviceAccount: strictObject({ create: Type.Boolean() }),
  /** Observability toggles: off by default, the monitoring CRDs may not exist (upstream #182). */
  monitoring: strictObject({
    /** A ServiceMonitor for the operator (needs monitoring.coreos.com/v1). */
    serviceMonitor: Type.Boolean(),
    /** Per-vulnerability-ID metric series (high cardinality). */
    vulnIdMetrics: Type.Boolean(),
  }),
});
export type TrivyValues = Static<typeof TrivyValues>;

export class Trivy extends Blueprint<typeof TrivyValues> {
  public static readonly spec = blueprintSpec({
    name: 'trivy',
    version: '1.0.0',
    slot: 30,
    section: 'pts-3-3-security-and-policy',
    card: {
      title: 'Trivy',
      summary: 'Vulnerability and misconfiguration scanner operator: scans workloads, images, IaC and RBAC, and reports next to each workload. Pairs with bp-falco (runtime) and bp-kyverno (admission).',
      category: 'security',
      tags: ['guardian', 'vulnerability-scanning'],
      documentation: 'https://aquasecurity.github.io/trivy-operator/',
      license: 'Apache-2.0',
    },
    visibility: 'unlisted',
    upstream: [TRIVY_OPERATOR_CHART],
    namespace: 'trivy-system',
    releaseName: 'trivy',
    depends: [CertManager],
    values: TrivyValues,
    defaults: {
      replicas: 1,
      operatorImage: { registry: 'mirror.gcr.io', repository: 'aquasec/trivy-operator', tag: '0.30.1' },
      scannerImage: { registry: 'mirror.gcr.io', repository: 'aquasec/trivy', tag: '0.70.0' },
      imagePullPolicy: 'IfNotPresent',
      resources: { requests: { cpu: '100m', memory: '128Mi' }, limits: { cpu: '500m', memory: '256Mi' } },
      scanner: {
        resources: { requests: { cpu: '100m', memory: '256Mi' }, limits: { cpu: '1', memory: '512Mi' } },
        storageClassEnabled: true,
        storageSize: '5Gi',
      },
      targetNamespaces: [],
      excludeNamespaces: ['kube-system', 'kube-public', 'kube-node-lease'],
      scanJobs: { concurrentLimit: 10, retryDelay: '30s' },
      scanners: { vulnerability: true, configAudit: true, rbacAssessment: true, exposedSecret: true, infraAssessment: true, clusterCompliance: true },
      builtInTrivyServer: false,
      rbac: true,
      serviceAccount: { create: true },
      monitoring: { serviceMonitor: false, vulnIdMetrics: false },
    },
    providesApis: ['aquasecurity.github.io/v1alpha1'],
    // Scan Jobs download the vulnerability DB and read image manifests from registries.
    network: { egressToWorld: [{ port: 443 }] },
    podSecurity: {
      level: 'privileged',
      reason: 'the node-collector Jobs of the infra-assessment and compliance scanners mount host paths (/etc/kubernetes, /var/lib/kubelet) and use the host PID namespace',
    },
  });

  protected chartValues(_u: UpstreamChart): PlainObject {
    const v = this.values;
    const image = (i: TrivyValues['operatorImage']): PlainObject => ({ registry: i.registry, repository: i.repository, tag: i.tag, pullPolicy: v.imagePullPolicy });
    const s = v.scanners;
    return {
      replicas: v.replicas,
      image: image(v.operatorImage),
      trivy: {
        image: image(v.scannerImage),
        resources: v.scanner.resources,
        storageClassEnabled: v.scanner.storageClassEnabled,
        storageSize: v.scanner.storageSize,
      },
      operator: {
        // Empty: the operator runs in the release namespace.
        namespace: '',
        // The chart takes comma-separated lists.
        targetNamespaces: v.targetNamespaces.join(','),
        excludeNamespaces: v.excludeNamespaces.join(','),
        scanJobsConcurrentLimit: v.scanJobs.concurrentLimit,
        scanJobsRetryDelay: v.scanJobs.retryDelay,
        vulnerabilityScannerEnabled: s.vulnerability,
        configAuditScannerEnabled: s.configAudit,
        rbacAssessmentScannerEnabled: s.rbacAssessment,
        exposedSecretScannerEnabled: s.exposedSecret,
        infraAssessmentScannerEnabled: s.infraAssessment,
        clusterComplianceEnabled: s.clusterCompliance,
        metricsVulnIdEnabled: v.monitoring.vulnIdMetrics,
        builtInTrivyServer: v.builtInTrivyServer,
      },
      resources: v.resources,
      serviceMonitor: { enabled: v.monitoring.serviceMonitor },
      rbac: { create: v.rbac },
      serviceAccount: { create: v.serviceAccount.create },
    };
  }
}
