/**
 * The six Compositions of UPSTREAM §5.3, with the upstream defects fixed (see the notes on each).
 * Every patch path is resolved against its XR and composed kind when the Composition is built.
 *
 * Modes: Region and Cluster are classic patch-and-transform (every resource always exists).
 * NodePool, LoadBalancer, Peering and NodeAction are pipelines through function-patch-and-
 * transform: there a template whose Required patch fails is left out of the desired state, so
 * Crossplane deletes (or never creates) it. That is what makes "exactly `replicas` servers",
 * "one service per listener" and "the route back only if bidirectional" true.
 */
import { Construct } from 'constructs';
import { ClusterClaimType, CLAIM_LABELS, LOAD_BALANCER_MAX_LISTENERS, LOAD_BALANCER_MAX_TARGETS, LoadBalancerClaimType, NODE_POOL_MAX_FIREWALLS, NODE_POOL_MAX_REPLICAS, NodeActionClaimType, NodePoolClaimType, PeeringClaimType, RegionClaimType } from './xrds';
import {
  ClaimComposition,
  combineFromXR,
  ComposedResource,
  convert,
  format,
  fromXR,
  hcloud,
  integerRangePattern,
  KubernetesObject,
  map,
  Patch,
  replace,
  regexp,
  toXR,
  Transform,
} from '../../constructs/crossplane';
import { HCLOUD_PROVIDER_CONFIG, KUBERNETES_PROVIDER_CONFIG } from '../../src/handoff';
import { HETZNER_DEFAULT_IMAGE, HETZNER_FIREWALL_INBOUND, HETZNER_LB_SERVICES, HETZNER_NAME_STEM_RULE, HETZNER_NAME_SUFFIX, HETZNER_NETWORK_ZONE } from '../../src/hetzner';

/** Namespace of connection secrets and of the objects provider-kubernetes creates. */
export const CROSSPLANE_NAMESPACE = 'crossplane-system';
/** ServiceAccount the node-action Job runs as (RBAC in the Blueprint's overlays). */
export const NODE_ACTION_SERVICE_ACCOUNT = 'catalyst-node-action';

const P = 'spec.parameters';
const EXTERNAL_NAME = 'metadata.annotations[crossplane.io/external-name]';
const SOVEREIGN_LABEL = 'catalyst.openova.io/sovereign';

/** What the Compositions need from the Blueprint. */
export interface CompositionOptions {
  /** The node-action Job's kubectl image, pinned. */
  readonly kubectlImage: string;
  readonly nodeActionTtlSeconds: number;
  readonly nodeActionBackoffLimit: number;
}

/** Transforms that turn the Sovereign FQDN into `catalyst-<fqdn with dashes>-<suffix>`, as Phase 0 names it. */
function stemmed(suffix: string): Transform[] {
  const r = HETZNER_NAME_STEM_RULE;
  return [replace(r.search, r.replace), format(`${r.prefix}%s-${suffix}`)];
}

/** metadata.name (and the Hetzner name, for kinds that have one) from the stem. */
function stemName(suffix: string, hetznerName: boolean): Patch[] {
  const transforms = stemmed(suffix);
  return [
    fromXR(`${P}.sovereignFQDN`, 'metadata.name', { transforms }),
    ...(hetznerName ? [fromXR(`${P}.sovereignFQDN`, 'spec.forProvider.name', { transforms })] : []),
  ];
}

const sovereignLabel = (): Patch => fromXR(`${P}.sovereignFQDN`, `spec.forProvider.labels[${SOVEREIGN_LABEL}]`);
const toNumber = (): Transform => convert('int64');
const controllerRef = { matchControllerRef: true } as const;

/**
 * hetzner-region: network, subnet, firewall, first control plane and load balancer, as Phase 0
 * creates them (workers are NodePoolClaims). Fixed: the server gets its cloud-init and network
 * id (from the network this XR created) and joins the firewall; names use Phase 0's dash-form
 * stem; provisioningStartedAt is written (provisioningFinishedAt, which nothing could write, is
 * gone); the Kubernetes API is served on the load balancer as the handed-back kubeconfig expects.
 * With `adopt`, every resource takes over the Phase-0 one through `crossplane.io/external-name`
 * (Terraform import ids of provider-hcloud's resources).
 */
