/**
 * The Catalyst naming convention (NAMING-CONVENTION §2–§3): one function per pattern, each
 * checking its inputs, so a name is never assembled by hand somewhere else.
 */
import { CatalystError, describeValue } from './errors';

export type ProviderCode = 'hz' | 'hw' | 'oci' | 'aws' | 'gcp' | 'az' | 'ct';
export type BuildingBlock = 'rtz' | 'dmz' | 'mgt';
export type EnvType = 'prod' | 'stg' | 'uat' | 'dev' | 'poc';

/** Providers: 2/3-char code and 1-char code. */
export const PROVIDERS: Readonly<Record<ProviderCode, { readonly name: string; readonly short: string }>> = {
  hz: { name: 'Hetzner', short: 'h' },
  hw: { name: 'Huawei Cloud', short: 'w' },
  oci: { name: 'OCI', short: 'o' },
  aws: { name: 'AWS', short: 'a' },
  gcp: { name: 'GCP', short: 'g' },
  az: { name: 'Azure', short: 'z' },
  ct: { name: 'Contabo', short: 'c' },
};

/** Regions per provider: 3-char code → 1-char code (a region's 1-char code never reuses its provider's). */
export const REGIONS: Readonly<Partial<Record<ProviderCode, Readonly<Record<string, string>>>>> = {
  hz: { fsn: 'f', nbg: 'n', hel: 'l', ash: 'a', hil: 'i', sin: 's' },
  hw: { apse: 'p', cnn: 'c', las: 'q', mer: 'r' },
  oci: { dxb: 'x', fra: 'r', sg: 'g', iad: 'd', syd: 'y' },
  ct: { eu: 'e' },
};

/** Hetzner API location slug → naming-convention region code (the two differ; upstream §1.2). */
export const HETZNER_LOCATION_REGION: Readonly<Record<string, string>> = {
  fsn1: 'fsn', nbg1: 'nbg', hel1: 'hel', ash: 'ash', hil: 'hil', sin: 'sin',
};

export const BUILDING_BLOCKS: Readonly<Record<BuildingBlock, string>> = { rtz: 'r', dmz: 'd', mgt: 'm' };
export const ENV_TYPES: Readonly<Record<EnvType, string>> = { prod: 'p', stg: 's', uat: 'u', dev: 'd', poc: 'c' };

/** Git branch of each Environment type in Application repos (develop→dev, staging→stg, main→prod). */
export const ENV_BRANCH: Readonly<Record<EnvType, string>> = { dev: 'develop', stg: 'staging', prod: 'main', uat: 'uat', poc: 'poc' };

/** Where a name lives: provider, region, building block, environment type. */
export interface Placement {
  readonly provider: ProviderCode;
  readonly region: string;
  readonly buildingBlock: BuildingBlock;
  readonly env: EnvType;
}

function check(p: Placement, where: string): void {
  if (!(p.provider in PROVIDERS)) {
    throw CatalystError.at(`${where}.provider`, `unknown provider code ${describeValue(p.provider)}; allowed: ${Object.keys(PROVIDERS).join(', ')}`);
  }
  const regions = REGIONS[p.provider];
  if (!regions || !(p.region in regions)) {
    throw CatalystError.at(`${where}.region`, `unknown region ${describeValue(p.region)} for provider ${p.provider}; allowed: ${Object.keys(regions ?? {}).join(', ') || '(none documented)'}`);
  }
  if (!(p.buildingBlock in BUILDING_BLOCKS)) {
    throw CatalystError.at(`${where}.buildingBlock`, `unknown building block ${describeValue(p.buildingBlock)}; allowed: ${Object.keys(BUILDING_BLOCKS).join(', ')}`);
  }
  if (!(p.env in ENV_TYPES)) {
    throw CatalystError.at(`${where}.env`, `unknown environment type ${describeValue(p.env)}; allowed: ${Object.keys(ENV_TYPES).join(', ')}`);
  }
}

/** K8s context / cluster name `{prov}-{reg}-{bb}-{env}`, e.g. `hz-fsn-rtz-prod`. */
export function clusterName(p: Placement, where = 'placement'): string {
  check(p, where);
  return `${p.provider}-${p.region}-${p.buildingBlock}-${p.env}`;
}

