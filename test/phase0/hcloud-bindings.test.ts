/**
 * The hcloud L1 bindings are generated from the vendored schema and committed. These tests keep
 * them honest: the committed files equal a fresh generation (nobody edits them by hand), the
 * schema covers the resources Phase 0 needs, and every hcloud block the Hetzner stack synthesizes
 * conforms to that schema (our stand-in for `terraform validate`, which has no hcloud provider here).
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { hetzner } from './support';

// eslint-disable-next-line @typescript-eslint/no-require-imports
const gen = require('../../scripts/gen-hcloud.js') as {
  generate: (out: string) => Promise<string[]>;
  listFiles: (dir: string) => string[];
  SCHEMA: string;
  DEFAULT_OUT: string;
};

interface Attr { type: unknown; required?: boolean; optional?: boolean; computed?: boolean; sensitive?: boolean }
interface Block { attributes?: Record<string, Attr>; block_types?: Record<string, { nesting_mode: string; block: Block; max_items?: number }> }
const FQPN = 'registry.terraform.io/hetznercloud/hcloud';
const schema = JSON.parse(fs.readFileSync(gen.SCHEMA, 'utf8')) as {
  format_version: string;
  provider_schemas: Record<string, { provider: { block: Block }; resource_schemas: Record<string, { block: Block }> }>;
  provider_versions: Record<string, string>;
};
const resources = schema.provider_schemas[FQPN].resource_schemas;

test('the committed bindings equal a fresh generation from the vendored schema', async () => {
  const out = fs.mkdtempSync(path.join(os.tmpdir(), 'hcloud-gen-'));
  try {
    const files = await gen.generate(path.join(out, 'hcloud'));
    const committed = gen.listFiles(gen.DEFAULT_OUT);
    expect(committed).toEqual(files);
    for (const f of files) {
      const fresh = fs.readFileSync(path.join(out, 'hcloud', f), 'utf8');
      const mine = fs.readFileSync(path.join(gen.DEFAULT_OUT, f), 'utf8');
      if (fresh !== mine) throw new Error(`constructs/gen/hcloud/${f} differs from a fresh generation: run \`node scripts/gen-hcloud.js\` (never edit generated bindings)`);
    }
  } finally {
    fs.rmSync(out, { recursive: true, force: true });
  }
});

test('the schema is the `terraform providers schema -json` shape for hcloud 1.49.1 and names its source', () => {
  expect(schema.format_version).toBe('1.0');
  expect(schema.provider_versions[FQPN]).toBe('1.49.1');
  expect(schema.provider_schemas[FQPN].provider.block.attributes!.token).toMatchObject({ type: 'string', optional: true, sensitive: true });
  const readme = fs.readFileSync(path.join(path.dirname(gen.SCHEMA), 'README.md'), 'utf8');
  expect(readme).toContain('hetznercloud/terraform-provider-hcloud');
  expect(readme).toContain('docs/resources');
});

test('the schema covers every resource the issue lists, with typed computed attributes', () => {
  expect(Object.keys(resources).sort()).toEqual([
    'hcloud_firewall', 'hcloud_firewall_attachment', 'hcloud_floating_ip', 'hcloud_load_balancer', 'hcloud_load_balancer_network',
    'hcloud_load_balancer_service', 'hcloud_load_balancer_target', 'hcloud_network', 'hcloud_network_subnet', 'hcloud_placement_group',
    'hcloud_primary_ip', 'hcloud_rdns', 'hcloud_server', 'hcloud_ssh_key', 'hcloud_volume',
  ]);
  const server = resources.hcloud_server.block;
  expect(Object.keys(server.block_types!).sort()).toEqual(['network', 'public_net', 'timeouts']);
  expect(server.attributes!.placement_group_id).toMatchObject({ type: 'number', optional: true });
  expect(server.attributes!.ipv4_address).toMatchObject({ type: 'string', computed: true });
  const svc = resources.hcloud_load_balancer_service.block;
  expect(svc.block_types!.health_check.block.block_types!.http.max_items).toBe(1);
  expect(svc.block_types!.http.block.attributes!.redirect_http).toBeDefined();
});

test('generated classes expose computed attributes as typed getters', () => {
  const src = fs.readFileSync(path.join(gen.DEFAULT_OUT, 'server', 'index.ts'), 'utf8');
  expect(src).toMatch(/public get ipv4Address\(\) \{\s*return this\.getStringAttribute\('ipv4_address'\);/);
  expect(src).toMatch(/public get primaryDiskSize\(\) \{\s*return this\.getNumberAttribute\('primary_disk_size'\);/);
  expect(fs.readFileSync(path.join(gen.DEFAULT_OUT, 'load-balancer', 'index.ts'), 'utf8')).toMatch(/public get ipv4\(\) \{\s*return this\.getStringAttribute\('ipv4'\);/);
});

/** Checks one synthesized block against its schema block; returns problems. */
function conform(where: string, value: Record<string, unknown>, block: Block): string[] {
  const problems: string[] = [];
  const attrs = block.attributes ?? {};
  const blocks = block.block_types ?? {};
  const meta = new Set(['depends_on', 'lifecycle', 'count', 'for_each', 'provider', '//']);
  for (const [k, v] of Object.entries(value)) {
    if (meta.has(k)) continue;
    if (attrs[k]) {
      if (attrs[k].computed && !attrs[k].optional && !attrs[k].required) problems.push(`${where}.${k} is read-only`);
      const t = attrs[k].type;
      const ok = typeof v === 'string' && v.startsWith('${') ? true
        : t === 'string' ? typeof v === 'string'
          : t === 'number' ? typeof v === 'number'
            : t === 'bool' ? typeof v === 'boolean'
              : Array.isArray(t) && (t[0] === 'list' || t[0] === 'set') ? Array.isArray(v)
                : Array.isArray(t) && t[0] === 'map' ? typeof v === 'object' : false;
      if (!ok) problems.push(`${where}.${k}: ${JSON.stringify(v)} is not a ${JSON.stringify(t)}`);
    } else if (blocks[k]) {
      const items = Array.isArray(v) ? v : [v];
      if (blocks[k].max_items !== undefined && items.length > blocks[k].max_items!) problems.push(`${where}.${k} has more than ${blocks[k].max_items} blocks`);
      items.forEach((item, i) => problems.push(...conform(`${where}.${k}[${i}]`, item as Record<string, unknown>, blocks[k].block)));
    } else {
      problems.push(`${where}.${k} is not in the hcloud 1.49.1 schema`);
    }
  }
  for (const [k, a] of Object.entries(attrs)) if (a.required && value[k] === undefined) problems.push(`${where}.${k} is required`);
  return problems;
}

test('every hcloud resource the Hetzner stack synthesizes conforms to the vendored schema', () => {
  const { json } = hetzner({
    controlPlane: { count: 3 },
    workers: { general: { serverType: 'cx32', count: 2, placementGroup: true } },
    ssh: { allowedCidrs: ['203.0.113.7/32'] },
  });
  const problems: string[] = [];
  let checked = 0;
  for (const [type, byName] of Object.entries(json.resource)) {
    if (!type.startsWith('hcloud_')) continue;
    expect(resources[type]).toBeDefined();
    for (const [name, body] of Object.entries(byName)) {
      problems.push(...conform(`${type}.${name}`, body, resources[type].block));
      checked++;
    }
  }
  expect(problems).toEqual([]);
  expect(checked).toBeGreaterThan(15);
  // A broken block is caught (the check can fail).
  expect(conform('hcloud_server.x', { name: 'x', bogus: 1, ipv4_address: '1.2.3.4' }, resources.hcloud_server.block))
    .toEqual(['hcloud_server.x.bogus is not in the hcloud 1.49.1 schema', 'hcloud_server.x.ipv4_address is read-only', 'hcloud_server.x.server_type is required']);
});