export function regionComposition(scope: Construct, hcloudConfig = HCLOUD_PROVIDER_CONFIG): ClaimComposition {
  const pc = { providerConfigName: hcloudConfig };
  const adopt = (field: string, fmt?: string): Patch => fromXR(`${P}.adopt.${field}`, EXTERNAL_NAME, fmt ? { transforms: [format(fmt)] } : undefined);
  const resources: ComposedResource[] = [
    {
      name: 'network',
      base: hcloud.Network.base({ ...pc, forProvider: {} }),
      patches: [
        ...stemName(HETZNER_NAME_SUFFIX.network, true),
        fromXR(`${P}.ipRange`, 'spec.forProvider.ipRange'),
        sovereignLabel(),
        adopt('networkId'),
        toXR(EXTERNAL_NAME, 'status.networkId'),
        toXR('metadata.creationTimestamp', 'status.provisioningStartedAt'),
      ],
    },
    {
      name: 'subnet',
      base: hcloud.NetworkSubnet.base({ ...pc, forProvider: { type: 'cloud', networkIdSelector: controllerRef } }),
      patches: [
        ...stemName(HETZNER_NAME_SUFFIX.subnet, false),
        fromXR(`${P}.region`, 'spec.forProvider.networkZone', { transforms: [map(HETZNER_NETWORK_ZONE)] }),
        fromXR(`${P}.subnetIpRange`, 'spec.forProvider.ipRange'),
        combineFromXR([`${P}.adopt.networkId`, `${P}.subnetIpRange`], '%s-%s', EXTERNAL_NAME),
      ],
    },
    {
      name: 'firewall',
      base: hcloud.Firewall.base({
        ...pc,
        forProvider: {
          rule: [
            ...HETZNER_FIREWALL_INBOUND.tcpPorts.map((port) => ({ direction: 'in' as const, protocol: 'tcp' as const, port: String(port), sourceIps: [...HETZNER_FIREWALL_INBOUND.sourceIps] })),
            ...(HETZNER_FIREWALL_INBOUND.icmp ? [{ direction: 'in' as const, protocol: 'icmp' as const, sourceIps: [...HETZNER_FIREWALL_INBOUND.sourceIps] }] : []),
          ],
        },
      }),
      patches: [...stemName(HETZNER_NAME_SUFFIX.firewall, true), sovereignLabel(), adopt('firewallId'), toXR(EXTERNAL_NAME, 'status.firewallId')],
    },
    {
      name: 'control-plane-1',
      base: hcloud.Server.base({
        ...pc,
        forProvider: { image: HETZNER_DEFAULT_IMAGE, network: [{}], labels: { 'catalyst.openova.io/role': 'control-plane' } },
      }),
      patches: [
        ...stemName(HETZNER_NAME_SUFFIX.controlPlane1, true),
        fromXR(`${P}.skuCP`, 'spec.forProvider.serverType'),
        fromXR(`${P}.region`, 'spec.forProvider.location'),
        fromXR(`${P}.sshKeyName`, 'spec.forProvider.sshKeys[0]'),
        fromXR(`${P}.userData`, 'spec.forProvider.userData'),
        // Wait for the network and firewall of this XR: a server created without them is another server.
        fromXR('status.networkId', 'spec.forProvider.network[0].networkId', { transforms: [toNumber()], required: true }),
        fromXR(`${P}.controlPlaneIp`, 'spec.forProvider.network[0].ip'),
        fromXR('status.firewallId', 'spec.forProvider.firewallIds[0]', { transforms: [toNumber()], required: true }),
        sovereignLabel(),
        adopt('controlPlaneServerId'),
        toXR('status.atProvider.ipv4Address', 'status.controlPlaneIP'),
      ],
    },
    {
      name: 'load-balancer',
      base: hcloud.LoadBalancer.base({ ...pc, forProvider: { loadBalancerType: 'lb11', algorithm: [{ type: 'round_robin' }] } }),
      patches: [
        ...stemName(HETZNER_NAME_SUFFIX.loadBalancer, true),
        fromXR(`${P}.region`, 'spec.forProvider.location'),
        sovereignLabel(),
        adopt('loadBalancerId'),
        toXR('status.atProvider.ipv4', 'status.loadBalancerIP'),
      ],
    },
    {
      name: 'load-balancer-network',
      base: hcloud.LoadBalancerNetwork.base({ ...pc, forProvider: { loadBalancerIdSelector: controllerRef, networkIdSelector: controllerRef } }),
      patches: [...stemName(`${HETZNER_NAME_SUFFIX.loadBalancer}-net`, false), combineFromXR([`${P}.adopt.loadBalancerId`, `${P}.adopt.networkId`], '%s-%s', EXTERNAL_NAME)],
    },
    ...HETZNER_LB_SERVICES.map((s) => ({
      name: `lb-service-${s.name}`,
      base: hcloud.LoadBalancerService.base({
        ...pc,
        forProvider: { loadBalancerIdSelector: controllerRef, protocol: s.protocol, listenPort: s.listenPort, destinationPort: s.destinationPort },
      }),
      patches: [...stemName(`${HETZNER_NAME_SUFFIX.loadBalancer}-${s.name}`, false), adopt('loadBalancerId', `%s__${s.listenPort}`)],
    })),
    {
      name: 'lb-target-cp1',
      base: hcloud.LoadBalancerTarget.base({ ...pc, forProvider: { type: 'server', usePrivateIp: true, loadBalancerIdSelector: controllerRef, serverIdSelector: controllerRef } }),
      patches: [
        ...stemName(`${HETZNER_NAME_SUFFIX.loadBalancer}-tgt-${HETZNER_NAME_SUFFIX.controlPlane1}`, false),
        combineFromXR([`${P}.adopt.loadBalancerId`, `${P}.adopt.controlPlaneServerId`], '%s__server__%s', EXTERNAL_NAME),
      ],
    },
  ];
  return RegionClaimType.composition(scope, 'hetzner-region', {
    name: RegionClaimType.props.defaultComposition,
    mode: 'Resources',
    labels: CLAIM_LABELS,
    writeConnectionSecretsToNamespace: CROSSPLANE_NAMESPACE,
    resources,
  });
}

