/**
 * The built-in example Sovereign: what `catalyst synth` writes when given no --app.
 * A user's program looks the same: build a Sovereign and export it.
 */
import { Sovereign } from '../src/sovereign';

export function exampleSovereign(): Sovereign {
  return new Sovereign({
    fqdn: 'omantel.omani.works',
    org: { name: 'Omantel', email: 'platform@omantel.example' },
    cloud: { provider: 'hetzner', regions: ['fsn1'] },
    gitops: { url: 'https://gitea.omantel.omani.works/system/catalyst-config.git', branch: 'main' },
    kit: {
      cilium: { values: { hubble: { relay: true, ui: true } } },
    },
  });
}

export default exampleSovereign;
