/**
 * L1: crossplane-contrib/provider-hcloud v0.4.0. Its ProviderConfig and the managed resources the
 * day-2 Compositions use, with the apiVersions the upstream Compositions use (UPSTREAM §5.3).
 * Field names follow the provider's Terraform schema in camelCase (`server_type` → `serverType`),
 * single nested blocks as one-element lists; ids of other Hetzner resources are numbers, except
 * `LoadBalancerService.loadBalancerId`, which the Terraform schema types as a string.
 */
import { Type } from '@sinclair/typebox';
import { ApiObject, ApiObjectMetadata } from 'cdk8s';
import { Construct } from 'constructs';
import { enumOf, managedResource, Reference, Selector } from './managed';

export const HCLOUD_PROVIDER_CONFIG_API_VERSION = 'hcloud.crossplane.io/v1beta1';

/** Where the provider reads the Hetzner API token. */
export interface HcloudProviderConfigSpec {
  readonly credentials: {
    readonly source: 'Secret';
    readonly secretRef: { readonly namespace: string; readonly name: string; readonly key: string };
  };
}

/** `hcloud.crossplane.io/v1beta1` ProviderConfig (cluster-scoped). */
export class HcloudProviderConfig extends ApiObject {
  public static readonly GVK = { apiVersion: HCLOUD_PROVIDER_CONFIG_API_VERSION, kind: 'ProviderConfig' } as const;

  constructor(scope: Construct, id: string, props: { readonly metadata: ApiObjectMetadata; readonly spec: HcloudProviderConfigSpec }) {
    super(scope, id, { ...HcloudProviderConfig.GVK, ...props });
  }
}

const Labels = Type.Optional(Type.Record(Type.String(), Type.String()));
const Id = Type.Optional(Type.Number());
const Ref = Type.Optional(Reference);
const Sel = Type.Optional(Selector);

/** `network.hcloud.crossplane.io/v1alpha1` Network: a private network. */
export const Network = managedResource('network.hcloud.crossplane.io/v1alpha1', 'Network', {
  name: Type.Optional(Type.String()),
  ipRange: Type.Optional(Type.String()),
  labels: Labels,
  deleteProtection: Type.Optional(Type.Boolean()),
  exposeRoutesToVswitch: Type.Optional(Type.Boolean()),
}, { id: Type.Optional(Type.String()) });

/** `network.hcloud.crossplane.io/v1alpha1` NetworkSubnet. */
export const NetworkSubnet = managedResource('network.hcloud.crossplane.io/v1alpha1', 'NetworkSubnet', {
  networkId: Id,
  networkIdRef: Ref,
  networkIdSelector: Sel,
  type: Type.Optional(enumOf('cloud', 'server', 'vswitch')),
  networkZone: Type.Optional(Type.String()),
  ipRange: Type.Optional(Type.String()),
  vswitchId: Id,
}, { id: Type.Optional(Type.String()), gateway: Type.Optional(Type.String()) });

/** `network.hcloud.crossplane.io/v1alpha1` Route: a static route in a network. */
export const Route = managedResource('network.hcloud.crossplane.io/v1alpha1', 'Route', {
  networkId: Id,
  networkIdRef: Ref,
  networkIdSelector: Sel,
  destination: Type.Optional(Type.String()),
  gateway: Type.Optional(Type.String()),
}, { id: Type.Optional(Type.String()) });

/** One firewall rule. */
export const FirewallRule = Type.Object({
  direction: enumOf('in', 'out'),
  protocol: enumOf('tcp', 'udp', 'icmp', 'esp', 'gre'),
  port: Type.Optional(Type.String()),
  sourceIps: Type.Optional(Type.Array(Type.String())),
  destinationIps: Type.Optional(Type.Array(Type.String())),
  description: Type.Optional(Type.String()),
});

/** `firewall.hcloud.crossplane.io/v1alpha1` Firewall. */
export const Firewall = managedResource('firewall.hcloud.crossplane.io/v1alpha1', 'Firewall', {
  name: Type.Optional(Type.String()),
  labels: Labels,
  rule: Type.Optional(Type.Array(FirewallRule)),
}, { id: Type.Optional(Type.String()) });

/** A server's attachment to a private network; without `ip` Hetzner assigns one from the subnet. */
export const ServerNetwork = Type.Object({
  networkId: Type.Optional(Type.Number()),
  ip: Type.Optional(Type.String()),
  aliasIps: Type.Optional(Type.Array(Type.String())),
});