/**
 * hetzner-cluster: a ConfigMap recording the cluster, through provider-kubernetes. Fixed: the
 * Object uses the provider-kubernetes ProviderConfig (upstream patched it with the XR's hcloud
 * ProviderConfig name); tags are recorded as JSON instead of a fixed "{}".
 */
export function clusterComposition(scope: Construct, kubernetesConfig = KUBERNETES_PROVIDER_CONFIG): ClaimComposition {
  const name = [format('catalyst-cluster-%s')];
  const data = 'spec.forProvider.manifest.data';
  return ClusterClaimType.composition(scope, 'hetzner-cluster', {
    name: ClusterClaimType.props.defaultComposition,
    mode: 'Resources',
    labels: CLAIM_LABELS,
    writeConnectionSecretsToNamespace: CROSSPLANE_NAMESPACE,
    resources: [{
      name: 'cluster-identity-configmap',
      patchProviderConfig: false,
      base: KubernetesObject.objectBase({
        providerConfigName: kubernetesConfig,
        manifest: {
          apiVersion: 'v1',
          kind: 'ConfigMap',
          metadata: { name: 'catalyst-cluster', namespace: CROSSPLANE_NAMESPACE, labels: { 'catalyst.openova.io/managed-by': 'crossplane' } },
          data: { tags: '{}' },
        },
      }),
      patches: [
        fromXR(`${P}.name`, 'metadata.name', { transforms: name }),
        fromXR(`${P}.name`, 'spec.forProvider.manifest.metadata.name', { transforms: name }),
        fromXR(`${P}.name`, `${data}.clusterName`),
        fromXR(`${P}.k3sVersion`, `${data}.k3sVersion`),
        fromXR(`${P}.regionRef.name`, `${data}.regionName`),
        fromXR(`${P}.tags`, `${data}.tags`, { transforms: [{ type: 'string', string: { type: 'Convert', convert: 'ToJson' } }] }),
        fromXR('metadata.uid', `${data}.clusterID`),
        toXR(`${data}.clusterID`, 'status.clusterID'),
      ],
    }],
  });
}

/**
 * hetzner-node-pool: `server-1 … server-100`, of which exactly `replicas` exist. Fixed: the gate
 * on server i is a Regexp matching the replica counts >= i, which fails (and so drops server i
 * from the pipeline's desired state) when replicas < i; upstream's gate always yielded "0". IPs
 * are assigned by Hetzner from the subnet instead of `10.0.1.<i+9>`; servers join the network
 * and get the worker cloud-init.
 */
