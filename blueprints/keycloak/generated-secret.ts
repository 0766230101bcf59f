/**
 * A Secret whose values are generated inside the cluster, so no password or API key is ever
 * written to Git (no plaintext in the synthesized tree, no SealedSecret that needs the
 * cluster's key at synth time, no ExternalSecret that needs a store the kit does not have yet).
 *
 * Kubernetes has no built-in object that fills a Secret with random data, and the kit installs
 * no CRD that does (ESO's Password generator arrives with bp-external-secrets, slot 15, after
 * the Blueprints that need these Secrets). So a small Job does it, create-only:
 *
 *  - it reads the Secret; if it exists it leaves it unchanged (never rotates, like the upstream
 *    chart's `lookup`-based generator, fix 726af6d);
 *  - otherwise it POSTs a new Secret with 32 random alphanumerics per key.
 *
 * Mirror mode copies named keys from a Secret in another namespace instead (a Pod can only read
 * Secrets of its own namespace). It is a CronJob, not a Job: the source may be created later,
 * in another Flux Kustomization (bp-powerdns's overlays land in infrastructure/, which waits for
 * bootstrap-kit), and a Job waiting for it inside bootstrap-kit would hold bootstrap-kit
 * un-Ready forever. Each run exits successfully when there is nothing (yet) to do; the first
 * run after the source appears creates the copy, and a deleted copy is re-created.
 *
 * The Secret it creates is not in Flux's inventory: pruning the Blueprint does not delete it, and
 * a Helm uninstall/reinstall (Flux install remediation) keeps the password the database volume
 * was initialised with. Its RBAC is one Role: `create` Secrets in the namespace (the API cannot
 * restrict `create` by name) and `get` on the one Secret.
 *
 * Lives in bp-keycloak's folder because keycloak is the first kit slot that needs it; other
 * Blueprints import it (and `appLabels`, `SecretKeyRef`) from `../keycloak`. A shared home in
 * constructs/ would suit it better.
 */
import { ApiObjectMetadata } from 'cdk8s';
import { KubeCronJob, KubeJob, KubeRole, KubeRoleBinding, KubeServiceAccount, PodTemplateSpec, Quantity } from 'cdk8s-plus-28/lib/imports/k8s';
import { Construct } from 'constructs';
import { CatalystError } from '../../src/errors';
import { Image } from '../../src/schema';

/** Where a consumer reads one value: a key of a Secret in the consumer's namespace. */
export interface SecretKeyRef {
  readonly secretName: string;
  readonly key: string;
}

/**
 * The generator's image: Alpine busybox `sh`, `head`, `tr`, `base64`, `sed` and curl, running
 * as uid 100. Pinned; it talks to the API server with its ServiceAccount token, no kubectl.
 */
export const SECRET_GENERATOR_IMAGE: Image = { repository: 'docker.io/curlimages/curl', tag: '8.11.1' };

/** Length of every generated value: 32 characters of [A-Za-z0-9] (about 190 bits). */
export const GENERATED_LENGTH = 32;

/** `app.kubernetes.io/*` labels every overlay object carries. */
export function appLabels(name: string, instance: string, component: string, version?: string): Record<string, string> {
  return {
    'app.kubernetes.io/name': name,
    'app.kubernetes.io/instance': instance,
    'app.kubernetes.io/component': component,
    'app.kubernetes.io/part-of': 'catalyst',
    'app.kubernetes.io/managed-by': 'catalyst-cdk',
    ...(version ? { 'app.kubernetes.io/version': version } : {}),
  };
}

/** Copy keys of a Secret in another namespace instead of generating them. */
export interface MirrorSource {
  readonly namespace: string;
  readonly secretName: string;
  /** Keys to copy; each must exist in the source Secret. */
  readonly keys: readonly string[];
  /** How often the CronJob looks. @default every 5 minutes */
  readonly schedule?: string;
}

export interface GeneratedSecretProps {
  /** Namespace of the Secret (and of the Job that creates it). */
  readonly namespace: string;
  /** Name of the Secret. */
  readonly secretName: string;
  /** Keys that get a fresh random value. */
  readonly randomKeys?: readonly string[];
  /** Non-secret constant keys written next to them (e.g. a username a chart reads from the same Secret). */
  readonly constants?: { readonly [key: string]: string };
  /** Copy keys from another namespace instead of generating (exclusive with randomKeys). */
  readonly mirrorOf?: MirrorSource;
  /** Labels for the generator's objects and the generated Secret (`app.kubernetes.io/*`). */
  readonly labels: { readonly [key: string]: string };
  /** @default SECRET_GENERATOR_IMAGE */
  readonly image?: Image;
}

const KEY = /^[-._a-zA-Z0-9]+$/;
/** Constants and labels end up inside a shell string and JSON: keep them to a safe alphabet. */
const SAFE = /^[-._@a-zA-Z0-9/]*$/;
const NAME = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;

