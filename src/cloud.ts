/**
 * The cloud a Sovereign's first cluster runs on. Phase 0 (OpenTofu via cdktf, stacks/) reads these
 * props; the Flux side only needs the provider and regions for naming and labels.
 *
 * These are the typed form of the upstream `infra/hetzner` module's 26 variables (UPSTREAM §6.2);
 * stacks/hetzner/README.md maps each variable to its prop. Everything a user may leave out has a
 * default equal to the upstream default. Secrets (the hcloud token, the GHCR pull token, the
 * kubeconfig bearer token) are never props: they are sensitive Terraform variables supplied at
 * apply time, so no secret is ever part of the program or of the synthesized JSON.
 */

/** Hetzner Cloud locations accepted by the API (the upstream module's `region` variable). */
export type HetznerLocation = 'fsn1' | 'nbg1' | 'hel1' | 'ash' | 'hil';

export const HETZNER_LOCATIONS: readonly HetznerLocation[] = ['fsn1', 'nbg1', 'hel1', 'ash', 'hil'];

/** k3s release the upstream module defaults to. */
export const DEFAULT_K3S_VERSION = 'v1.31.4+k3s1';

/** How a node installs k3s. The node downloads it at boot: the version is pinned, the checksum optional. */
export interface K3sInstallProps {
  /** k3s release, `v<major>.<minor>.<patch>+k3s<n>`. @default 'v1.31.4+k3s1' */
  readonly version?: string;
  /**
   * SHA-256 of `install.sh` at the pinned release tag. When set, cloud-init refuses to run a script
   * with another digest. When unset, the pinned-tag script still verifies the k3s binary against the
   * release's own sha256sum file.
   */
  readonly installScriptSha256?: string;
}

/** The Helm client cloud-init uses once, to install Cilium and Flux as adoptable Helm releases. */
export interface HelmClientProps {
  /** Helm release, `v3.x.y`. @default 'v3.16.4' */
  readonly version?: string;
  /**
   * SHA-256 of `helm-<version>-linux-<arch>.tar.gz`, per architecture. When set, cloud-init checks the
   * download against it; otherwise against the `.sha256sum` file published beside the tarball.
   */
  readonly sha256?: { readonly amd64?: string; readonly arm64?: string };
}

/** Node hardening written by cloud-init (upstream `enable_unattended_upgrades`, `enable_fail2ban`). */
export interface HardeningProps {
  /** Security-only unattended upgrades with a 02:30 reboot. @default true */
  readonly unattendedUpgrades?: boolean;
  /** fail2ban sshd jail (maxretry 5, findtime 10m, bantime 1h). @default true */
  readonly fail2ban?: boolean;
}

/** SSH access to the nodes. */
export interface SshProps {
  /**
   * The admin public key (`ssh-ed25519 …`, `ssh-rsa …` or `ecdsa-sha2-nistp256 …`). When unset the
   * stack declares a required `ssh_public_key` variable with the same validation, filled at apply time.
   */
  readonly publicKey?: string;
  /** CIDRs allowed to reach port 22. Empty (the default) opens no port-22 rule at all. */
  readonly allowedCidrs?: readonly string[];
}

/**
 * Pushes the cluster's kubeconfig (server rewritten to the load balancer) to the provisioning API
 * once k3s is up (upstream `deployment_id`, `catalyst_api_url`, `kubeconfig_bearer_token`).
 * The bearer token is the sensitive variable `kubeconfig_bearer_token`.
 */
export interface KubeconfigPostbackProps {
  /** Deployment the kubeconfig belongs to. */
  readonly deploymentId: string;
  /** Origin of the provisioning API. @default 'https://console.openova.io/sovereign' */
  readonly apiUrl?: string;
}

/**
 * An image pull Secret for private Blueprint charts/images (upstream `ghcr_pull_token`). The
 * password is the sensitive variable `registry_pull_token`; cloud-init writes the Secret in-cluster.
 */
export interface PullSecretProps {
  /** Registry host. @default 'ghcr.io' */
  readonly registry?: string;
  /** Registry user. @default 'openova-bot' */
  readonly username?: string;
  /** Secret name in flux-system. @default 'ghcr-pull' */
  readonly secretName?: string;
}