export function nodePoolComposition(scope: Construct, hcloudConfig = HCLOUD_PROVIDER_CONFIG): ClaimComposition {
  const resources: ComposedResource[] = [];
  for (let i = 1; i <= NODE_POOL_MAX_REPLICAS; i++) {
    const name = [format(`%s-${i}`)];
    resources.push({
      name: `server-${i}`,
      base: hcloud.Server.base({ providerConfigName: hcloudConfig, forProvider: { network: [{}] } }),
      patches: [
        fromXR(`${P}.replicas`, 'metadata.annotations[catalyst.openova.io/replica-gate]', {
          transforms: [convert('string'), regexp(integerRangePattern(i, NODE_POOL_MAX_REPLICAS))],
          required: true,
        }),
        fromXR(`${P}.name`, 'metadata.name', { transforms: name }),
        fromXR(`${P}.name`, 'spec.forProvider.name', { transforms: name }),
        fromXR(`${P}.name`, 'spec.forProvider.labels[catalyst.openova.io/pool]'),
        fromXR(`${P}.role`, 'spec.forProvider.labels[catalyst.openova.io/role]'),
        fromXR(`${P}.clusterRef.name`, 'spec.forProvider.labels[catalyst.openova.io/cluster]'),
        fromXR(`${P}.sku`, 'spec.forProvider.serverType'),
        fromXR(`${P}.image`, 'spec.forProvider.image'),
        fromXR(`${P}.region`, 'spec.forProvider.location'),
        fromXR(`${P}.sshKeyName`, 'spec.forProvider.sshKeys[0]'),
        fromXR(`${P}.userData`, 'spec.forProvider.userData', { required: true }),
        fromXR(`${P}.networkId`, 'spec.forProvider.network[0].networkId', { transforms: [toNumber()], required: true }),
        ...Array.from({ length: NODE_POOL_MAX_FIREWALLS }, (_, f) => fromXR(`${P}.firewallIds[${f}]`, `spec.forProvider.firewallIds[${f}]`, { transforms: [toNumber()] })),
        toXR(EXTERNAL_NAME, `status.nodeIDs[${i - 1}]`),
      ],
    });
  }
  return NodePoolClaimType.composition(scope, 'hetzner-node-pool', {
    name: NodePoolClaimType.props.defaultComposition,
    mode: 'Pipeline',
    labels: CLAIM_LABELS,
    writeConnectionSecretsToNamespace: CROSSPLANE_NAMESPACE,
    resources,
  });
}

/**
 * hetzner-load-balancer-claim: the load balancer, its network attachment (only with a
 * networkId), one service per listener and one target per target entry (templates beyond the
 * lists fail their Required patch and are left out).
 */
export function loadBalancerComposition(scope: Construct, hcloudConfig = HCLOUD_PROVIDER_CONFIG): ClaimComposition {
  const pc = { providerConfigName: hcloudConfig };
  const named = (fmt: string): Patch[] => [fromXR(`${P}.name`, 'metadata.name', { transforms: [format(fmt)] })];
  const resources: ComposedResource[] = [
    {
      name: 'load-balancer',
      base: hcloud.LoadBalancer.base({ ...pc, forProvider: { algorithm: [{}] } }),
      patches: [
        ...named('%s'),
        fromXR(`${P}.name`, 'spec.forProvider.name'),
        fromXR(`${P}.region`, 'spec.forProvider.location'),
        fromXR(`${P}.loadBalancerType`, 'spec.forProvider.loadBalancerType'),
        fromXR(`${P}.algorithm`, 'spec.forProvider.algorithm[0].type', { transforms: [map({ 'round-robin': 'round_robin', 'least-conn': 'least_connections' })] }),
        sovereignLabel(),
        toXR('status.atProvider.ipv4', 'status.publicIP'),
        toXR(EXTERNAL_NAME, 'status.loadBalancerID'),
      ],
    },
    {
      name: 'load-balancer-network',
      base: hcloud.LoadBalancerNetwork.base({ ...pc, forProvider: { loadBalancerIdSelector: controllerRef } }),
      patches: [...named('%s-net-attach'), fromXR(`${P}.networkId`, 'spec.forProvider.networkId', { transforms: [toNumber()], required: true })],
    },
  ];
  for (let n = 0; n < LOAD_BALANCER_MAX_LISTENERS; n++) {
    const l = `${P}.listeners[${n}]`;
    resources.push({
      name: `lb-service-${n}`,
      base: hcloud.LoadBalancerService.base({ ...pc, forProvider: { loadBalancerIdSelector: controllerRef } }),
      patches: [
        ...named(`%s-svc-${n}`),
        fromXR(`${l}.protocol`, 'spec.forProvider.protocol', { required: true }),
        fromXR(`${l}.port`, 'spec.forProvider.listenPort', { required: true }),
        fromXR(`${l}.targetPort`, 'spec.forProvider.destinationPort', { required: true }),
      ],
    });
  }
  for (let n = 0; n < LOAD_BALANCER_MAX_TARGETS; n++) {
    const t = `${P}.targets[${n}]`;
    resources.push({
      name: `lb-target-${n}`,
      base: hcloud.LoadBalancerTarget.base({ ...pc, forProvider: { loadBalancerIdSelector: controllerRef } }),
      patches: [
        ...named(`%s-tgt-${n}`),
        fromXR(`${t}.type`, 'spec.forProvider.type', { transforms: [map({ 'server': 'server', 'label-selector': 'label_selector', 'ip': 'ip' })], required: true }),
        fromXR(`${t}.serverID`, 'spec.forProvider.serverId', { transforms: [toNumber()] }),
        fromXR(`${t}.labelSelector`, 'spec.forProvider.labelSelector'),
        fromXR(`${t}.ip`, 'spec.forProvider.ip'),
        fromXR(`${t}.usePrivateIP`, 'spec.forProvider.usePrivateIp'),
      ],
    });
  }
  return LoadBalancerClaimType.composition(scope, 'hetzner-load-balancer-claim', {
    name: LoadBalancerClaimType.props.defaultComposition,
    mode: 'Pipeline',
    labels: CLAIM_LABELS,
    writeConnectionSecretsToNamespace: CROSSPLANE_NAMESPACE,
    resources,
  });
}

