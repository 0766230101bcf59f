/**
 * bp-sealed-secrets (kit slot 05): the Sealed Secrets controller. It carries the few secrets
 * needed while bootstrapping, until OpenBao and External Secrets take over. It runs in
 * kube-system, so its kit file declares no Namespace (upstream 2022e1a: a second kube-system
 * Namespace object collided in Kustomize).
 */
import { Static, Type } from '@sinclair/typebox';
import { Blueprint, blueprintSpec, helmChart, UpstreamChart } from '../../src/blueprint';
import { DnsLabel, Resources } from '../../src/schema';
import { PlainObject, strictObject } from '../../src/values';
import { CertManager } from '../cert-manager';

export const SealedSecretsValues = strictObject({
  /**
   * Name of the controller's Deployment and Service. `kubeseal` looks for
   * `sealed-secrets-controller` by default, so keeping it saves every user a flag.
   */
  controllerName: DnsLabel,
  resources: Resources,
  /** Observability toggles: off by default, the monitoring CRDs may not exist (upstream #182). */
  monitoring: strictObject({
    /** Create the chart's ServiceMonitor (needs monitoring.coreos.com/v1). */
    serviceMonitor: Type.Boolean(),
  }),
});
export type SealedSecretsValues = Static<typeof SealedSecretsValues>;

/** Where `kubeseal` finds the controller. */
export interface SealedSecretsController {
  readonly name: string;
  readonly namespace: string;
}

export class SealedSecrets extends Blueprint<typeof SealedSecretsValues> {
  public static readonly spec = blueprintSpec({
    name: 'sealed-secrets',
    version: '1.1.1',
    slot: 5,
    section: 'pts-3-3-security-and-policy',
    card: {
      title: 'Sealed Secrets',
      summary: 'Encrypts bootstrap-only secrets for Git during Phase 0; retired once OpenBao and External Secrets replace it.',
      documentation: 'https://github.com/bitnami-labs/sealed-secrets',
      license: 'Apache-2.0',
    },
    visibility: 'unlisted',
    upstream: [helmChart('sealed-secrets', '2.16.1', 'https://bitnami-labs.github.io/sealed-secrets')],
    namespace: 'kube-system',
    releaseName: 'sealed-secrets',
    depends: [CertManager],
    values: SealedSecretsValues,
    defaults: {
      controllerName: 'sealed-secrets-controller',
      resources: { requests: { cpu: '50m', memory: '64Mi' }, limits: { memory: '128Mi' } },
      monitoring: { serviceMonitor: false },
    },
    providesApis: ['bitnami.com/v1alpha1'],
  });

  /** The controller `kubeseal --controller-name/--controller-namespace` must point at. */
  public get controller(): SealedSecretsController {
    return { name: this.values.controllerName, namespace: this.namespace };
  }

  protected chartValues(_u: UpstreamChart): PlainObject {
    const v = this.values;
    return {
      fullnameOverride: v.controllerName,
      resources: v.resources,
      metrics: { serviceMonitor: { enabled: v.monitoring.serviceMonitor } },
    };
  }

  public outputs(): { readonly [name: string]: string } {
    return { controllerName: this.controller.name, controllerNamespace: this.controller.namespace };
  }
}
