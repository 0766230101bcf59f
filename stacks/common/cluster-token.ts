/**
 * The k3s cluster join token: random, generated once at the first apply and kept in state, never
 * a value derived from public inputs (upstream: sha256 of project id + FQDN, which anyone who knew
 * both could recompute and join a node to the cluster).
 */
import { Password as RandomPassword } from '@cdktf/provider-random/lib/password';
import { RandomProvider } from '@cdktf/provider-random/lib/provider';
import { DataResource, Fn } from 'cdktf';
import { Construct } from 'constructs';

/**
 * `random-provider`: `random_password` (hashicorp/random), 48 alphanumeric characters.
 * `builtin`: Terraform's built-in `terraform_data` holding two `uuid()`s (244 random bits),
 * frozen after the first apply with `ignore_changes`; for stacks that must need no provider
 * besides the cloud's own (the AWS stack, validated offline against a mirror holding only
 * hashicorp/aws).
 */
export type ClusterTokenSource = 'random-provider' | 'builtin';

export class ClusterToken extends Construct {
  /** Terraform expression of the token (sensitive). */
  public readonly value: string;

  constructor(scope: Construct, id: string, source: ClusterTokenSource) {
    super(scope, id);
    if (source === 'random-provider') {
      new RandomProvider(this, 'random');
      // Alphanumeric only: the token lands in files and headers where quoting must never matter.
      const pw = new RandomPassword(this, 'password', { length: 48, special: false });
      pw.overrideLogicalId(id);
      this.value = pw.result;
    } else {
      const data = new DataResource(this, 'data', {
        input: { token: Fn.sensitive(Fn.replace(Fn.join('', [Fn.uuid(), Fn.uuid()]), '-', '')) },
        lifecycle: { ignoreChanges: ['input'] },
      });
      data.overrideLogicalId(id);
      this.value = data.getStringAttribute('output.token');
    }
  }
}
