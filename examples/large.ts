/**
 * Large Sovereigns for the benchmark (bench/bench.ts) and for anyone sizing a platform repo:
 * the default kit, every application Blueprint of the catalog at platform level, and `orgs`
 * Organizations × 3 Environments × 5 Applications.
 */
import { APPLICATIONS } from '../blueprints/apps';
import { LlmGateway } from '../blueprints/llm-gateway';
import { Openmeter } from '../blueprints/openmeter';
import { Reloader } from '../blueprints/reloader';
import { Temporal } from '../blueprints/temporal';
import { Valkey } from '../blueprints/valkey';
import { BlueprintClass } from '../src/blueprint';
import { EnvType } from '../src/naming';
import { Sovereign, use } from '../src/sovereign';
import { app, OrganizationProps } from '../src/tenants';

/** Values the application Blueprints require (they have no safe default). */
const REQUIRED: { readonly [K in keyof typeof APPLICATIONS]?: unknown } = {
  anthropicAdapter: { image: { repository: 'ghcr.io/openova-io/openova/anthropic-adapter', tag: '1.0.0' } },
  livekit: { keys: { existingSecret: 'livekit-keys' } },
  librechat: {
    mongo: { existingSecret: 'librechat-mongo' },
    credentials: { existingSecret: 'librechat-credentials' },
    keycloak: { realm: 'sovereign', existingSecret: 'librechat-oidc' },
  },
  matrix: { oidc: { realm: 'sovereign', clientSecret: { name: 'matrix-oidc', key: 'client-secret' } } },
};

const ENVS: readonly EnvType[] = ['prod', 'stg', 'dev'];
const TENANT_APPS: readonly (readonly [string, BlueprintClass])[] = [
  ['workflows', Temporal], ['metering', Openmeter], ['gateway', LlmGateway], ['cache', Valkey], ['reloader', Reloader],
];

/** Organization `org-0001` … with three Environments of five Applications each. */
export function organizations(count: number): OrganizationProps[] {
  return Array.from({ length: count }, (_, i) => ({
    name: `org-${String(i + 1).padStart(4, '0')}`,
    environments: ENVS.map((type) => ({ type, applications: TENANT_APPS.map(([name, cls]) => app(name, cls)) })),
  }));
}

export function largeSovereign(orgs: number): Sovereign {
  return new Sovereign({
    fqdn: 'large.sovereign.test',
    org: { name: 'Large', email: 'platform@large.example' },
    gitops: { url: 'https://gitea.large.sovereign.test/system/catalyst-config.git' },
    blueprints: (Object.keys(APPLICATIONS) as (keyof typeof APPLICATIONS)[]).map((k) => use(APPLICATIONS[k] as BlueprintClass, { values: REQUIRED[k] })),
    organizations: organizations(orgs),
  });
}
