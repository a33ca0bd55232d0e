import { javascript, typescript } from 'projen';

// Every peer is optional: each face of the package needs only its own (see `exports` below), and
// the main entry, the image entry and the CLI need none.
const OPTIONAL_PEERS = [
  'cdk8s@^2.70.0',
  'constructs@^10.4.2',
  'cdk8s-plus-27@^2.9.5',
  'cdk8s-plus-28@^2.5.6',
  'cdk8s-plus-29@^2.6.0',
  'cdk8s-plus-30@^2.4.10',
  'cdk8s-plus-31@^2.6.43',
  'cdk8s-plus-32@^2.5.92',
  'cdk8s-plus-33@^2.5.57',
  '@pulumi/pulumi@^3.200.0',
  '@pulumi/kubernetes@^4.18.0',
  '@pulumi/policy@^1.21.0',
];

/**
 * k8s-least-privilege: the capability model, the rules, the `check` CLI,
 * the cdk8s constructs and the Pulumi policy pack live in one package.
 */
const project = new typescript.TypeScriptProject({
  name: 'k8s-least-privilege',
  description:
    'Least-privilege Kubernetes containers that still bind port 80: a capability model, cdk8s constructs, a Pulumi policy pack and a checker.',
  license: 'Apache-2.0',
  copyrightOwner: 'k8s-least-privilege authors',
  defaultReleaseBranch: 'main',
  projenrcTs: true,
  packageManager: javascript.NodePackageManager.NPM,
  minNodeVersion: '20.0.0',

  // This repository is built and tested by .ci/run, not by GitHub workflows.
  github: false,
  buildWorkflow: false,
  release: false,
  depsUpgrade: false,
  pullRequestTemplate: false,
  eslint: true,
  eslintOptions: {
    dirs: ['src'],
    devdirs: ['test', 'bench', 'scripts'],
    // Each file is linted against the tsconfig that includes it (src: tsconfig.json, the rest: test/tsconfig.json).
    projectService: true,
    // .ci/run must fail on a finding, not fix it silently: `npx projen eslint --fix` fixes.
    commandOptions: { fix: false },
    ignorePatterns: ['*.js', '*.d.ts', 'node_modules/', 'coverage', 'test/.work/', 'examples/*/dist/', 'examples/*/imports/', 'lib/'],
  },
  prettier: false,
  sampleCode: false,
  package: false,

  // js-yaml loads documents (fast); yaml locates the line of a finding, only for documents that have one.
  // fzstd decodes zstd image layers on Node.js < 22.15, whose zlib has no zstd (pure JavaScript).
  // ajv validates the enforcement configuration against its JSON Schema (src/check/config-schema.ts).
  // diff (jsdiff) writes `check --fix --dry-run`'s unified diff and the SARIF suggestions' regions.
  // @types/sarif: the public typings of the SARIF writer (its fixes) name its types, so a user's compiler needs it.
  deps: ['js-yaml@^4.1.0', 'yaml@^2.8.1', 'fzstd@^0.1.1', 'ajv@^8.17.1', 'diff@^9.0.0', '@types/sarif@^2.1.7'],
  // cdk8s, constructs, each cdk8s-plus version and the Pulumi packages are optional peers: a
  // user installs the ones of the faces they use (k8s-least-privilege/cdk8s, /pulumi, /policy-pack).
  peerDeps: OPTIONAL_PEERS,
  // The exact versions tested are the devDependencies below.
  peerDependencyOptions: { pinnedDevDependency: false },
  devDeps: [
    '@types/js-yaml@^4.0.9',
    'cdk8s@2.70.0',
    'cdk8s-plus-27@2.9.5',
    'constructs@10.4.2',
    '@pulumi/policy@^1.21.0',
    '@pulumi/pulumi@^3.200.0',
    'cdk8s-cli@^2.200.0',
    'fast-check@^3.23.0',
    // The Pulumi component (PrivilegedPortService for @pulumi/kubernetes), tested with Pulumi's mocks.
    '@pulumi/kubernetes@^4.34.2',
    // The constructs support cdk8s-plus 28 to 33 beside 27; each is tested.
    'cdk8s-plus-28@2.5.6',
    'cdk8s-plus-29@2.6.0',
    'cdk8s-plus-30@2.4.10',
    'cdk8s-plus-31@2.6.43',
    'cdk8s-plus-32@2.5.92',
    'cdk8s-plus-33@2.5.57',
    // The runtime harness speaks CRI to containerd over gRPC itself (no crictl build).
    '@grpc/grpc-js@^1.14.0',
    '@grpc/proto-loader@^0.8.0',
    // The analyzer-protocol test client builds Pulumi's protobuf messages itself.
    'google-protobuf@^3.21.4',
    // The SARIF 2.1.0 JSON schema ships in this package; ajv (a dependency) validates our output against it.
    '@microsoft/jest-sarif@1.0.0-beta.0',
    'ajv-draft-04@^1.0.0',
    'ajv-formats@^3.0.1',
    // The consumer test lints the packed package as npm and TypeScript's resolvers see it.
    'publint@^0.3.25',
    '@arethetypeswrong/cli@^0.18.5',
  ],
  // kubectl finds `kubectl-least_privilege` on PATH as the plugin `kubectl least-privilege`.
  bin: { 'k8s-least-privilege': 'bin/k8s-least-privilege', 'kubectl-least_privilege': 'bin/kubectl-least_privilege' },
  // The package's contents are the `files` list below, not an .npmignore.
  npmignoreEnabled: false,

  tsconfig: {
    compilerOptions: {
      lib: ['es2022'],
      target: 'ES2022',
      module: 'commonjs',
      strict: true,
      noUnusedLocals: true,
      noUnusedParameters: true,
      noImplicitReturns: true,
      skipLibCheck: true,
      // No source maps: inline ones doubled every file of the package with its own source.
      inlineSourceMap: false,
      inlineSources: false,
    },
  },
  typescriptVersion: '~5.9.3',
  jestOptions: {
    jestVersion: '^29',
    coverageText: false,
    junitReporting: false,
    passWithNoTests: false,
    updateSnapshot: javascript.UpdateSnapshot.NEVER,
    jestConfig: {
      testMatch: ['<rootDir>/test/**/*.test.ts'],
      collectCoverage: false,
      testTimeout: 120_000,
      // Every suite that skips for want of something (runtime, PSA oracle, probe image) records why;
      // the teardown prints the list as the run's last lines (test/skips).
      globalSetup: '<rootDir>/test/skips/setup.ts',
      globalTeardown: '<rootDir>/test/skips/teardown.ts',
    },
  },
});