/** hetzner-peering: the A→B route, and the B→A route only when bidirectional. */
export function peeringComposition(scope: Construct, hcloudConfig = HCLOUD_PROVIDER_CONFIG): ClaimComposition {
  const pc = { providerConfigName: hcloudConfig };
  const route = (from: 'A' | 'B', to: 'A' | 'B', suffix: string): Patch[] => [
    fromXR(`${P}.name`, 'metadata.name', { transforms: [format(`%s-${suffix}`)] }),
    fromXR(`${P}.region${from}ID`, 'spec.forProvider.networkId', { transforms: [toNumber()], required: true }),
    fromXR(`${P}.cidr${to}`, 'spec.forProvider.destination', { required: true }),
    fromXR(`${P}.gateway${from}`, 'spec.forProvider.gateway', { required: true }),
  ];
  return PeeringClaimType.composition(scope, 'hetzner-peering', {
    name: PeeringClaimType.props.defaultComposition,
    mode: 'Pipeline',
    labels: CLAIM_LABELS,
    writeConnectionSecretsToNamespace: CROSSPLANE_NAMESPACE,
    resources: [
      { name: 'route-a-to-b', base: hcloud.Route.base({ ...pc, forProvider: {} }), patches: [...route('A', 'B', 'a-to-b'), toXR(EXTERNAL_NAME, 'status.peeringID')] },
      {
        name: 'route-b-to-a',
        base: hcloud.Route.base({ ...pc, forProvider: {} }),
        patches: [
          fromXR(`${P}.bidirectional`, 'metadata.annotations[catalyst.openova.io/bidirectional]', { transforms: [convert('string'), map({ true: 'true' })], required: true }),
          ...route('B', 'A', 'b-to-a'),
        ],
      },
    ],
  });
}

/**
 * hetzner-node-action: a Job (through provider-kubernetes) that cordons or drains the node, and
 * for `replace` a replacement server. Fixed: no placeholder strings; the node name and grace
 * period reach the Job as environment variables from the claim, and kubectl's arguments refer to
 * them with Kubernetes' own `$(VAR)` expansion. `drain` cordons first by itself.
 */
