/**
 * src/hetzner.ts: the one definition Phase 0 and the Crossplane claims share (server types,
 * locations, network zones, name stem).
 */
import { applyTransform } from './render';
import { format, replace } from '../../constructs/crossplane';
import {
  HETZNER_LOCATIONS,
  HETZNER_NAME_STEM_RULE,
  HETZNER_NETWORK_ZONE,
  HETZNER_SERVER_TYPE,
  HETZNER_SERVER_TYPE_PATTERN,
  hetznerNameStem,
  hetznerResourceName,
  isHetznerServerType,
  networkZoneOf,
  PHASE0_HETZNER_FACTS,
} from '../../src/hetzner';

describe('src/hetzner.ts', () => {
  test('server types: every family Phase 0 accepts (cx, cpx, ccx, cax), nothing else', () => {
    for (const t of ['cx22', 'cx32', 'cx42', 'cx52', 'cpx11', 'cpx51', 'ccx13', 'ccx63', 'cax11', 'cax41', 'cx122']) expect([t, isHetznerServerType(t)]).toEqual([t, true]);
    for (const t of ['cx', 'cx2', 'cx1234', 'CX22', 'ax41', 'cpx-31', ' cx22', 'cx22 ', 't3.large']) expect([t, isHetznerServerType(t)]).toEqual([t, false]);
    expect(HETZNER_SERVER_TYPE.source).toBe(HETZNER_SERVER_TYPE_PATTERN);
    // RE2 (the API server's and OpenTofu's regex engine) has no look-arounds or back-references.
    expect(HETZNER_SERVER_TYPE_PATTERN).not.toMatch(/\(\?[=!<]|\\[1-9]/);
  });

  test('every location has a network zone, as the upstream module maps it', () => {
    expect(Object.keys(HETZNER_NETWORK_ZONE).sort()).toEqual([...HETZNER_LOCATIONS].sort());
    expect(HETZNER_LOCATIONS.map(networkZoneOf)).toEqual(['eu-central', 'eu-central', 'eu-central', 'us-east', 'us-west']);
  });

  test('the name stem is catalyst-<fqdn with dashes>, and the Composition transforms give the same', () => {
    expect(hetznerNameStem('omantel.omani.works')).toBe('catalyst-omantel-omani-works');
    expect(hetznerResourceName('omantel.omani.works', 'network')).toBe('catalyst-omantel-omani-works-net');
    expect(hetznerResourceName('a.b', 'controlPlane1')).toBe('catalyst-a-b-cp1');
    const r = HETZNER_NAME_STEM_RULE;
    for (const fqdn of ['omantel.omani.works', 'x.y', 'a-b.c-d.e']) {
      const viaTransforms = applyTransform(format(`${r.prefix}%s-net`), applyTransform(replace(r.search, r.replace), fqdn));
      expect(viaTransforms).toBe(hetznerResourceName(fqdn, 'network'));
    }
  });

  test('the Phase-0 hand-off variables are valid Flux substitution names in flux-system', () => {
    expect(PHASE0_HETZNER_FACTS.namespace).toBe('flux-system');
    for (const v of Object.values(PHASE0_HETZNER_FACTS.variables)) expect(v).toMatch(/^[A-Z_][A-Z0-9_]*$/);
    expect(new Set(Object.values(PHASE0_HETZNER_FACTS.variables)).size).toBe(Object.keys(PHASE0_HETZNER_FACTS.variables).length);
  });
});
