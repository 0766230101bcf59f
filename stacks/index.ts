/**
 * Phase 0 as cdktf stacks: the OpenTofu/Terraform JSON that brings a Sovereign's first cluster up
 * and hands over to Flux. `synthesizePhase0` is pure (no files written, no child process) and
 * deterministic, so `catalyst synth` can write `tofu/<stack>/cdk.tf.json` beside `flux/` without
 * the cdktf CLI, and tests can compare outputs byte for byte.
 */
import * as os from 'os';
// Before cdktf: keeps its index from loading archiver, which synthesis never uses.
import './common/defer-archiver';
import { App, TerraformStack } from 'cdktf';
import { invokeAspects } from 'cdktf/lib/synthesize/synthesizer';
import type { AwsPhase0Stack as AwsStackType } from './aws';
import { CatalystError } from '../src/errors';
import type { Sovereign } from '../src/sovereign';
import { clusterBootstrap } from './cloud-init/bootstrap';
import type { HetznerPhase0Stack as HetznerStackType } from './hetzner';

export { K3sNodeCloudInit } from './cloud-init/k3s-node';
export { CloudConfig } from './cloud-init/cloud-config';
export { clusterBootstrap } from './cloud-init/bootstrap';

/** Stack name of each cloud: also the folder under `tofu/`. */
export const PHASE0_STACK_NAMES = { hetzner: 'hetzner', aws: 'aws' } as const;

/**
 * Adds the Sovereign's Phase 0 stack(s) to a cdktf App (what `cdktf synth` runs through
 * examples/phase0-app.ts). No stack when the Sovereign has no `cloud`.
 */
export function addPhase0Stacks(app: App, sov: Sovereign): TerraformStack[] {
  const cloud = sov.props.cloud;
  if (!cloud) return [];
  const bootstrap = clusterBootstrap(sov);
  switch (cloud.provider) {
    // Each cloud's stack (and its provider bindings, @cdktf/provider-aws alone is large) is loaded
    // only when a Sovereign uses that cloud.
    case 'hetzner': {
      // eslint-disable-next-line @typescript-eslint/no-require-imports
      const { HetznerPhase0Stack } = require('./hetzner') as { HetznerPhase0Stack: typeof HetznerStackType };
      return [new HetznerPhase0Stack(app, PHASE0_STACK_NAMES.hetzner, sov, cloud, bootstrap)];
    }
    case 'aws': {
      // eslint-disable-next-line @typescript-eslint/no-require-imports
      const { AwsPhase0Stack } = require('./aws') as { AwsPhase0Stack: typeof AwsStackType };
      return [new AwsPhase0Stack(app, PHASE0_STACK_NAMES.aws, sov, cloud, bootstrap)];
    }
    default:
      throw CatalystError.at('sovereign.cloud.provider', `no Phase 0 stack for ${JSON.stringify((cloud as { provider?: unknown }).provider)}`);
  }
}

/** JSON with object keys sorted at every level: the same input gives the same bytes. */
export function stableJson(value: unknown): string {
  const sort = (v: unknown): unknown => {
    if (Array.isArray(v)) return v.map(sort);
    if (v !== null && typeof v === 'object') {
      return Object.fromEntries(Object.keys(v as object).sort().map((k) => [k, sort((v as Record<string, unknown>)[k])]));
    }
    return v;
  };
  return JSON.stringify(sort(value), null, 2) + '\n';
}

/**
 * The synthesized Terraform JSON of one stack, as `cdktf synth` would write it, without touching
 * the disk: aspects and validations run, error annotations fail the synth.
 */
export function synthesizeStack(stack: TerraformStack): string {
  invokeAspects(stack);
  stack.runAllValidations();
  const errors = stack.node.findAll().flatMap((c) => c.node.metadata.filter((m) => m.type === '@cdktf/error').map((m) => `[${c.node.path}] ${String(m.data)}`));
  if (errors.length) throw new Error(`cdktf synth of ${stack.node.id} failed:\n${errors.join('\n')}`);
  return stableJson(stack.toTerraform());
}

/** A cdktf App that writes nothing at construction (its outdir exists) and records no stack traces. */
export function phase0App(): App {
  return new App({ outdir: os.tmpdir(), stackTraces: false });
}

/**
 * The Sovereign's Phase 0 Terraform JSON, keyed `tofu/<stack>/cdk.tf.json`. Empty when the
 * Sovereign has no `cloud`. Throws a CatalystError (with field paths) for invalid cloud props.
 */
export function synthesizePhase0(sov: Sovereign): Map<string, string> {
  const files = new Map<string, string>();
  for (const stack of addPhase0Stacks(phase0App(), sov)) {
    files.set(`tofu/${stack.node.id}/cdk.tf.json`, synthesizeStack(stack));
  }
  return files;
}
