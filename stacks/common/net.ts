/**
 * Small IPv4/IPv6 CIDR helpers for synth-time checks (containment, overlap, host addresses), so a
 * wrong network is reported with its field path before `tofu apply` rather than by the cloud API.
 */
import { isIP } from 'net';

export interface Ipv4Cidr {
  /** Network address as an unsigned 32-bit integer. */
  readonly base: number;
  readonly prefix: number;
  readonly text: string;
}

function ipv4ToInt(ip: string): number | undefined {
  if (isIP(ip) !== 4) return undefined;
  return ip.split('.').reduce((acc, o) => acc * 256 + Number(o), 0);
}

export function intToIpv4(n: number): string {
  return [24, 16, 8, 0].map((s) => Math.floor(n / 2 ** s) % 256).join('.');
}

/** Parses `a.b.c.d/n`; undefined when malformed or when host bits are set. */
export function parseIpv4Cidr(text: string): Ipv4Cidr | undefined {
  const m = /^([0-9.]+)\/([0-9]{1,2})$/.exec(text);
  if (!m) return undefined;
  const ip = ipv4ToInt(m[1]);
  const prefix = Number(m[2]);
  if (ip === undefined || prefix > 32) return undefined;
  const size = 2 ** (32 - prefix);
  if (ip % size !== 0) return undefined;
  return { base: ip, prefix, text };
}

/** True for a valid IPv4 or IPv6 CIDR (what `cidrnetmask()`/the firewall accept; host bits allowed for v6). */
export function isCidr(text: string): boolean {
  const slash = text.lastIndexOf('/');
  if (slash < 0) return false;
  const addr = text.slice(0, slash);
  const prefix = text.slice(slash + 1);
  if (!/^[0-9]{1,3}$/.test(prefix)) return false;
  const family = isIP(addr);
  if (family === 4) return parseIpv4Cidr(text) !== undefined;
  return family === 6 && Number(prefix) <= 128;
}

export function cidrSize(c: Ipv4Cidr): number {
  return 2 ** (32 - c.prefix);
}

export function contains(outer: Ipv4Cidr, inner: Ipv4Cidr): boolean {
  return inner.prefix >= outer.prefix && inner.base >= outer.base && inner.base + cidrSize(inner) <= outer.base + cidrSize(outer);
}

export function overlaps(a: Ipv4Cidr, b: Ipv4Cidr): boolean {
  return a.base < b.base + cidrSize(b) && b.base < a.base + cidrSize(a);
}

/** Like Terraform's `cidrhost()`: the n-th address of a range. */
export function cidrHost(c: Ipv4Cidr, n: number): string {
  if (n < 0 || n >= cidrSize(c)) throw new Error(`host ${n} is outside ${c.text}`);
  return intToIpv4(c.base + n);
}

/** Like Terraform's `cidrsubnet()`. */
export function cidrSubnet(c: Ipv4Cidr, newBits: number, index: number): Ipv4Cidr {
  const prefix = c.prefix + newBits;
  if (prefix > 32 || index < 0 || index >= 2 ** newBits) throw new Error(`cannot take subnet ${index} of ${c.text} with ${newBits} new bits`);
  const base = c.base + index * 2 ** (32 - prefix);
  return { base, prefix, text: `${intToIpv4(base)}/${prefix}` };
}

const RFC1918 = ['10.0.0.0/8', '172.16.0.0/12', '192.168.0.0/16'].map((t) => parseIpv4Cidr(t)!);

/** Inside one of the RFC 1918 private ranges (what Hetzner networks and VPCs accept). */
export function isPrivateRange(c: Ipv4Cidr): boolean {
  return RFC1918.some((r) => contains(r, c));
}