/**
 * Lint rules beyond projen's defaults (docs/architecture.md): no import cycles, type-only imports
 * said so, and the layers' import direction (model ← input, image, rules ← check, planner ← faces).
 */
const LAYERS: Record<string, readonly string[]> = {
  model: ['input', 'image', 'rules', 'check', 'planner', 'report', 'cli', 'integrations', 'constructs', 'pulumi', 'admission', 'fix'],
  input: ['image', 'rules', 'check', 'planner', 'report', 'cli', 'integrations', 'constructs', 'pulumi', 'admission', 'fix'],
  image: ['rules', 'check', 'planner', 'report', 'cli', 'integrations', 'constructs', 'pulumi', 'admission', 'fix'],
  rules: ['input', 'image', 'check', 'planner', 'report', 'cli', 'integrations', 'constructs', 'pulumi', 'admission', 'fix'],
  check: ['planner', 'report', 'cli', 'integrations', 'constructs', 'pulumi', 'admission', 'fix'],
  planner: ['input', 'rules', 'check', 'report', 'cli', 'integrations', 'constructs', 'pulumi', 'admission', 'fix'],
  admission: ['input', 'image', 'check', 'planner', 'report', 'cli', 'integrations', 'constructs', 'pulumi', 'fix'],
  fix: ['cli', 'integrations', 'constructs', 'pulumi', 'admission'],
};
project.eslint?.addRules({
  'import/no-cycle': 'error',
  // `typeof import('…')` stays allowed: it types what a lazy require() loads.
  '@typescript-eslint/consistent-type-imports': ['error', { fixStyle: 'separate-type-imports', disallowTypeAnnotations: false }],
  'import/no-restricted-paths': [
    'error',
    {
      zones: Object.entries(LAYERS).map(([layer, above]) => ({
        target: `./src/${layer}`,
        from: above.map((folder) => `./src/${folder}`),
        message: `src/${layer} may not import from the layers above it (docs/architecture.md)`,
      })),
    },
  ],
  // Capability sets are bit masks (the kernel's vfs_cap_data) and tar headers are octal fields.
  'no-bitwise': 'off',
});
// Tests and benchmarks load modules by computed path (each example, each rule file, a fresh module state).
project.eslint?.addOverride({ files: ['test/**/*.ts', 'bench/**/*.ts'], rules: { '@typescript-eslint/no-require-imports': 'off' } });

project.package.addField(
  'peerDependenciesMeta',
  Object.fromEntries(OPTIONAL_PEERS.map((peer) => [peer.slice(0, peer.lastIndexOf('@')), { optional: true }])),
);
/**
 * One entry per face of the package, each with its own types, so that a face's typings import
 * only that face's peers: the main entry (model, rules, checker, reports, planner, images, the
 * cdk8s validation plugin) needs none; `./cdk8s` needs cdk8s, constructs and cdk8s-plus; `./pulumi`
 * @pulumi/pulumi and @pulumi/kubernetes; `./policy-pack` @pulumi/policy. No wildcard into lib/.
 * The policy pack itself is a directory (`--policy-pack node_modules/k8s-least-privilege/policies`),
 * run by path, not imported.
 */
