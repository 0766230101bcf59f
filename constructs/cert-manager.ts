/**
 * L1: cert-manager API objects (cert-manager.io/v1), fields as in cert-manager v1.16's CRDs.
 */
import { ApiObject, ApiObjectMetadata } from 'cdk8s';
import { Construct } from 'constructs';

export interface SecretKeySelector {
  readonly name: string;
  readonly key?: string;
}

export interface AcmeChallengeSolverHttp01 {
  readonly ingress?: { readonly ingressClassName?: string; readonly class?: string };
  readonly gatewayHTTPRoute?: { readonly parentRefs?: readonly { readonly name: string; readonly namespace?: string; readonly kind?: string }[] };
}

export interface AcmeChallengeSolverDns01 {
  readonly webhook?: {
    readonly groupName: string;
    readonly solverName: string;
    readonly config?: { readonly [key: string]: unknown };
  };
}

export interface AcmeChallengeSolver {
  readonly selector?: { readonly dnsZones?: readonly string[]; readonly dnsNames?: readonly string[] };
  readonly http01?: AcmeChallengeSolverHttp01;
  readonly dns01?: AcmeChallengeSolverDns01;
}

export interface AcmeIssuer {
  readonly server: string;
  readonly email?: string;
  readonly privateKeySecretRef: SecretKeySelector;
  readonly solvers?: readonly AcmeChallengeSolver[];
}

export interface IssuerSpec {
  readonly acme?: AcmeIssuer;
  readonly selfSigned?: { readonly crlDistributionPoints?: readonly string[] };
  readonly ca?: { readonly secretName: string };
}

export interface ClusterIssuerProps {
  readonly metadata: ApiObjectMetadata;
  readonly spec: IssuerSpec;
}

/** `cert-manager.io/v1` ClusterIssuer. */
export class ClusterIssuer extends ApiObject {
  public static readonly GVK = { apiVersion: 'cert-manager.io/v1', kind: 'ClusterIssuer' } as const;

  constructor(scope: Construct, id: string, props: ClusterIssuerProps) {
    super(scope, id, { ...ClusterIssuer.GVK, ...props });
  }
}

export interface IssuerProps {
  readonly metadata: ApiObjectMetadata;
  readonly spec: IssuerSpec;
}

/**
 * `cert-manager.io/v1` Issuer: signs Certificates in its own namespace only. Used for private
 * chains (a webhook's serving certificate) that no other namespace should be able to request.
 */
export class Issuer extends ApiObject {
  public static readonly GVK = { apiVersion: 'cert-manager.io/v1', kind: 'Issuer' } as const;

  constructor(scope: Construct, id: string, props: IssuerProps) {
    super(scope, id, { ...Issuer.GVK, ...props });
  }
}

export interface CertificateSpec {
  readonly secretName: string;
  readonly issuerRef: { readonly name: string; readonly kind?: 'Issuer' | 'ClusterIssuer'; readonly group?: string };
  readonly dnsNames?: readonly string[];
  readonly commonName?: string;
  readonly duration?: string;
  readonly renewBefore?: string;
  readonly isCA?: boolean;
  readonly privateKey?: { readonly algorithm?: 'RSA' | 'ECDSA' | 'Ed25519'; readonly size?: number; readonly rotationPolicy?: 'Never' | 'Always' };
}

/** `cert-manager.io/v1` Certificate. */
export class Certificate extends ApiObject {
  public static readonly GVK = { apiVersion: 'cert-manager.io/v1', kind: 'Certificate' } as const;

  /** The Secret cert-manager writes the key pair (and `ca.crt`) into. */
  public readonly secretName: string;

  constructor(scope: Construct, id: string, props: { readonly metadata: ApiObjectMetadata; readonly spec: CertificateSpec }) {
    super(scope, id, { ...Certificate.GVK, ...props });
    this.secretName = props.spec.secretName;
  }
}

/**
 * Value of the cainjector annotation `cert-manager.io/inject-ca-from`: cert-manager copies the
 * CA of that Certificate's Secret into the annotated object's `caBundle` (APIService, webhooks, CRDs).
 */
export const INJECT_CA_FROM_ANNOTATION = 'cert-manager.io/inject-ca-from';

/** `<namespace>/<name>` of a Certificate, as `cert-manager.io/inject-ca-from` expects it. */
export function injectCaFrom(namespace: string, certificate: Certificate): string {
  return `${namespace}/${certificate.name}`;
}

/**
 * The Ingress annotation that makes cert-manager's ingress-shim request the TLS certificate from
 * an issuer: `cert-manager.io/cluster-issuer` for a ClusterIssuer, `cert-manager.io/issuer` for an
 * Issuer in the Ingress's namespace.
 */
export function ingressIssuerAnnotation(issuer: IssuerRef): { readonly [key: string]: string } {
  return { [issuer.kind === 'ClusterIssuer' ? 'cert-manager.io/cluster-issuer' : 'cert-manager.io/issuer']: issuer.name };
}

/** A reference to an issuer that Certificates and Ingress annotations use. */
export interface IssuerRef {
  readonly name: string;
  readonly kind: 'Issuer' | 'ClusterIssuer';
  readonly group: 'cert-manager.io';
}