/** Server/VM name `{prov}{reg}{bb1}-{app}-{#}{env1}`, e.g. `hzfsnr-k8s-1p`. */
export function serverName(p: Placement, app: string, index: number, where = 'placement'): string {
  check(p, where);
  if (!/^[a-z][a-z0-9-]*$/.test(app)) throw CatalystError.at(`${where}.app`, `must be lowercase letters, digits or '-' (got ${describeValue(app)})`);
  if (!Number.isInteger(index) || index < 1) throw CatalystError.at(`${where}.index`, `must be an integer >= 1 (got ${describeValue(index)})`);
  return `${p.provider}${p.region}${BUILDING_BLOCKS[p.buildingBlock]}-${app}-${index}${ENV_TYPES[p.env]}`;
}

/** DNS location code `{p}{r}{b}{e}` (four 1-char codes), e.g. `hfmp`. */
export function locationCode(p: Placement, where = 'placement'): string {
  check(p, where);
  return `${PROVIDERS[p.provider].short}${REGIONS[p.provider]![p.region]}${BUILDING_BLOCKS[p.buildingBlock]}${ENV_TYPES[p.env]}`;
}

/** Crossplane CR on the mgt cluster `{prov}-{reg}-{bb}-{env}-{type}`, e.g. `hz-fsn-rtz-prod-vpc`. */
export function crossplaneName(p: Placement, type: string, where = 'placement'): string {
  return `${clusterName(p, where)}-${type}`;
}

/** VPC / network name `{bb}-{env}`, e.g. `rtz-prod`. */
export function networkName(p: Placement, where = 'placement'): string {
  check(p, where);
  return `${p.buildingBlock}-${p.env}`;
}

/** Catalyst control-plane hostname `{component}.{location-code}.{sovereign-domain}`. */
export function controlPlaneHost(component: string, p: Placement, sovereignDomain: string): string {
  return `${component}.${locationCode(p)}.${sovereignDomain}`;
}

/** Environment name `{org}-{env_type}`, e.g. `acme-prod`. */
export function environmentName(org: string, env: EnvType): string {
  return `${org}-${env}`;
}

/** Application hostname `{app}.{environment}.{domain}`, e.g. `blog.acme-prod.omantel.openova.io`. */
export function applicationHost(app: string, org: string, env: EnvType, domain: string): string {
  return `${app}.${environmentName(org, env)}.${domain}`;
}

/** Organization slug rule. */
export const ORG_SLUG = /^[a-z][a-z0-9-]{2,31}$/;

let reserved: ReadonlySet<string> | undefined;

/** Names an Organization may not take: platform namespaces and every naming-dimension code. */
export function reservedOrgNames(): ReadonlySet<string> {
  return (reserved ??= collectReservedOrgNames());
}

function collectReservedOrgNames(): ReadonlySet<string> {
  const names = new Set<string>(['system', 'flux', 'crossplane', 'catalyst', 'gitea']);
  for (const [code, p] of Object.entries(PROVIDERS)) {
    names.add(code);
    names.add(p.short);
  }
  for (const regions of Object.values(REGIONS)) {
    for (const [code, short] of Object.entries(regions ?? {})) {
      names.add(code);
      names.add(short);
    }
  }
  for (const [code, short] of Object.entries(BUILDING_BLOCKS)) {
    names.add(code);
    names.add(short);
  }
  for (const [code, short] of Object.entries(ENV_TYPES)) {
    names.add(code);
    names.add(short);
  }
  for (const loc of Object.keys(HETZNER_LOCATION_REGION)) names.add(loc);
  return names;
}

/** Why `name` is not a valid Organization slug, or undefined if it is. */
export function orgSlugProblem(name: unknown): string | undefined {
  if (typeof name !== 'string' || !ORG_SLUG.test(name)) {
    return `must match ${ORG_SLUG.source} (3-32 lowercase letters, digits or '-', starting with a letter) (got ${describeValue(name)})`;
  }
  if (name.startsWith('kube-')) return `is reserved: kube-* names belong to Kubernetes (got ${describeValue(name)})`;
  if (reservedOrgNames().has(name)) return `is reserved: it is a platform name or a provider/region/building-block/env-type code (got ${describeValue(name)})`;
  return undefined;
}