/** `server.hcloud.crossplane.io/v1alpha1` Server. */
export const Server = managedResource('server.hcloud.crossplane.io/v1alpha1', 'Server', {
  name: Type.Optional(Type.String()),
  serverType: Type.Optional(Type.String()),
  image: Type.Optional(Type.String()),
  location: Type.Optional(Type.String()),
  sshKeys: Type.Optional(Type.Array(Type.String())),
  /** cloud-init; the provider treats a change as a replacement of the server. */
  userData: Type.Optional(Type.String()),
  labels: Labels,
  firewallIds: Type.Optional(Type.Array(Type.Number())),
  network: Type.Optional(Type.Array(ServerNetwork)),
  placementGroupId: Id,
  publicNet: Type.Optional(Type.Array(Type.Object({ ipv4Enabled: Type.Optional(Type.Boolean()), ipv6Enabled: Type.Optional(Type.Boolean()) }))),
  backups: Type.Optional(Type.Boolean()),
  deleteProtection: Type.Optional(Type.Boolean()),
  rebuildProtection: Type.Optional(Type.Boolean()),
}, {
  id: Type.Optional(Type.String()),
  ipv4Address: Type.Optional(Type.String()),
  ipv6Address: Type.Optional(Type.String()),
  status: Type.Optional(Type.String()),
});

/** `load_balancer.hcloud.crossplane.io/v1alpha1` LoadBalancer. */
export const LoadBalancer = managedResource('load_balancer.hcloud.crossplane.io/v1alpha1', 'LoadBalancer', {
  name: Type.Optional(Type.String()),
  loadBalancerType: Type.Optional(Type.String()),
  location: Type.Optional(Type.String()),
  networkZone: Type.Optional(Type.String()),
  algorithm: Type.Optional(Type.Array(Type.Object({ type: Type.Optional(enumOf('round_robin', 'least_connections')) }))),
  labels: Labels,
  deleteProtection: Type.Optional(Type.Boolean()),
}, {
  id: Type.Optional(Type.String()),
  ipv4: Type.Optional(Type.String()),
  ipv6: Type.Optional(Type.String()),
  networkId: Type.Optional(Type.Number()),
  networkIp: Type.Optional(Type.String()),
});

/** `load_balancer_network.hcloud.crossplane.io/v1alpha1` LoadBalancerNetwork: attaches a load balancer to a network. */
export const LoadBalancerNetwork = managedResource('load_balancer_network.hcloud.crossplane.io/v1alpha1', 'LoadBalancerNetwork', {
  loadBalancerId: Id,
  loadBalancerIdRef: Ref,
  loadBalancerIdSelector: Sel,
  networkId: Id,
  networkIdRef: Ref,
  networkIdSelector: Sel,
  subnetId: Type.Optional(Type.String()),
  ip: Type.Optional(Type.String()),
  enablePublicInterface: Type.Optional(Type.Boolean()),
}, { id: Type.Optional(Type.String()) });

/** `load_balancer_service.hcloud.crossplane.io/v1alpha1` LoadBalancerService: one listener. */
export const LoadBalancerService = managedResource('load_balancer_service.hcloud.crossplane.io/v1alpha1', 'LoadBalancerService', {
  loadBalancerId: Type.Optional(Type.String()),
  loadBalancerIdRef: Ref,
  loadBalancerIdSelector: Sel,
  protocol: Type.Optional(enumOf('tcp', 'http', 'https')),
  listenPort: Type.Optional(Type.Number()),
  destinationPort: Type.Optional(Type.Number()),
  proxyprotocol: Type.Optional(Type.Boolean()),
}, { id: Type.Optional(Type.String()) });

/** `load_balancer_target.hcloud.crossplane.io/v1alpha1` LoadBalancerTarget. */
export const LoadBalancerTarget = managedResource('load_balancer_target.hcloud.crossplane.io/v1alpha1', 'LoadBalancerTarget', {
  loadBalancerId: Id,
  loadBalancerIdRef: Ref,
  loadBalancerIdSelector: Sel,
  type: Type.Optional(enumOf('server', 'label_selector', 'ip')),
  serverId: Id,
  serverIdRef: Ref,
  serverIdSelector: Sel,
  labelSelector: Type.Optional(Type.String()),
  ip: Type.Optional(Type.String()),
  usePrivateIp: Type.Optional(Type.Boolean()),
}, { id: Type.Optional(Type.String()) });