export function nodeActionComposition(
  scope: Construct,
  o: CompositionOptions,
  hcloudConfig = HCLOUD_PROVIDER_CONFIG,
  kubernetesConfig = KUBERNETES_PROVIDER_CONFIG,
): ClaimComposition {
  const container = 'spec.forProvider.manifest.spec.template.spec.containers[0]';
  const drain = ['drain', '$(NODE_NAME)', '--grace-period=$(GRACE_PERIOD)', '--ignore-daemonsets', '--delete-emptydir-data'];
  const labels = { 'app.kubernetes.io/name': 'catalyst-node-action', 'catalyst.openova.io/managed-by': 'crossplane' };
  return NodeActionClaimType.composition(scope, 'hetzner-node-action', {
    name: NodeActionClaimType.props.defaultComposition,
    mode: 'Pipeline',
    labels: CLAIM_LABELS,
    writeConnectionSecretsToNamespace: CROSSPLANE_NAMESPACE,
    resources: [
      {
        name: 'action-job',
        patchProviderConfig: false,
        base: KubernetesObject.objectBase({
          providerConfigName: kubernetesConfig,
          manifest: {
            apiVersion: 'batch/v1',
            kind: 'Job',
            metadata: { name: 'node-action', namespace: CROSSPLANE_NAMESPACE, labels },
            spec: {
              ttlSecondsAfterFinished: o.nodeActionTtlSeconds,
              backoffLimit: o.nodeActionBackoffLimit,
              template: {
                metadata: { labels },
                spec: {
                  serviceAccountName: NODE_ACTION_SERVICE_ACCOUNT,
                  restartPolicy: 'Never',
                  containers: [{
                    name: 'kubectl',
                    image: o.kubectlImage,
                    args: ['cordon', '$(NODE_NAME)'],
                    env: [{ name: 'NODE_NAME' }, { name: 'GRACE_PERIOD' }],
                    resources: { requests: { cpu: '10m', memory: '32Mi' }, limits: { memory: '128Mi' } },
                    securityContext: {
                      runAsNonRoot: true,
                      runAsUser: 65532,
                      allowPrivilegeEscalation: false,
                      readOnlyRootFilesystem: true,
                      capabilities: { drop: ['ALL'] },
                      seccompProfile: { type: 'RuntimeDefault' },
                    },
                  }],
                },
              },
            },
          },
        }),
        patches: [
          // One Job per XR; the uid keeps the name unique and within the 63 characters of a Job name.
          fromXR('metadata.uid', 'spec.forProvider.manifest.metadata.name', { transforms: [format('node-action-%s')] }),
          fromXR(`${P}.action`, `${container}.args`, { transforms: [map({ cordon: ['cordon', '$(NODE_NAME)'], drain, replace: drain })], required: true }),
          fromXR(`${P}.nodeRef.nodeName`, `${container}.env[0].value`, { required: true }),
          fromXR(`${P}.gracePeriod`, `${container}.env[1].value`, { transforms: [convert('string')], required: true }),
          toXR('spec.forProvider.manifest.metadata.name', 'status.jobName'),
          toXR('status.atProvider.manifest.status.startTime', 'status.actionStartedAt'),
          toXR('status.atProvider.manifest.status.completionTime', 'status.actionFinishedAt'),
        ],
      },
      {
        name: 'replacement-server',
        base: hcloud.Server.base({ providerConfigName: hcloudConfig, forProvider: { network: [{}], labels: { 'catalyst.openova.io/role': 'replacement' } } }),
        patches: [
          fromXR(`${P}.action`, 'metadata.annotations[catalyst.openova.io/action-gate]', { transforms: [map({ replace: 'replace' })], required: true }),
          fromXR(`${P}.nodeRef.nodeName`, 'metadata.name', { transforms: [format('%s-replacement')] }),
          fromXR(`${P}.nodeRef.nodeName`, 'spec.forProvider.name', { transforms: [format('%s-replacement')] }),
          fromXR(`${P}.nodeRef.nodeName`, 'spec.forProvider.labels[catalyst.openova.io/replaces]'),
          fromXR(`${P}.replaceWith.sku`, 'spec.forProvider.serverType', { required: true }),
          fromXR(`${P}.replaceWith.image`, 'spec.forProvider.image'),
          fromXR(`${P}.replaceWith.sshKeyName`, 'spec.forProvider.sshKeys[0]'),
          fromXR(`${P}.replaceWith.region`, 'spec.forProvider.location', { required: true }),
          fromXR(`${P}.replaceWith.networkId`, 'spec.forProvider.network[0].networkId', { transforms: [toNumber()], required: true }),
          fromXR(`${P}.replaceWith.userData`, 'spec.forProvider.userData', { required: true }),
        ],
      },
    ],
  });
}

/** All six Compositions. */
export function claimCompositions(scope: Construct, o: CompositionOptions): ClaimComposition[] {
  return [
    regionComposition(scope),
    clusterComposition(scope),
    nodePoolComposition(scope),
    loadBalancerComposition(scope),
    peeringComposition(scope),
    nodeActionComposition(scope, o),
  ];
}
