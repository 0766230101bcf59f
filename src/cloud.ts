/**
 * The cloud a Sovereign's first cluster runs on. Phase 0 (OpenTofu via cdktf) reads these props;
 * the Flux side only needs the provider and regions for naming and labels.
 */

/** Hetzner Cloud locations accepted by the API (the upstream module's `region` variable). */
export type HetznerLocation = 'fsn1' | 'nbg1' | 'hel1' | 'ash' | 'hil';

export const HETZNER_LOCATIONS: readonly HetznerLocation[] = ['fsn1', 'nbg1', 'hel1', 'ash', 'hil'];

/** Props shared by every cloud. */
export interface CloudPropsBase {
  /** Regions (cloud locations) the Sovereign runs in; the first is the primary. */
  readonly regions: readonly string[];
}

export interface HetznerCloudProps extends CloudPropsBase {
  readonly provider: 'hetzner';
  readonly regions: readonly HetznerLocation[];
}

export interface AwsCloudProps extends CloudPropsBase {
  readonly provider: 'aws';
}

/** Which cloud and where. Discriminated by `provider`. */
export type CloudProps = HetznerCloudProps | AwsCloudProps;

export const CLOUD_PROVIDERS = ['hetzner', 'aws'] as const;
