/**
 * A Secret of random keys with a required length and alphabet, generated inside the cluster by
 * a create-only Job (the same mechanism and RBAC as bp-keycloak's GeneratedSecret, which makes
 * 32 alphanumerics only). Some applications validate the shape of their keys: Harbor's
 * `secretKey` must be exactly 16 characters, Langfuse's `ENCRYPTION_KEY` 64 hex digits.
 *
 * The Job reads the Secret; if it exists it leaves it unchanged (never rotates), otherwise it
 * creates it. Nothing secret is written to Git or to the HelmRelease values.
 *
 * Lives in bp-harbor's folder because harbor is the first kit slot that needs it; bp-langfuse
 * imports it from here.
 */
import { KubeJob, KubeRole, KubeRoleBinding, KubeServiceAccount } from 'cdk8s-plus-28/lib/imports/k8s';
import { Construct } from 'constructs';
import { CatalystError } from '../../src/errors';
import { Image } from '../../src/schema';
import { SECRET_GENERATOR_IMAGE, SecretKeyRef } from '../keycloak';
import { generatorPodTemplate } from '../keycloak/generated-secret';

/** The characters a random key is drawn from. */
export type KeyAlphabet = 'alphanumeric' | 'hex';

export interface RandomKey {
  /** Exact number of characters. */
  readonly length: number;
  readonly alphabet: KeyAlphabet;
}

export interface RandomSecretProps {
  readonly namespace: string;
  readonly secretName: string;
  /** Key name → shape of its random value. */
  readonly keys: { readonly [key: string]: RandomKey };
  /** Labels of the generator's objects and of the Secret. */
  readonly labels: { readonly [key: string]: string };
  /** @default SECRET_GENERATOR_IMAGE (busybox tools and curl) */
  readonly image?: Image;
}

const NAME = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
const KEY = /^[-._a-zA-Z0-9]+$/;
const SAFE = /^[-._@a-zA-Z0-9/]*$/;
/** `tr -dc` character classes; bytes outside them are dropped from /dev/urandom. */
const TR_SET: Record<KeyAlphabet, string> = { alphanumeric: 'A-Za-z0-9', hex: '0-9a-f' };

/** ServiceAccount + Role + RoleBinding + Job that create one Secret of random keys, once. */
export class RandomSecret extends Construct {
  public readonly namespace: string;
  public readonly secretName: string;
  public readonly generatorName: string;
  public readonly keys: readonly string[];

