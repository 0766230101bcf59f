/**
 * Entry point for users of the cdk8s CLI (`cdk8s synth -a "npx ts-node examples/cdk8s-app.ts"`,
 * or `cd examples && cdk8s synth` with the cdk8s.yaml beside this file). Writes the same files
 * as `catalyst synth` into the directory the cdk8s CLI chooses (CDK8S_OUTDIR, default dist/).
 */
import { exampleSovereign } from './sovereign';
import { writeAtomically } from '../src/output';
import { synthesize } from '../src/synth';

const outdir = process.env.CDK8S_OUTDIR ?? 'dist';
writeAtomically(outdir, synthesize(exampleSovereign()).files);
