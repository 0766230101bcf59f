/**
 * A typed `#cloud-config` document: packages, write_files and runcmd, rendered as YAML.
 *
 * The rendered text becomes a Terraform string (server `user_data`), so it is escaped for
 * Terraform: a literal `${` or `%{` (shell variables, apt's `${distro_id}`) is written as `$${` /
 * `%%{`, while cdktf tokens (references such as the load balancer address or
 * `base64encode(var.hcloud_token)`) stay live and Terraform fills them at apply time.
 */
import { toYaml, JsonValue } from '../../src/yaml';

/** One file cloud-init writes before packages are installed and before runcmd runs. */
export interface CloudConfigFile {
  /** Absolute path on the node. */
  readonly path: string;
  /** File content. With `encoding: 'b64'` the content is base64 (typically a Terraform `base64encode(...)` token). */
  readonly content: string;
  /** Octal mode, e.g. `0600`. @default '0644' */
  readonly permissions?: string;
  /** `b64` for content that must not pass through YAML as text (secrets filled by Terraform). */
  readonly encoding?: 'b64';
}

/** A runcmd entry: argv (exec form, no shell parsing). */
export type RunCommand = readonly string[];

export interface CloudConfigProps {
  /** `apt-get update` before installing packages. @default true */
  readonly packageUpdate?: boolean;
  readonly packages?: readonly string[];
  readonly writeFiles?: readonly CloudConfigFile[];
  readonly runcmd?: readonly RunCommand[];
}

/** Cloud-init's documented user-data limits: Hetzner 32 KiB, EC2 16 KiB (before base64). */
export const USER_DATA_LIMITS = { hetzner: 32 * 1024, aws: 16 * 1024 } as const;

/** cdktf token placeholders (`${TfToken[TOKEN.12]}`) must survive the Terraform escaping. */
const LITERAL_INTERPOLATION = /\$\{(?!TfToken\[)/g;
const LITERAL_DIRECTIVE = /%\{/g;

/** Escapes a literal string for a Terraform template string, leaving cdktf tokens live. */
export function escapeForTerraform(text: string): string {
  // A replacer function: in a replacement string `$$` would itself mean one `$`.
  return text.replace(LITERAL_INTERPOLATION, () => '$${').replace(LITERAL_DIRECTIVE, () => '%%{');
}

/** A `#cloud-config` document. */
export class CloudConfig {
  public readonly packageUpdate: boolean;
  public readonly packages: readonly string[];
  public readonly writeFiles: readonly CloudConfigFile[];
  public readonly runcmd: readonly RunCommand[];

  constructor(props: CloudConfigProps) {
    this.packageUpdate = props.packageUpdate ?? true;
    this.packages = [...(props.packages ?? [])];
    this.writeFiles = [...(props.writeFiles ?? [])];
    this.runcmd = [...(props.runcmd ?? [])];
    const paths = new Set<string>();
    for (const f of this.writeFiles) {
      if (!f.path.startsWith('/')) throw new Error(`cloud-config write_files path must be absolute: ${f.path}`);
      if (paths.has(f.path)) throw new Error(`cloud-config writes ${f.path} twice`);
      paths.add(f.path);
    }
  }

  /** The document as data (what cloud-init parses). */
  public toJson(): { [key: string]: JsonValue } {
    return {
      package_update: this.packageUpdate,
      packages: [...this.packages],
      write_files: this.writeFiles.map((f) => ({
        path: f.path,
        permissions: f.permissions ?? '0644',
        owner: 'root:root',
        ...(f.encoding ? { encoding: f.encoding } : {}),
        content: f.content,
      })),
      runcmd: this.runcmd.map((c) => [...c]),
    };
  }

  /** The `#cloud-config` text, not yet escaped for Terraform. */
  public renderRaw(): string {
    return `#cloud-config\n${toYaml(this.toJson())}`;
  }

  /** The `#cloud-config` text escaped for a Terraform string (what goes into `user_data`). */
  public render(): string {
    return escapeForTerraform(this.renderRaw());
  }
}