/** Props shared by every cloud. */
export interface CloudPropsBase {
  /**
   * Regions (cloud locations) the Sovereign runs in; the first is the primary. Phase 0 builds one
   * cluster in one region today and rejects more than one with an error (upstream `regions[]` was
   * accepted and silently ignored).
   */
  readonly regions: readonly string[];
  /** k3s install. */
  readonly k3s?: K3sInstallProps;
  /** Helm client used once by cloud-init. */
  readonly helm?: HelmClientProps;
  readonly ssh?: SshProps;
  readonly hardening?: HardeningProps;
  readonly kubeconfigPostback?: KubeconfigPostbackProps;
  readonly pullSecret?: PullSecretProps;
}

/** A named pool of Hetzner worker servers. */
export interface HetznerWorkerPool {
  /** Hetzner server type (cx, cpx, ccx or cax family), e.g. `cx32`. */
  readonly serverType: string;
  /** Servers in the pool. 0 keeps the pool declared but empty. */
  readonly count: number;
  /** Extra Kubernetes node labels for the pool's nodes. */
  readonly labels?: { readonly [key: string]: string };
  /** A subnet of its own inside `network.ipRange` (e.g. to segment a pool); default: the nodes' subnet. */
  readonly subnet?: string;
  /** Spread the pool's servers over hosts (Hetzner allows at most 10 servers per spread group). @default false */
  readonly placementGroup?: boolean;
}

export interface HetznerControlPlaneProps {
  /** Hetzner server type. cx42 (16 GB) is the documented minimum; cx32 ran out of memory. @default 'cx42' */
  readonly serverType?: string;
  /** 1, or 3 for HA with embedded etcd (upstream `ha_enabled`). @default 1 */
  readonly count?: 1 | 3;
  /** Spread the control planes over hosts with a spread placement group. @default true */
  readonly placementGroup?: boolean;
}

export interface HetznerNetworkProps {
  /** RFC 1918 range of the private network. @default '10.0.0.0/16' */
  readonly ipRange?: string;
  /** The nodes' subnet inside `ipRange`, at least a /24. @default '10.0.1.0/24' */
  readonly subnet?: string;
}

export interface HetznerCloudProps extends CloudPropsBase {
  readonly provider: 'hetzner';
  readonly regions: readonly HetznerLocation[];
  readonly controlPlane?: HetznerControlPlaneProps;
  /**
   * Worker pools keyed by name. Servers are named `<stem>-<pool>-<n>` and Terraform addresses them by
   * pool name, and Hetzner assigns their private IPs, so removing or resizing one pool never renames,
   * re-addresses or replaces the servers of another (upstream workers were a counted list).
   */
  readonly workers?: { readonly [pool: string]: HetznerWorkerPool };
  readonly network?: HetznerNetworkProps;
  /** Server image. @default 'ubuntu-24.04' */
  readonly image?: string;
  /** Load balancer type. @default 'lb11' */
  readonly loadBalancerType?: string;
  /**
   * Write the Crossplane `hcloud-credentials` Secret from the `hcloud_token` variable on the first
   * control plane (never into the Flux repo). @default true
   */
  readonly crossplaneCredentials?: boolean;
}

/** A named pool of AWS worker instances. */
export interface AwsWorkerPool {
  /** EC2 instance type, e.g. `t3.large`. */
  readonly instanceType: string;
  readonly count: number;
  readonly labels?: { readonly [key: string]: string };
}

export interface AwsCloudProps extends CloudPropsBase {
  readonly provider: 'aws';
  readonly controlPlane?: {
    /** EC2 instance type. @default 'm6i.xlarge' (4 vCPU, 16 GiB, like Hetzner cx42) */
    readonly instanceType?: string;
    /** 1, or 3 for HA with embedded etcd. @default 1 */
    readonly count?: 1 | 3;
  };
  readonly workers?: { readonly [pool: string]: AwsWorkerPool };
  readonly network?: {
    /** VPC range. @default '10.0.0.0/16' */
    readonly vpcCidr?: string;
    /** Availability zones to spread subnets (and nodes) over. @default 3 */
    readonly availabilityZones?: number;
  };
  /** Root volume size of every node in GiB. @default 80 */
  readonly rootVolumeGiB?: number;
}

/** Which cloud and where. Discriminated by `provider`. */
export type CloudProps = HetznerCloudProps | AwsCloudProps;

export const CLOUD_PROVIDERS = ['hetzner', 'aws'] as const;
