/**
 * The built-in example Sovereign: what `catalyst synth` writes when given no --app.
 * A user's program looks the same: build a Sovereign and export it.
 */
import { Bge } from '../blueprints/bge';
import { LlmGateway } from '../blueprints/llm-gateway';
import { Openmeter } from '../blueprints/openmeter';
import { Temporal } from '../blueprints/temporal';
import { Sovereign } from '../src/sovereign';
import { app } from '../src/tenants';

export function exampleSovereign(): Sovereign {
  return new Sovereign({
    fqdn: 'omantel.omani.works',
    org: { name: 'Omantel', email: 'platform@omantel.example' },
    cloud: { provider: 'hetzner', regions: ['fsn1'] },
    gitops: { url: 'https://gitea.omantel.omani.works/system/catalyst-config.git', branch: 'main' },
    kit: {
      cilium: { values: { hubble: { relay: true, ui: true } } },
    },
    organizations: [
      {
        name: 'acme',
        displayName: 'Acme Retail',
        quota: { cpu: '16', memory: '32Gi' },
        environments: [
          { type: 'prod', applications: [app('workflows', Temporal), app('metering', Openmeter)] },
          { type: 'dev', applications: [app('workflows', Temporal)] },
        ],
      },
      {
        name: 'globex',
        environments: [
          { type: 'stg', applications: [app('embeddings', Bge), app('gateway', LlmGateway)] },
        ],
      },
    ],
  });
}

export default exampleSovereign;
