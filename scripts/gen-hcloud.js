#!/usr/bin/env node
/**
 * Generates the typed hcloud L1 bindings (constructs/gen/hcloud/) from the vendored provider
 * schema (stacks/hetzner/schema/hcloud-provider-schema.json) with @cdktf/provider-generator.
 *
 * Why a vendored schema: there is no prebuilt hcloud provider package on the npm registry and
 * `cdktf get` needs the Terraform registry, which builds here cannot reach.
 *
 * The output is committed so a normal build needs no generation; test/phase0/hcloud-bindings.test.ts
 * regenerates into a temp dir and fails when the committed files differ (nobody edits them by hand).
 *
 * Usage: node scripts/gen-hcloud.js [OUTDIR]   (default: constructs/gen/hcloud)
 */
'use strict';
const fs = require('fs');
const os = require('os');
const path = require('path');

const ROOT = path.resolve(__dirname, '..');
const SCHEMA = path.join(ROOT, 'stacks', 'hetzner', 'schema', 'hcloud-provider-schema.json');
const DEFAULT_OUT = path.join(ROOT, 'constructs', 'gen', 'hcloud');

/** Provider source and the version constraint written into `required_providers` (UPSTREAM §6.1). */
const PROVIDER = { source: 'hetznercloud/hcloud', version: '~> 1.49', name: 'hcloud' };

function listFiles(dir, base = dir) {
  const out = [];
  for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) out.push(...listFiles(p, base));
    else out.push(path.relative(base, p));
  }
  return out.sort();
}

/**
 * @cdktf/commons runs `terraform version` when it is loaded; with a missing CLI config file that
 * only prints a warning block. Point it at /dev/null for the load (the generator needs no config).
 */
function quietRequire(id) {
  const prev = process.env.TF_CLI_CONFIG_FILE;
  if (!prev || !fs.existsSync(prev)) process.env.TF_CLI_CONFIG_FILE = '/dev/null';
  try {
    return require(id);
  } finally {
    if (prev === undefined) delete process.env.TF_CLI_CONFIG_FILE;
    else process.env.TF_CLI_CONFIG_FILE = prev;
  }
}

/**
 * Generates the bindings into `outDir` (replaced). Returns the relative file names written.
 * @param {string} [outDir]
 * @returns {Promise<string[]>}
 */
async function generate(outDir = DEFAULT_OUT) {
  // The generator logs through @cdktf/commons; keep it quiet unless asked.
  if (!process.env.CDKTF_LOG_LEVEL) process.env.CDKTF_LOG_LEVEL = 'error';
  const { TerraformProviderGenerator, CodeMaker } = quietRequire('@cdktf/provider-generator');
  const { ConstructsMakerProviderTarget, TerraformProviderConstraint, LANGUAGES } = quietRequire('@cdktf/commons');
  const schema = JSON.parse(fs.readFileSync(SCHEMA, 'utf8'));

  const code = new CodeMaker();
  const generator = new TerraformProviderGenerator(code, schema);
  generator.generate(new ConstructsMakerProviderTarget(new TerraformProviderConstraint(PROVIDER), LANGUAGES[0]));

  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'gen-hcloud-'));
  try {
    await code.save(tmp);
    const generated = path.join(tmp, 'providers', PROVIDER.name);
    if (!fs.existsSync(generated)) {
      throw new Error(`the generator wrote nothing under providers/${PROVIDER.name} (got: ${listFiles(tmp).join(', ')})`);
    }
    fs.rmSync(outDir, { recursive: true, force: true });
    fs.mkdirSync(path.dirname(outDir), { recursive: true });
    fs.cpSync(generated, outDir, { recursive: true });
  } finally {
    fs.rmSync(tmp, { recursive: true, force: true });
  }
  return listFiles(outDir);
}

module.exports = { generate, SCHEMA, DEFAULT_OUT, PROVIDER, listFiles };

if (require.main === module) {
  const out = process.argv[2] ? path.resolve(process.argv[2]) : DEFAULT_OUT;
  generate(out).then(
    (files) => console.log(`gen-hcloud: wrote ${files.length} files to ${path.relative(process.cwd(), out) || '.'}`),
    (err) => {
      console.error(`gen-hcloud: ${err && err.stack ? err.stack : err}`);
      process.exit(1);
    },
  );
}