  constructor(scope: Construct, id: string, props: RandomSecretProps) {
    super(scope, id);
    const where = `RandomSecret ${props.namespace}/${props.secretName}`;
    const keys = Object.keys(props.keys);
    if (!NAME.test(props.secretName) || props.secretName.length > 53) {
      throw CatalystError.at(where, 'secretName must be a DNS label of at most 53 characters (the Job adds "-generator")');
    }
    if (keys.length === 0) throw CatalystError.at(where, 'give at least one key');
    for (const k of keys) {
      if (!KEY.test(k)) throw CatalystError.at(where, `key ${JSON.stringify(k)} must match ${KEY}`);
      const { length, alphabet } = props.keys[k];
      if (!Number.isInteger(length) || length < 8 || length > 256) throw CatalystError.at(where, `key ${k}: length must be an integer from 8 to 256 (got ${length})`);
      if (!(alphabet in TR_SET)) throw CatalystError.at(where, `key ${k}: alphabet must be ${Object.keys(TR_SET).join(' or ')}`);
    }
    for (const [k, v] of Object.entries(props.labels)) {
      if (!SAFE.test(v)) throw CatalystError.at(where, `label ${k}=${JSON.stringify(v)} must match ${SAFE}`);
    }
    this.namespace = props.namespace;
    this.secretName = props.secretName;
    this.generatorName = `${props.secretName}-generator`;
    this.keys = keys;
    const labels = { ...props.labels };
    const meta = (name: string) => ({ name, namespace: props.namespace, labels });

    new KubeServiceAccount(this, 'sa', { metadata: meta(this.generatorName) });
    new KubeRole(this, 'role', {
      metadata: meta(this.generatorName),
      rules: [
        { apiGroups: [''], resources: ['secrets'], verbs: ['create'] },
        { apiGroups: [''], resources: ['secrets'], resourceNames: [props.secretName], verbs: ['get'] },
      ],
    });
    new KubeRoleBinding(this, 'binding', {
      metadata: meta(this.generatorName),
      roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'Role', name: this.generatorName },
      subjects: [{ kind: 'ServiceAccount', name: this.generatorName, namespace: props.namespace }],
    });
    const image = props.image ?? SECRET_GENERATOR_IMAGE;
    new KubeJob(this, 'job', {
      metadata: {
        ...meta(this.generatorName),
        annotations: {
          'kustomize.toolkit.fluxcd.io/force': 'enabled',
          'kustomize.toolkit.fluxcd.io/substitute': 'disabled',
        },
      },
      spec: {
        backoffLimit: 6,
        activeDeadlineSeconds: 600,
        template: generatorPodTemplate(this.generatorName, image, this.script(props, labels), labels),
      },
    });
  }

  /** Where a consumer in this Secret's namespace reads `key`. */
  public ref(key: string): SecretKeyRef {
    if (!this.keys.includes(key)) {
      throw CatalystError.at(`RandomSecret ${this.namespace}/${this.secretName}`, `has no key ${JSON.stringify(key)}; keys: ${this.keys.join(', ')}`);
    }
    return { secretName: this.secretName, key };
  }

  /**
   * The generator's script. Every interpolated value was validated above; it uses no `${…}`
   * (Flux would read that as a substitution variable).
   */
  private script(props: RandomSecretProps, labels: Record<string, string>): string {
    const ns = props.namespace;
    const name = props.secretName;
    const lines = [
      'set -eu',
      'export LC_ALL=C',
      'sa=/var/run/secrets/kubernetes.io/serviceaccount',
      'api=https://kubernetes.default.svc',
      'kube() { curl -sS --cacert "$sa/ca.crt" -H "Authorization: Bearer $(cat "$sa/token")" "$@"; }',
      'status() { kube -o /dev/null -w \'%{http_code}\' "$@"; }',
      // $1: tr character class, $2: length. Raw bytes outside the class are dropped.
      'rand() { v=$(head -c 8192 /dev/urandom | tr -dc "$1" | head -c "$2"); [ "$(printf %s "$v" | wc -c | tr -d \' \')" -eq "$2" ] || { echo "short random read" >&2; exit 1; }; printf %s "$v"; }',
      `target="$api/api/v1/namespaces/${ns}/secrets"`,
      `code=$(status "$target/${name}")`,
      `if [ "$code" = 200 ]; then echo "Secret ${ns}/${name} exists: left unchanged"; exit 0; fi`,
      `if [ "$code" != 404 ]; then echo "reading Secret ${ns}/${name} returned HTTP $code" >&2; exit 1; fi`,
    ];
    const data: string[] = [];
    this.keys.forEach((k, i) => {
      const { length, alphabet } = props.keys[k];
      lines.push(`k${i}=$(rand '${TR_SET[alphabet]}' ${length})`);
      data.push(`\\"${k}\\":\\"$k${i}\\"`);
    });
    const labelJson = Object.entries(labels).map(([k, v]) => `\\"${k}\\":\\"${v}\\"`).join(',');
    const meta = `\\"name\\":\\"${name}\\",\\"namespace\\":\\"${ns}\\",\\"labels\\":{${labelJson}},\\"annotations\\":{\\"catalyst.openova.io/generated-by\\":\\"Job/${this.generatorName}\\"}`;
    lines.push(
      `body="{\\"apiVersion\\":\\"v1\\",\\"kind\\":\\"Secret\\",\\"type\\":\\"Opaque\\",\\"metadata\\":{${meta}},\\"stringData\\":{${data.join(',')}}}"`,
      'code=$(printf \'%s\' "$body" | status -X POST -H \'Content-Type: application/json\' --data-binary @- "$target")',
      'case "$code" in',
      `  201) echo "created Secret ${ns}/${name}" ;;`,
      `  409) echo "Secret ${ns}/${name} was created concurrently: left unchanged" ;;`,
      `  *) echo "creating Secret ${ns}/${name} returned HTTP $code" >&2; exit 1 ;;`,
      'esac',
    );
    return lines.join('\n') + '\n';
  }
}
