import { applicationHost, clusterName, controlPlaneHost, crossplaneName, environmentName, locationCode, networkName, orgSlugProblem, serverName } from '../../src/naming';

describe('naming convention (NAMING-CONVENTION §3 examples)', () => {
  const p = { provider: 'hz', region: 'fsn', buildingBlock: 'rtz', env: 'prod' } as const;
  test('patterns', () => {
    expect(clusterName(p)).toBe('hz-fsn-rtz-prod');
    expect(serverName(p, 'k8s', 1)).toBe('hzfsnr-k8s-1p');
    expect(locationCode({ ...p, buildingBlock: 'mgt' })).toBe('hfmp');
    expect(crossplaneName(p, 'vpc')).toBe('hz-fsn-rtz-prod-vpc');
    expect(networkName(p)).toBe('rtz-prod');
    expect(environmentName('acme', 'prod')).toBe('acme-prod');
    expect(controlPlaneHost('console', { ...p, buildingBlock: 'mgt' }, 'openova.io')).toBe('console.hfmp.openova.io');
    expect(applicationHost('blog', 'acme', 'prod', 'omantel.openova.io')).toBe('blog.acme-prod.omantel.openova.io');
  });

  test.each([
    [{ provider: 'hz', region: 'fsn', buildingBlock: 'rtz', env: 'prod' }, 'hfrp'],
    [{ provider: 'hz', region: 'fsn', buildingBlock: 'dmz', env: 'prod' }, 'hfdp'],
    [{ provider: 'hz', region: 'hel', buildingBlock: 'rtz', env: 'prod' }, 'hlrp'],
    [{ provider: 'hz', region: 'nbg', buildingBlock: 'mgt', env: 'prod' }, 'hnmp'],
    [{ provider: 'hz', region: 'ash', buildingBlock: 'rtz', env: 'prod' }, 'harp'],
    [{ provider: 'hz', region: 'sin', buildingBlock: 'rtz', env: 'prod' }, 'hsrp'],
    [{ provider: 'hw', region: 'apse', buildingBlock: 'rtz', env: 'prod' }, 'wprp'],
    [{ provider: 'oci', region: 'dxb', buildingBlock: 'rtz', env: 'prod' }, 'oxrp'],
    [{ provider: 'oci', region: 'fra', buildingBlock: 'rtz', env: 'prod' }, 'orrp'],
  ] as const)('location code of %j is %s (published table)', (placement, code) => {
    expect(locationCode(placement)).toBe(code);
  });

  test('bad dimensions are path-bearing errors', () => {
    expect(() => clusterName({ ...p, region: 'xxx' }, 'sovereign.cloud')).toThrow('sovereign.cloud.region: unknown region "xxx" for provider hz; allowed: fsn, nbg, hel, ash, hil, sin');
    expect(() => clusterName({ ...p, env: 'dr' as never })).toThrow('placement.env: unknown environment type "dr"');
  });

  test.each([
    ['acme', undefined],
    ['a-b-c', undefined],
    ['ab', /must match/],
    ['Acme', /must match/],
    ['1acme', /must match/],
    ['a'.repeat(33), /must match/],
    ['system', /reserved/],
    ['crossplane', /reserved/],
    ['kube-things', /kube-\* names/],
    ['prod', /reserved/],
    ['fsn', /reserved/],
    ['rtz', /reserved/],
    ['fsn1', /reserved/],
    ['oci', /reserved/],
  ])('org slug %j', (name, problem) => {
    const got = orgSlugProblem(name);
    if (problem === undefined) expect(got).toBeUndefined();
    else expect(got).toMatch(problem);
  });
});
