/**
 * The Terraform variables of a Phase 0 stack: only what must not (secrets) or cannot (the SSH key,
 * when the program does not fix it) be known at synth time. Secrets are `sensitive`, have no
 * default and are never written into the program or the synthesized JSON.
 */
import { TerraformVariable } from 'cdktf';
import { Construct } from 'constructs';
import { ResolvedBase } from './props';

export interface Phase0Variables {
  /** The cloud API token expression (Hetzner), if the stack has one. */
  readonly cloudToken: string;
  /** The SSH public key: the literal from the props, or `var.ssh_public_key`. */
  readonly sshPublicKey: string;
  readonly pullToken?: string;
  readonly kubeconfigBearerToken?: string;
}

export interface Phase0VariableOptions {
  /** The cloud API token variable, if the provider takes one (hcloud does; AWS reads its environment). */
  readonly cloudToken?: { readonly id: string; readonly description: string };
  readonly sshPattern: RegExp;
}

function sensitive(scope: Construct, id: string, description: string): TerraformVariable {
  return new TerraformVariable(scope, id, {
    type: 'string',
    sensitive: true,
    nullable: false,
    description,
    validation: [{
      // Terraform JSON: an expression is a `${...}` template.
      condition: `\${length(var.${id}) > 0}`,
      errorMessage: `${id} must not be empty.`,
    }],
  });
}

export function phase0Variables(scope: Construct, r: ResolvedBase, o: Phase0VariableOptions): Phase0Variables {
  const cloudToken = o.cloudToken ? sensitive(scope, o.cloudToken.id, o.cloudToken.description).stringValue : '';
  let sshPublicKey = r.ssh.publicKey;
  if (sshPublicKey === undefined) {
    const v = new TerraformVariable(scope, 'ssh_public_key', {
      type: 'string',
      nullable: false,
      description: 'OpenSSH public key of the Sovereign admin (ssh-ed25519, ssh-rsa or ecdsa-sha2-nistp256).',
      validation: [{
        // Same rule as the synth-time check of sovereign.cloud.ssh.publicKey (RE2 syntax).
        condition: `\${can(regex(${JSON.stringify(o.sshPattern.source)}, trimspace(var.ssh_public_key)))}`,
        errorMessage: 'ssh_public_key must start with "ssh-ed25519 ", "ssh-rsa " or "ecdsa-sha2-nistp256 " followed by the base64 key.',
      }],
    });
    sshPublicKey = v.stringValue;
  }
  return {
    cloudToken,
    sshPublicKey,
    pullToken: r.pullSecret
      ? sensitive(scope, 'registry_pull_token', `Password of ${r.pullSecret.username} at ${r.pullSecret.registry}; cloud-init writes it as the flux-system/${r.pullSecret.secretName} Secret.`).stringValue
      : undefined,
    kubeconfigBearerToken: r.kubeconfigPostback
      ? sensitive(scope, 'kubeconfig_bearer_token', `One-shot bearer token for the kubeconfig postback to ${r.kubeconfigPostback.apiUrl}.`).stringValue
      : undefined,
  };
}