/** Escapes text for a POSIX double-quoted string. */
function dq(s: string): string {
  return s.replace(/[\\"$`]/g, (c) => `\\${c}`);
}

/**
 * A marker that cannot occur in validated (ASCII) input and that JSON.stringify keeps as is;
 * replaced by a shell expansion.
 */
const HOLE = '\uE000';

/**
 * ServiceAccount + Role + RoleBinding + Job (CronJob when mirroring) that create one Secret
 * in-cluster, once.
 * `ref(key)` is what a consumer puts in its values.
 */
export class GeneratedSecret extends Construct {
  public readonly namespace: string;
  public readonly secretName: string;
  /** Name of the generator's ServiceAccount, Role, RoleBinding and Job. */
  public readonly generatorName: string;
  public readonly keys: readonly string[];

  constructor(scope: Construct, id: string, props: GeneratedSecretProps) {
    super(scope, id);
    const where = `GeneratedSecret ${props.namespace}/${props.secretName}`;
    const random = props.randomKeys ?? [];
    const constants = props.constants ?? {};
    const mirrored = props.mirrorOf?.keys ?? [];
    const keys = [...random, ...Object.keys(constants), ...mirrored];
    if (!NAME.test(props.secretName) || props.secretName.length > 53) {
      throw CatalystError.at(where, 'secretName must be a DNS label of at most 53 characters (the Job adds "-generator")');
    }
    if (props.mirrorOf && (random.length || Object.keys(constants).length)) {
      throw CatalystError.at(where, 'a mirrored Secret copies its keys; do not also give randomKeys or constants');
    }
    if (keys.length === 0) throw CatalystError.at(where, 'give at least one key');
    if (new Set(keys).size !== keys.length) throw CatalystError.at(where, `duplicate key in ${keys.join(', ')}`);
    for (const k of keys) if (!KEY.test(k)) throw CatalystError.at(where, `key ${JSON.stringify(k)} must match ${KEY}`);
    for (const [k, v] of [...Object.entries(constants), ...Object.entries(props.labels)]) {
      if (!SAFE.test(v)) throw CatalystError.at(where, `${k}=${JSON.stringify(v)} must match ${SAFE}`);
    }
    if (props.mirrorOf && (!NAME.test(props.mirrorOf.namespace) || !NAME.test(props.mirrorOf.secretName))) {
      throw CatalystError.at(where, 'mirrorOf namespace and secretName must be DNS labels');
    }

    this.namespace = props.namespace;
    this.secretName = props.secretName;
    this.generatorName = `${props.secretName}-generator`;
    this.keys = keys;
    const labels = { ...props.labels };
    const meta = (name: string, namespace = props.namespace): ApiObjectMetadata => ({ name, namespace, labels });

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
    if (props.mirrorOf) {
      // Read access to the one source Secret, granted in the source namespace to this generator.
      const reader = `${props.mirrorOf.secretName}-reader-${props.namespace}`.slice(0, 63).replace(/-+$/, '');
      new KubeRole(this, 'source-role', {
        metadata: meta(reader, props.mirrorOf.namespace),
        rules: [{ apiGroups: [''], resources: ['secrets'], resourceNames: [props.mirrorOf.secretName], verbs: ['get'] }],
      });
      new KubeRoleBinding(this, 'source-binding', {
        metadata: meta(reader, props.mirrorOf.namespace),
        roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'Role', name: reader },
        subjects: [{ kind: 'ServiceAccount', name: this.generatorName, namespace: props.namespace }],
      });
    }

    const template = generatorPodTemplate(this.generatorName, props.image ?? SECRET_GENERATOR_IMAGE, this.script(props, labels), labels);
    // The script's shell variables are not Flux substitution variables.
    const noSubstitution = { 'kustomize.toolkit.fluxcd.io/substitute': 'disabled' };
    if (props.mirrorOf) {
      new KubeCronJob(this, 'cronjob', {
        metadata: { ...meta(this.generatorName), annotations: noSubstitution },
        spec: {
          schedule: props.mirrorOf.schedule ?? '*/5 * * * *',
          concurrencyPolicy: 'Forbid',
          startingDeadlineSeconds: 300,
          successfulJobsHistoryLimit: 1,
          failedJobsHistoryLimit: 1,
          jobTemplate: { spec: { backoffLimit: 2, activeDeadlineSeconds: 240, template } },
        },
      });
    } else {
      new KubeJob(this, 'job', {
        metadata: {
          ...meta(this.generatorName),
          // The pod template is immutable: let Flux replace the Job when it changes.
          annotations: { 'kustomize.toolkit.fluxcd.io/force': 'enabled', ...noSubstitution },
        },
        spec: { backoffLimit: 6, activeDeadlineSeconds: 600, template },
      });
    }
  }

  /** Where a consumer in this Secret's namespace reads `key`. */
  public ref(key: string): SecretKeyRef {
    if (!this.keys.includes(key)) {
      throw CatalystError.at(`GeneratedSecret ${this.namespace}/${this.secretName}`, `has no key ${JSON.stringify(key)}; keys: ${this.keys.join(', ')}`);
    }
    return { secretName: this.secretName, key };
  }

  /** The generator's shell script. Every interpolated value was validated above. */
  private script(props: GeneratedSecretProps, labels: Record<string, string>): string {
    const ns = props.namespace;
    const name = props.secretName;
    const metadata = {
      name,
      namespace: ns,
      labels,
      annotations: { 'catalyst.openova.io/generated-by': `Job/${this.generatorName}` },
    };
    const lines = [
      'set -eu',
      'sa=/var/run/secrets/kubernetes.io/serviceaccount',
      'api=https://kubernetes.default.svc',
      'kube() { curl -sS --cacert "$sa/ca.crt" -H "Authorization: Bearer $(cat "$sa/token")" "$@"; }',
      'status() { kube -o /dev/null -w \'%{http_code}\' "$@"; }',
      `target="$api/api/v1/namespaces/${ns}/secrets"`,
      `code=$(status "$target/${name}")`,
      `if [ "$code" = 200 ]; then echo "Secret ${ns}/${name} exists: left unchanged"; exit 0; fi`,
      `if [ "$code" != 404 ]; then echo "reading Secret ${ns}/${name} returned HTTP $code" >&2; exit 1; fi`,
    ];
    let payload: Record<string, unknown>;
    if (props.mirrorOf) {
      const src = props.mirrorOf;
      lines.push(
        `source="$api/api/v1/namespaces/${src.namespace}/secrets/${src.secretName}"`,
        'code=$(status "$source")',
        `if [ "$code" = 404 ]; then echo "Secret ${src.namespace}/${src.secretName} does not exist yet: next run"; exit 0; fi`,
        `if [ "$code" != 200 ]; then echo "reading Secret ${src.namespace}/${src.secretName} returned HTTP $code" >&2; exit 1; fi`,
        'json=$(kube "$source" | tr -d \' \\n\\r\\t\')',
      );
      const data: Record<string, string> = {};
      src.keys.forEach((k, i) => {
        const pattern = k.replace(/\./g, '\\.');
        lines.push(
          `v${i}=$(printf '%s' "$json" | sed -n 's/.*"data":{[^}]*"${pattern}":"\\([^"]*\\)".*/\\1/p')`,
          `if [ -z "$v${i}" ]; then echo "Secret ${src.namespace}/${src.secretName} has no key ${k}" >&2; exit 1; fi`,
        );
        data[k] = `${HOLE}v${i}${HOLE}`;
      });
      payload = { apiVersion: 'v1', kind: 'Secret', metadata, type: 'Opaque', data };
    } else {
      lines.push(`rand() { head -c 96 /dev/urandom | base64 | tr -dc 'A-Za-z0-9' | head -c ${GENERATED_LENGTH}; }`);
      const stringData: Record<string, string> = {};
      for (const k of props.randomKeys ?? []) stringData[k] = `${HOLE}rand${HOLE}`;
      for (const [k, v] of Object.entries(props.constants ?? {})) stringData[k] = v;
      payload = { apiVersion: 'v1', kind: 'Secret', metadata, type: 'Opaque', stringData };
    }
    // JSON text with holes: each hole becomes $(rand) or $vN inside one double-quoted string.
    const parts = JSON.stringify(payload).split(HOLE);
    let body = '';
    parts.forEach((p, i) => {
      if (i % 2 === 0) body += dq(p);
      else body += p === 'rand' ? '$(rand)' : `$${p}`;
    });
    lines.push(
      `body="${body}"`,
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

/**
 * The pod of an in-cluster secret generator: one non-root, read-only container running `script`
 * with the generator's ServiceAccount. Shared by GeneratedSecret and bp-harbor's RandomSecret.
 */
export function generatorPodTemplate(serviceAccountName: string, image: Image, script: string, labels: { readonly [key: string]: string }): PodTemplateSpec {
  return {
    metadata: { labels: { ...labels } },
    spec: {
      serviceAccountName,
      restartPolicy: 'OnFailure',
      securityContext: { runAsNonRoot: true, runAsUser: 100, runAsGroup: 101, seccompProfile: { type: 'RuntimeDefault' } },
      containers: [{
        name: 'generate',
        image: `${image.repository}:${image.tag}${image.digest ? `@${image.digest}` : ''}`,
        imagePullPolicy: 'IfNotPresent',
        command: ['/bin/sh', '-c', script],
        resources: {
          requests: { cpu: Quantity.fromString('10m'), memory: Quantity.fromString('16Mi') },
          limits: { memory: Quantity.fromString('64Mi') },
        },
        securityContext: {
          allowPrivilegeEscalation: false,
          readOnlyRootFilesystem: true,
          runAsNonRoot: true,
          capabilities: { drop: ['ALL'] },
        },
      }],
    },
  };
}
