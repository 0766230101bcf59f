/**
 * Entry point for users of the cdktf CLI (`cd examples && cdktf synth`, with the cdktf.json beside
 * this file): builds the example Sovereign's Phase 0 stacks and lets cdktf write them to its
 * output directory (CDKTF_OUTDIR, default cdktf.out/stacks/<stack>/cdk.tf.json). `catalyst synth`
 * writes the same JSON under tofu/ without the CLI.
 *
 * CATALYST_EXAMPLE_CLOUD=aws builds the same Sovereign on AWS instead of Hetzner (what
 * scripts/test-terraform.sh validates with real terraform).
 */
import { App } from 'cdktf';
import { AwsCloudProps } from '../src/cloud';
import { Sovereign, SovereignProps } from '../src/sovereign';
import { addPhase0Stacks } from '../stacks';
import { exampleSovereign } from './sovereign';

/** The example Sovereign's props with its first cluster on AWS. */
export function awsExampleSovereign(): Sovereign {
  const props: SovereignProps = exampleSovereign().props;
  const cloud: AwsCloudProps = {
    provider: 'aws',
    regions: ['eu-central-1'],
    controlPlane: { count: 3 },
    workers: { general: { instanceType: 'm6i.large', count: 2 } },
    ssh: { allowedCidrs: ['203.0.113.0/24', '2001:db8::/48'] },
    // Exercised so `npm run test:terraform` validates every optional input and file of the cloud-init.
    kubeconfigPostback: { deploymentId: 'example-deployment' },
    pullSecret: { registry: 'ghcr.io', username: 'openova-bot' },
  };
  return new Sovereign({ ...props, cloud });
}

export function phase0ExampleApp(cloud = process.env.CATALYST_EXAMPLE_CLOUD ?? 'hetzner'): App {
  if (cloud !== 'hetzner' && cloud !== 'aws') {
    throw new Error(`CATALYST_EXAMPLE_CLOUD must be hetzner or aws (got ${JSON.stringify(cloud)})`);
  }
  // No stack traces in the metadata: they hold absolute paths of this machine.
  const app = new App({ stackTraces: false });
  addPhase0Stacks(app, cloud === 'aws' ? awsExampleSovereign() : exampleSovereign());
  return app;
}

if (require.main === module) {
  phase0ExampleApp().synth();
}
