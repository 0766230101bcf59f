/**
 * A Blueprint author's view: pack this library, install the tarball into an empty TypeScript
 * project, compile a Blueprint subclass against the published typings, synthesize with it.
 */
import { execFileSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import { ROOT, parseStream, tempDir } from '../support/tools';

const MAIN_TS = `
import { Chart } from 'cdk8s';
import { Type } from '@sinclair/typebox';
import { Blueprint, blueprintSpec, helmChart, strictObject, Sovereign, use, synthesize, writeAtomically, CertManager } from 'catalyst-cdk';
import { k8s } from 'cdk8s-plus-28';

const Values = strictObject({ greeting: Type.String({ minLength: 1 }) });

/** A third-party Blueprint, as it would live in its own npm package. */
export class Hello extends Blueprint<typeof Values> {
  public static readonly spec = blueprintSpec({
    name: 'hello', version: '0.1.0', section: 'pts-4-5-communication',
    card: { title: 'Hello', summary: 'Says hello.' },
    upstream: [helmChart('hello', '1.2.3', 'https://charts.hello.example')],
    namespace: 'hello', depends: [CertManager], values: Values, defaults: { greeting: 'hi' },
  });
  protected overlays(scope: Chart): void {
    new k8s.KubeConfigMap(scope, 'greeting', { metadata: { name: 'greeting' }, data: { text: this.values.greeting } });
  }
}

const sov = new Sovereign({
  fqdn: 'consumer.sovereign.test',
  org: { name: 'Consumer', email: 'ops@consumer.test' },
  blueprints: [use(Hello, { values: { greeting: 'hello from a package' } })],
});
writeAtomically(process.argv[2], synthesize(sov).files);
`;

const TSCONFIG = { compilerOptions: { target: 'ES2022', module: 'commonjs', strict: true, esModuleInterop: true, skipLibCheck: false, outDir: 'dist', types: ['node'] }, files: ['main.ts'] };

describe('published package', () => {
  test('installs into an empty TypeScript project, compiles a Blueprint subclass and synthesizes', () => {
    const work = tempDir('catalyst-pack-');
    const tgz = execFileSync('npm', ['pack', '--silent', '--pack-destination', work], { cwd: ROOT, encoding: 'utf8' }).trim().split('\n').pop()!;
    const consumer = path.join(work, 'consumer');
    fs.mkdirSync(consumer);
    fs.writeFileSync(path.join(consumer, 'package.json'), JSON.stringify({ name: 'consumer', version: '1.0.0', private: true }));
    execFileSync('npm', ['install', path.join(work, tgz), 'typescript@~5.9.3', '@types/node@^20', '--no-audit', '--no-fund', '--prefer-offline', '--loglevel=error'], { cwd: consumer, stdio: 'pipe' });
    fs.writeFileSync(path.join(consumer, 'main.ts'), MAIN_TS);
    fs.writeFileSync(path.join(consumer, 'tsconfig.json'), JSON.stringify(TSCONFIG));
    // Compile against the published typings only (no access to this repo's sources).
    execFileSync(path.join(consumer, 'node_modules', '.bin', 'tsc'), ['-p', '.'], { cwd: consumer, stdio: 'pipe' });
    const out = path.join(consumer, 'out');
    execFileSync(process.execPath, ['dist/main.js', out], { cwd: consumer, stdio: 'pipe' });
    const slot = fs.readFileSync(path.join(out, 'flux/clusters/consumer.sovereign.test/bootstrap-kit/hello.yaml'), 'utf8');
    const objects = parseStream(slot);
    const hr = objects.find((o) => o.kind === 'HelmRelease') as any;
    expect(hr.spec.chart.spec).toMatchObject({ chart: 'hello', version: '1.2.3' });
    expect(hr.spec.dependsOn).toEqual([{ name: 'bp-cert-manager', namespace: 'flux-system' }]);
    expect(objects.find((o) => o.kind === 'ConfigMap')).toMatchObject({ metadata: { name: 'greeting', namespace: 'hello' }, data: { text: 'hello from a package' } });
    expect(fs.existsSync(path.join(out, 'blueprints/bp-hello/blueprint.yaml'))).toBe(true);
    // The package's CLI works from the install too.
    const cli = execFileSync(path.join(consumer, 'node_modules', '.bin', 'catalyst'), ['catalog'], { cwd: consumer, encoding: 'utf8' });
    expect(cli).toContain('bp-cilium');
  }, 240_000);
});