const ENTRY_POINTS: Record<string, string> = {
  '.': 'lib/index',
  './cdk8s': 'lib/constructs/index',
  './pulumi': 'lib/pulumi/index',
  './policy-pack': 'lib/integrations/pulumi-policy',
  './cdk8s-validation': 'lib/integrations/cdk8s-validation',
  './image': 'lib/image/index',
};
// CommonJS, said outright, so that Node.js does not detect it for each file.
project.package.addField('type', 'commonjs');
project.package.addField('exports', {
  ...Object.fromEntries(
    Object.entries(ENTRY_POINTS).map(([entry, file]) => [entry, { types: `./${file}.d.ts`, default: `./${file}.js` }]),
  ),
  './package.json': './package.json',
});
// TypeScript's node10 resolution (moduleResolution node) ignores `exports`: the same subpaths for it.
project.package.addField('typesVersions', {
  '*': Object.fromEntries(
    Object.entries(ENTRY_POINTS)
      .filter(([entry]) => entry !== '.')
      .map(([entry, file]) => [entry.slice(2), [`${file}.d.ts`]]),
  ),
});
// What the tarball holds (README.md, LICENSE and package.json always go): the compiled library
// (.js and .d.ts only), the CLI, the policy pack and the docs; not .ci, bench, scripts, src, test
// or examples. test/consumer installs the tarball and checks it.
project.package.addField('files', [
  'lib/**/*.js',
  'lib/**/*.d.ts',
  'bin/',
  'policies/index.js',
  'policies/package.json',
  'policies/PulumiPolicy.yaml',
  'policies/README.md',
  'docs/',
  'helm-plugin/',
]);

// The CLI tests run the compiled binary, as users do.
project.testTask.prependSpawn(project.compileTask);

// The package as npm and TypeScript's resolvers see it (test/consumer runs both on its tarball too).
const lintPackage = project.addTask('lint:package', {
  description: 'Lint the packed package: publint (package.json, files) and arethetypeswrong (types of every export under node10, node16 and bundler resolution)',
});
lintPackage.spawn(project.compileTask);
lintPackage.exec('publint run --strict');
lintPackage.exec('attw --pack .');

// The main job (README's first command): synthesize the example app with the real cdk8s CLI and check it.
const example = project.addTask('example', {
  description: 'Synthesize examples/app with cdk8s synth and check the output with the CLI',
});
example.spawn(project.compileTask);
// --no-check-upgrade: cdk8s-cli's check for a newer version prints a stack trace offline.
example.exec('cdk8s synth --no-check-upgrade', { cwd: 'examples/app' });
example.exec('node bin/k8s-least-privilege check examples/app/dist');

// What the test suite runs against besides Node: the real Pod Security Admission library.
const testPrepare = project.addTask('test:prepare', {
  description: 'Build what the tests run against: the Pod Security Admission and admission-policy oracles (Go), Helm (Go), pre-commit (PyPI), containerd and the test image, umoci for image tests, a local OCI registry (docker-registry, skopeo) for registry tests (needs root)',
});
testPrepare.exec('bash test/oracle/build.sh');
testPrepare.exec('bash test/vap-oracle/build.sh');
testPrepare.exec('bash test/runtime/setup.sh');
testPrepare.exec('bash test/image/setup.sh');
testPrepare.exec('bash test/registry/setup.sh');
testPrepare.exec('bash test/integrations/build-helm.sh');
testPrepare.exec('bash test/integrations/setup-tools.sh');

// Rule docs are generated from the rules' metadata; a test fails when they are stale.
project.addTask('docs:rules', {
  description: 'Regenerate docs/rules from the rules\' metadata',
  exec: 'ts-node --project test/tsconfig.json scripts/generate-rule-docs.ts',
});

// A long differential run against the real PSA library (the test suite runs a bounded sample).
project.addTask('fuzz:psa', {
  description: 'Compare the PSS evaluator with the PSA library on 20,000 random pods (seed printed)',
  env: { PSA_FUZZ_RUNS: '20000' },
  steps: [{ spawn: 'test:prepare' }, { exec: 'jest --ci test/conformance' }],
});

// The benchmark: figures, not tests (bench/RESULTS.md).
const bench = project.addTask('bench', {
  description: 'Benchmark check, the Pulumi policy pack and the constructs on seeded corpora; writes bench/RESULTS.md',
  env: { TS_NODE_PROJECT: 'test/tsconfig.json' },
});
bench.spawn(project.compileTask);
bench.exec('ts-node --transpile-only bench/run.ts');

// A long fuzz run of the checker (the test suite runs a bounded one).
project.addTask('fuzz', {
  description: 'Fuzz the checker with 20,000 mutated manifest streams (seed printed; FUZZ_SEED to replay)',
  env: { FUZZ_RUNS: '20000' },
  steps: [{ spawn: 'compile' }, { exec: 'jest --ci test/robustness/fuzz.test.ts' }],
});

project.gitignore.exclude('/test/.work/', '/examples/*/dist/', '/examples/*/imports/', '/.ci-out/');
project.synth();
