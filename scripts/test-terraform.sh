#!/usr/bin/env bash
# Validates the synthesized Phase 0 AWS stack with real terraform, offline:
#   1. writes a CLI config whose only provider source is the machine's filesystem mirror;
#   2. synthesizes the example Sovereign on AWS (examples/phase0-app.ts, CATALYST_EXAMPLE_CLOUD=aws);
#   3. runs `terraform init -backend=false` and `terraform validate` on it.
# Fails, with what to install, when terraform or the mirror is missing: it never passes silently.
#
# The Hetzner stack is not validated here: the mirror holds no hetznercloud/hcloud (no network
# to the registry); test/phase0/hetzner-schema.test.ts checks it against the vendored schema instead.
#
# Env: TERRAFORM (default: terraform on PATH), TF_PLUGIN_MIRROR (default: /opt/tf-plugins).
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
TERRAFORM="${TERRAFORM:-terraform}"
MIRROR="${TF_PLUGIN_MIRROR:-/opt/tf-plugins}"
AWS_PROVIDER_VERSION="5.100.0"   # what @cdktf/provider-aws 20.1.x is generated from

fail() {
  echo "test:terraform: FAILED: $*" >&2
  exit 1
}

command -v "$TERRAFORM" >/dev/null 2>&1 \
  || fail "no terraform binary ('$TERRAFORM' is not on PATH). Install Terraform >= 1.6 (the image ships /usr/local/bin/terraform) or set TERRAFORM=/path/to/terraform."
provider_dir="$MIRROR/registry.terraform.io/hashicorp/aws/$AWS_PROVIDER_VERSION"
ls "$provider_dir"/*/terraform-provider-aws_* >/dev/null 2>&1 \
  || fail "no hashicorp/aws $AWS_PROVIDER_VERSION in the provider mirror $MIRROR (expected $provider_dir/<os_arch>/terraform-provider-aws_*). Populate it with 'terraform providers mirror $MIRROR' on a machine with registry access, or set TF_PLUGIN_MIRROR."

work="$(mktemp -d "${TMPDIR:-/tmp}/catalyst-tf.XXXXXX")"
trap 'rm -rf "$work"' EXIT

# Our own CLI config: the mirror only, never the network, and no warnings about a missing ~/.terraformrc.
cat > "$work/terraformrc" <<EOF
provider_installation {
  filesystem_mirror {
    path    = "$MIRROR"
    include = ["registry.terraform.io/*/*"]
  }
}
EOF
export TF_CLI_CONFIG_FILE="$work/terraformrc"
export TF_IN_AUTOMATION=1
export CHECKPOINT_DISABLE=1

echo "test:terraform: $("$TERRAFORM" version | head -n1), mirror $MIRROR"

# Synthesize the AWS stack of the example Sovereign.
(cd "$ROOT" && CATALYST_EXAMPLE_CLOUD=aws CDKTF_OUTDIR="$work/cdktf.out" \
  node -r ts-node/register/transpile-only examples/phase0-app.ts) \
  || fail "synthesizing the AWS stack (examples/phase0-app.ts) failed"
stack="$work/cdktf.out/stacks/aws"
[ -f "$stack/cdk.tf.json" ] || fail "the synth wrote no $stack/cdk.tf.json"

cd "$stack"
"$TERRAFORM" init -backend=false -input=false -no-color > "$work/init.log" 2>&1 \
  || { cat "$work/init.log" >&2; fail "terraform init -backend=false failed for the AWS stack"; }
grep -E "Installing|Installed" "$work/init.log" || true
"$TERRAFORM" validate -no-color \
  || fail "terraform validate rejected the synthesized AWS stack ($stack/cdk.tf.json)"
echo "test:terraform: OK: the AWS Phase 0 stack is valid Terraform ($(grep -c '"//"' cdk.tf.json) elements)."
