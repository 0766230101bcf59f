/**
 * Helpers for the Phase 0 tests: small Sovereigns, stack synthesis, and a stand-in for Terraform's
 * template rendering so the cloud-init in `user_data` can be parsed as the node will see it.
 */
import { TerraformStack, Testing } from 'cdktf';
import { parse } from 'yaml';
import { CertManager } from '../../blueprints/cert-manager';
import { Cilium } from '../../blueprints/cilium';
import { Flux } from '../../blueprints/flux';
import { AwsCloudProps, CloudProps, HetznerCloudProps } from '../../src/cloud';
import { Sovereign, SovereignProps, use } from '../../src/sovereign';
import { phase0App } from '../../stacks';
import { AwsPhase0Stack } from '../../stacks/aws';
import { HetznerPhase0Stack } from '../../stacks/hetzner';

export const FQDN = 'omantel.omani.works';
export const SSH_KEY = 'ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIGQ3fTtBwWgS0Xqv8q5Zy4bqJbJ8o8S0Xqv8q5Zy4bqJ ops@acme.test';

export function sovereign(cloud?: CloudProps, extra: Partial<SovereignProps> = {}): Sovereign {
  return new Sovereign({
    fqdn: FQDN,
    org: { name: 'Acme', email: 'ops@acme.test' },
    includeKit: false,
    blueprints: [use(Cilium), use(CertManager), use(Flux)],
    gitops: { url: 'https://gitea.acme.test/system/sovereign.git', branch: 'main' },
    cloud,
    ...extra,
  });
}

export const HETZNER: HetznerCloudProps = { provider: 'hetzner', regions: ['fsn1'], ssh: { publicKey: SSH_KEY } };
export const AWS: AwsCloudProps = { provider: 'aws', regions: ['eu-central-1'], ssh: { publicKey: SSH_KEY } };

/** The Terraform JSON of a stack, parsed (cdktf metadata removed). */
export type TfJson = {
  resource: Record<string, Record<string, Record<string, any>>>;
  data?: Record<string, Record<string, Record<string, any>>>;
  variable?: Record<string, Record<string, any>>;
  output?: Record<string, Record<string, any>>;
  provider?: Record<string, Array<Record<string, any>>>;
  terraform?: Record<string, any>;
};

export interface Synth<S extends TerraformStack> {
  readonly stack: S;
  /** Testing.synth output, for the cdktf matchers. */
  readonly synth: string;
  readonly json: TfJson;
}

export function hetzner(cloud: Partial<HetznerCloudProps> = {}, sovProps: Partial<SovereignProps> = {}): Synth<HetznerPhase0Stack> {
  const full = { ...HETZNER, ...cloud } as HetznerCloudProps;
  const sov = sovereign(full, sovProps);
  const stack = new HetznerPhase0Stack(phase0App(), 'hetzner', sov, full);
  const synth = Testing.synth(stack, true);
  return { stack, synth, json: JSON.parse(synth) as TfJson };
}

export function aws(cloud: Partial<AwsCloudProps> = {}): Synth<AwsPhase0Stack> {
  const full = { ...AWS, ...cloud } as AwsCloudProps;
  const stack = new AwsPhase0Stack(phase0App(), 'aws', sovereign(full), full);
  const synth = Testing.synth(stack, true);
  return { stack, synth, json: JSON.parse(synth) as TfJson };
}

/**
 * Renders a Terraform template string the way Terraform would: `$${` → `${`, `%%{` → `%{`, and each
 * `${expr}` replaced by `resolve(expr)` (default: `<expr>`).
 */
export function renderTemplate(text: string, resolve: (expr: string) => string = (e) => `<${e}>`): string {
  let out = '';
  let i = 0;
  while (i < text.length) {
    if (text.startsWith('$${', i)) {
      out += '${';
      i += 3;
    } else if (text.startsWith('%%{', i)) {
      out += '%{';
      i += 3;
    } else if (text.startsWith('%{', i)) {
      throw new Error(`unescaped template directive at ${i}: ${text.slice(i, i + 40)}`);
    } else if (text.startsWith('${', i)) {
      let depth = 1;
      let j = i + 2;
      let inString = false;
      while (j < text.length && depth > 0) {
        const c = text[j];
        if (inString) {
          if (c === '\\') j++;
          else if (c === '"') inString = false;
        } else if (c === '"') {
          inString = true;
        } else if (c === '{') {
          depth++;
        } else if (c === '}') {
          depth--;
        }
        j++;
      }
      out += resolve(text.slice(i + 2, j - 1));
      i = j;
    } else {
      out += text[i];
      i++;
    }
  }
  return out;
}

/** Every `${expr}` Terraform would evaluate in a template string. */
export function templateExpressions(text: string): string[] {
  const found: string[] = [];
  renderTemplate(text, (e) => {
    found.push(e);
    return '';
  });
  return found;
}

/** Stand-in values for expressions, base64 wrapped like `base64encode(x)` would. */
export function fakeTerraform(expr: string): string {
  const b64 = /^base64encode\((.*)\)$/.exec(expr);
  if (b64) return Buffer.from(`<${b64[1]}>`).toString('base64');
  return `<${expr}>`;
}

export interface CloudConfigDoc {
  package_update: boolean;
  packages: string[];
  write_files: Array<{ path: string; permissions: string; owner: string; encoding?: string; content: string }>;
  runcmd: string[][];
}

/** Parses a server's user_data as cloud-init will (after Terraform rendered it). */
export function cloudConfigOf(userData: string): CloudConfigDoc {
  const text = renderTemplate(userData, fakeTerraform);
  if (!text.startsWith('#cloud-config\n')) throw new Error('user_data does not start with #cloud-config');
  return parse(text, { version: '1.1' }) as CloudConfigDoc;
}

export function fileOf(doc: CloudConfigDoc, path: string): { content: string; permissions: string; encoding?: string } {
  const f = doc.write_files.find((w) => w.path === path);
  if (!f) throw new Error(`no ${path} in write_files: ${doc.write_files.map((w) => w.path).join(', ')}`);
  return f;
}

export function decoded(doc: CloudConfigDoc, path: string): string {
  const f = fileOf(doc, path);
  return f.encoding === 'b64' ? Buffer.from(f.content, 'base64').toString('utf8') : f.content;
}

/** Step names in runcmd order. */
export function stepsOf(doc: CloudConfigDoc): string[] {
  return doc.runcmd.map((c) => {
    if (c[0] !== '/usr/local/lib/catalyst/run-step') throw new Error(`unexpected runcmd ${JSON.stringify(c)}`);
    return c[1];
  });
}
