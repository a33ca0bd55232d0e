/**
 * The installed package is the product. This test packs the project as npm publishes it (the
 * compiled lib/ that `npm test` builds first), installs the tarball into fresh projects in a new
 * temporary directory (outside this repository, so that neither Node nor tsc finds a package in
 * this repository's node_modules by walking up) and uses it only through what a user has: the package's exports, its bin,
 * its policies/ directory, with `skipLibCheck: false` so that the package's typings are checked
 * too. Two projects:
 * - `library`: the tarball, TypeScript and @types/node, and no peer dependency at all: (a) a
 *   library user importing `k8s-least-privilege` and `k8s-least-privilege/image` (compiled under
 *   node10 and node16 resolution, then run), (c) the CLI through `npx k8s-least-privilege`;
 * - `apps`: the tarball with cdk8s, cdk8s-plus-27, constructs, @pulumi/policy, @pulumi/pulumi and
 *   @pulumi/kubernetes: (b) a cdk8s app in TypeScript using `k8s-least-privilege/cdk8s`,
 *   synthesized by the real `cdk8s synth` with the validation plugin from node_modules, (d) the
 *   policy pack from `node_modules/k8s-least-privilege/policies`, started as the Pulumi engine
 *   starts it and spoken to over the analyzer protocol, (e) the Pulumi component from
 *   `k8s-least-privilege/pulumi` under Pulumi's mocks, and the `policy-pack` typings;
 * - `plus32`: the tarball with cdk8s, constructs and only cdk8s-plus-32: (g) the constructs'
 *   typings name no cdk8s-plus package, so such an app type-checks with `skipLibCheck: false`,
 *   and runs; a construct left to the default module (27) says to pass `plus`.
 * The packages come from npm's cache where they are (`--prefer-offline`), in the versions this
 * repository tests with. publint and arethetypeswrong lint the same tarball.
 */
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { parseAllDocuments } from 'yaml';
import { cliSnippets, docSnippets, KUBECTL_STAND_IN, NOT_UNDERSTOOD, SNIPPET_CONTEXT, snippetModule } from './doc-snippets';
import { HARDEN_POLICY_NAME, POLICY_PACK_NAME } from '../../src/integrations/pulumi-policy';
import { RULES } from '../../src/rules';
import { DEFAULT_PACK_CONFIG, PolicyPackProcess } from '../integrations/analyzer-client';
import type { EnforcementFixture } from '../integrations/enforcement-table';
import { ENFORCEMENT_FIXTURES } from '../integrations/enforcement-table';

const REPO = join(__dirname, '..', '..');
const WORK = mkdtempSync(join(tmpdir(), 'k8s-least-privilege-consumer-'));
const CDK8S = join(REPO, 'node_modules', 'cdk8s-cli', 'bin', 'cdk8s');
const PACKAGE = JSON.parse(readFileSync(join(REPO, 'package.json'), 'utf8')) as { name: string; version: string };

interface Run {
  readonly status: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

/**
 * The environment of every command: this process's, without the `npm_*` variables that `npm test`
 * sets for this repository (`npm_config_local_prefix` and the like would point a nested npm here).
 */
function consumerEnv(): NodeJS.ProcessEnv {
  const env = Object.fromEntries(Object.entries(process.env).filter(([key]) => !/^npm_/i.test(key)));
  return { ...env, FORCE_COLOR: '0', NO_COLOR: '1', npm_config_update_notifier: 'false' };
}

function run(command: string, args: readonly string[], cwd: string, env: NodeJS.ProcessEnv = {}): Promise<Run> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { cwd, env: { ...consumerEnv(), ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.on('error', reject);
    child.on('close', (status) => resolve({ status, stdout, stderr }));
  });
}

/** Runs a command that must succeed; its output is in the error otherwise. */
async function succeed(command: string, args: readonly string[], cwd: string, env: NodeJS.ProcessEnv = {}): Promise<Run> {
  const result = await run(command, args, cwd, env);
  if (result.status !== 0) {
    throw new Error(`${command} ${args.join(' ')} (in ${cwd}) exited ${result.status}\n${result.stdout}\n${result.stderr}`);
  }
  return result;
}

/** `name@version` as installed in this repository's node_modules: the version its tests use. */
function tested(name: string): string {
  const { version } = JSON.parse(readFileSync(join(REPO, 'node_modules', name, 'package.json'), 'utf8')) as { version: string };
  return `${name}@${version}`;
}

function writeFiles(directory: string, files: Record<string, string>): void {
  mkdirSync(directory, { recursive: true });
  for (const [name, text] of Object.entries(files)) writeFileSync(join(directory, name), text);
}

/** A fresh project with `dependencies` installed from npm (its cache first) beside the tarball. */
async function installProject(name: string, tarball: string, dependencies: readonly string[], flags: readonly string[] = []): Promise<string> {
  const directory = join(WORK, name);
  writeFiles(directory, { 'package.json': `${JSON.stringify({ name: `consumer-${name}`, version: '1.0.0', private: true }, null, 2)}\n` });
  await succeed('npm', ['install', '--no-audit', '--no-fund', '--prefer-offline', '--loglevel=error', ...flags, tarball, ...dependencies], directory);
  return directory;
}

/**
 * Writes `source` as `<file>.ts` with a tsconfig.json for plain `tsc` into `directory` and
 * compiles it with the project's TypeScript, checking the libraries' typings too.
 */
function compile(project: string, directory: string, file: string, source: string, compilerOptions: Record<string, unknown> = {}): Promise<Run> {
  return compileFiles(project, directory, { [file]: source }, compilerOptions);
}

/** {@link compile} for several files, compiled together. */
function compileFiles(
  project: string,
  directory: string,
  sources: Record<string, string>,
  compilerOptions: Record<string, unknown> = {},
): Promise<Run> {
  const options = { target: 'ES2022', module: 'commonjs', strict: true, skipLibCheck: false, types: ['node'], outDir: 'out', ...compilerOptions };
  writeFiles(directory, { ...sources, 'tsconfig.json': `${JSON.stringify({ compilerOptions: options, files: Object.keys(sources) }, null, 2)}\n` });
  return run(process.execPath, [join(project, 'node_modules', 'typescript', 'bin', 'tsc'), '-p', 'tsconfig.json'], directory);
}

/** The tsc errors of a compile, as lines. */
function typeErrors(result: Run): string[] {
  return result.stdout.split('\n').filter((line) => line.includes('error TS'));
}

/** A compile that succeeded, or its errors. */
async function compiled(result: Promise<Run>): Promise<{ status: number | null; output: string }> {
  const { status, stdout, stderr } = await result;
  return { status, output: `${stdout}${stderr}`.trim() };
}

/** The TypeScript snippets of README.md and docs/, each compiled as a module against the installed package. */
const SNIPPETS = docSnippets(REPO);
/** The shell snippets that call the CLI, each run as written against the installed package. */
const CLI_SNIPPETS = cliSnippets(REPO);

/** A fixture that fails (LP001, the trap) and one that passes every rule. */
const TRAP = fixture('non-root-net-bind');
const COMPLIANT = fixture('high-port');

function fixture(id: string): EnforcementFixture {
  const found = ENFORCEMENT_FIXTURES.find((candidate) => candidate.id === id);
  if (found === undefined) throw new Error(`no fixture ${id}`);
  return found;
}

/** (a): the model on a pod template, the checker on a manifest file, and image reading. */
const LIBRARY_USER = [
  "import { analyzePod, checkInputs, DEFAULT_RUNTIME_PROFILE, exitStatusOf, formatJson, readSources, RULES } from 'k8s-least-privilege';",
  // docs/image-facts.md's import, once `k8s-least-privilege/lib/image` (not exported: MODULE_NOT_FOUND at run time).
  "import { inspectImage, loadImages, normalizeImageReference, readImage, readImageInspection } from 'k8s-least-privilege/image';",
  '',
  `const deployment = ${JSON.stringify(TRAP.object)};`,
  "const analysis = analyzePod(deployment.spec.template, { runtimeProfile: 'strict' });",
  "const report = checkInputs(readSources(['../trap.yaml']), { runtimeProfile: DEFAULT_RUNTIME_PROFILE });",
  'console.log(JSON.stringify({',
  '  bind: analysis.containers[0].ports[0].bind,',
  '  ruleIds: report.resources.flatMap((resource) => resource.findings.map((finding) => finding.ruleId)).sort(),',
  '  exitStatus: exitStatusOf(report),',
  '  schemaVersion: JSON.parse(formatJson(report)).schemaVersion,',
  '  rules: RULES.length,',
  "  image: normalizeImageReference('nginx'),",
  '  imageFunctions: [readImage, inspectImage, loadImages, readImageInspection].map((f) => typeof f),',
  '}));',
  '',
].join('\n');

/** (b): a cdk8s app; `EXTRA_OBJECTS` names a JSON file of more objects (the trap), added as they are. */
const CDK8S_APP = [
  "import { readFileSync } from 'node:fs';",
  "import { ApiObject, ApiObjectProps, App, Chart } from 'cdk8s';",
  "import { BindStrategy, PrivilegedPortService } from 'k8s-least-privilege/cdk8s';",
  '',
  'const app = new App();',
  "const chart = new Chart(app, 'consumer');",
  "const web = new PrivilegedPortService(chart, 'web', { image: 'nginxinc/nginx-unprivileged:1.27', port: 80, appPortConfigurable: true, strategy: BindStrategy.auto() });",
  "if (web.strategy !== 'highPort') throw new Error(`strategy ${web.strategy}, not highPort`);",
  'const extra = process.env.EXTRA_OBJECTS;',
  "if (extra) for (const { id, object } of JSON.parse(readFileSync(extra, 'utf8')) as { id: string; object: ApiObjectProps }[]) new ApiObject(chart, id, object);",
  'app.synth();',
  '',
].join('\n');

/** (b): README's "Enforce in cdk8s synth", with the images assumed to add nothing (no registry here). */
const CDK8S_YAML = [
  'language: typescript',
  'app: node out/main.js',
  'output: dist',
  'validations:',
  '  - package: ./node_modules/k8s-least-privilege/lib/integrations/cdk8s-validation.js',
  '    version: 0.0.0',
  '    class: LeastPrivilegeValidation',
  '    properties: { runtimeProfile: strict, podSecurityVersion: latest, imageFacts: assume-none }',
  '',
].join('\n');

/**
 * (g): every construct on cdk8s-plus-32 alone, with that version's own types (its `Probe`,
 * `ServiceType`); a `HardenedContainer` field typed without arguments; and the default module's
 * absence reported as the construct's error.
 */
const PLUS32_APP = [
  "import { App, Chart } from 'cdk8s';",
  "import * as kplus from 'cdk8s-plus-32';",
  "import { HardenedContainer, hardenWorkload, PrivilegedPortService } from 'k8s-least-privilege/cdk8s';",
  '',
  'const app = new App();',
  "const chart = new Chart(app, 'plus32');",
  "const web = new PrivilegedPortService(chart, 'web', { plus: kplus, image: 'nginxinc/nginx-unprivileged:1.27', port: 80, appPortConfigurable: true,",
  "  readiness: kplus.Probe.fromHttpGet('/', { port: 8080 }), serviceType: kplus.ServiceType.CLUSTER_IP });",
  "const dns = new kplus.Deployment(chart, 'dns', { containers: [] });",
  "const server: HardenedContainer = new HardenedContainer(dns, 'server', { image: 'coredns/coredns:1.11.3', ports: [{ number: 53, protocol: kplus.Protocol.UDP }, { number: 53 }] });",
  "const legacy = hardenWorkload(new kplus.Deployment(chart, 'legacy', { containers: [{ image: 'nginx', portNumber: 80 }] }));",
  'let withoutPlus: string;',
  'try {',
  "  new PrivilegedPortService(chart, 'default-module', { image: 'nginx', port: 80 });",
  "  withoutPlus = 'created';",
  '} catch (error) {',
  '  withoutPlus = (error as Error).message;',
  '}',
  'console.log(JSON.stringify({ web: web.strategy, dns: server.strategy, legacy: legacy.plan?.strategy, withoutPlus }));',
  '',
].join('\n');

/** (e): the Pulumi component under Pulumi's mocks; prints its strategy and the resource types registered. */
const PULUMI_USER = [
  "import * as pulumi from '@pulumi/pulumi';",
  "import { BindStrategy, PrivilegedPortService } from 'k8s-least-privilege/pulumi';",
  '',
  'function valueOf<T>(output: pulumi.Output<T>): Promise<T> {',
  '  return new Promise((resolve) => output.apply((value) => resolve(value)));',
  '}',
  '',
  'async function main(): Promise<void> {',
  '  const registered: string[] = [];',
  '  await pulumi.runtime.setMocks({',
  '    newResource(args: pulumi.runtime.MockResourceArgs) {',
  '      registered.push(args.type);',
  '      return { id: `${args.name}-id`, state: args.inputs };',
  '    },',
  '    call(args: pulumi.runtime.MockCallArgs) {',
  '      return args.inputs;',
  '    },',
  "  }, 'project', 'stack', false);",
  "  const web = new PrivilegedPortService('web', { image: 'nginxinc/nginx-unprivileged:1.27', port: 80, appPortConfigurable: true, strategy: BindStrategy.auto() });",
  '  const strategy = await valueOf(web.strategy);',
  '  await Promise.all([valueOf(web.deployment.urn), valueOf(web.service.urn)]);',
  '  console.log(JSON.stringify({ strategy, registered: registered.sort() }));',
  '}',
  '',
  'main().catch((error) => {',
  '  console.error(error);',
  '  process.exit(1);',
  '});',
  '',
].join('\n');

/** The `policy-pack` face, for a pack of one's own: compiled, not run. */
const POLICY_PACK_USER = [
  "import { PolicyPack } from '@pulumi/policy';",
  "import { leastPrivilegePolicies, POLICY_PACK_NAME } from 'k8s-least-privilege/policy-pack';",
  '',
  'export function pack(): PolicyPack {',
  '  return new PolicyPack(POLICY_PACK_NAME, { policies: leastPrivilegePolicies() });',
  '}',
  '',
].join('\n');

let tarball: string;
let packedFiles: string[];
let library: string;
let apps: string;
let plus32: string;
/** The compiles, started together once the projects are installed (tsc is most of this test's time). */
let compiles: Record<'node10' | 'node16' | 'cdk8s' | 'plus32' | 'pulumi' | 'policyPack' | 'docs', Promise<Run>>;
const timings: string[] = [];

async function timed<T>(label: string, work: () => Promise<T>): Promise<T> {
  const started = Date.now();
  const result = await work();
  timings.push(`${label} ${((Date.now() - started) / 1000).toFixed(1)} s`);
  return result;
}

beforeAll(async () => {
  if (!existsSync(join(REPO, 'lib', 'index.js'))) throw new Error('lib/ is missing: run `npm run compile` (npm test does) first');
  const packed = await timed('pack', () => succeed('npm', ['pack', '--json', '--pack-destination', WORK], REPO));
  const [pack] = JSON.parse(packed.stdout) as { filename: string; files: { path: string }[] }[];
  tarball = join(WORK, pack.filename);
  packedFiles = pack.files.map((file) => file.path).sort();
  [library, apps, plus32] = await timed('installs', () =>
    Promise.all([
      installProject('library', tarball, [tested('typescript'), tested('@types/node')]),
      // --ignore-scripts: @pulumi/kubernetes's install script downloads the provider plugin,
      // which the mocks do not need (and which cannot be fetched here); no other package used has one that matters.
      installProject('apps', tarball, [
        tested('typescript'),
        tested('@types/node'),
        tested('cdk8s'),
        tested('cdk8s-plus-27'),
        // docs/strategies.md shows the constructs with cdk8s-plus-32.
        tested('cdk8s-plus-32'),
        tested('constructs'),
        tested('@pulumi/policy'),
        tested('@pulumi/pulumi'),
        tested('@pulumi/kubernetes'),
      ], ['--ignore-scripts']),
      installProject('plus32', tarball, [tested('typescript'), tested('@types/node'), tested('cdk8s'), tested('cdk8s-plus-32'), tested('constructs')]),
    ]),
  );
  writeFiles(library, {
    'trap.yaml': `${JSON.stringify(TRAP.object)}\n`,
    'compliant.yaml': `${JSON.stringify(COMPLIANT.object)}\n`,
  });
  writeFiles(apps, { 'cdk8s.yaml': CDK8S_YAML, 'trap.json': JSON.stringify([{ id: TRAP.id, object: TRAP.object }]) });
  compiles = {
    node10: compile(library, join(library, 'node10'), 'use.ts', LIBRARY_USER, { module: 'commonjs', moduleResolution: 'node10' }),
    node16: compile(library, join(library, 'node16'), 'use.ts', LIBRARY_USER, { module: 'node16', moduleResolution: 'node16' }),
    cdk8s: compile(apps, apps, 'main.ts', CDK8S_APP),
    plus32: compile(plus32, plus32, 'main.ts', PLUS32_APP),
    pulumi: compile(apps, join(apps, 'pulumi'), 'index.ts', PULUMI_USER),
    policyPack: compile(apps, join(apps, 'policy-pack'), 'pack.ts', POLICY_PACK_USER, { noEmit: true }),
    docs: compileFiles(apps, join(apps, 'docs'), {
      'context.d.ts': SNIPPET_CONTEXT,
      ...Object.fromEntries(SNIPPETS.map((snippet, index) => [`snippet-${index}.ts`, snippetModule(snippet)])),
    }, { noEmit: true }),
  };
  // Settled before any test waits on one, so that a failing compile is a failing test, not an unhandled rejection.
  await timed('compiles', () => Promise.allSettled(Object.values(compiles)));
}, 300_000);

afterAll(() => {
  // The work directory stays for inspection.
  console.log(`consumer: ${packedFiles?.length} files packed in ${WORK}; ${timings.join(', ')}`);
});

describe('the tarball', () => {
  test('holds the compiled library, the CLI, the policy pack, the docs, README and LICENSE, and nothing else', () => {
    const allowed = /^(lib\/.+\.(js|d\.ts)|bin\/(k8s-least-privilege|kubectl-least_privilege)|helm-plugin\/plugin\.yaml|policies\/(index\.js|package\.json|PulumiPolicy\.yaml|README\.md)|docs\/.+\.md|README\.md|LICENSE|package\.json)$/;
    expect(packedFiles.filter((path) => !allowed.test(path))).toEqual([]);
    for (const path of ['lib/index.js', 'lib/index.d.ts', 'lib/cli/main.js', 'bin/k8s-least-privilege', 'policies/index.js', 'policies/package.json', 'README.md', 'LICENSE']) {
      expect(packedFiles).toContain(path);
    }
    // Every target of `exports` is in it.
    const manifest = JSON.parse(readFileSync(join(library, 'node_modules', PACKAGE.name, 'package.json'), 'utf8')) as { exports: Record<string, unknown> };
    for (const target of Object.values(manifest.exports).flatMap((entry) => (typeof entry === 'string' ? [entry] : Object.values(entry as Record<string, string>)))) {
      expect(packedFiles).toContain(target.replace(/^\.\//, ''));
    }
  });

  test('has no source maps, inline or not', () => {
    const installed = join(library, 'node_modules', PACKAGE.name, 'lib');
    const withMaps = walk(installed).filter((file) => file.endsWith('.map') || readFileSync(file, 'utf8').includes('sourceMappingURL'));
    expect(withMaps.map((file) => relative(installed, file))).toEqual([]);
  });

  test('publint finds nothing, not even a suggestion', async () => {
    const result = await run(process.execPath, [join(REPO, 'node_modules', 'publint', 'src', 'cli.js'), 'run', tarball, '--strict', '--level', 'suggestion'], WORK);
    expect({ status: result.status, output: `${result.stdout}${result.stderr}` }).toEqual({ status: 0, output: expect.not.stringMatching(/Errors:|Warnings:|Suggestions:/) });
  });

  test('arethetypeswrong finds no problem under node10, node16 (CJS and ESM) or bundler resolution', async () => {
    const result = await run(process.execPath, [join(REPO, 'node_modules', '@arethetypeswrong', 'cli', 'dist', 'index.js'), tarball, '--format', 'json'], WORK);
    const report = JSON.parse(result.stdout) as { analysis: { problems: unknown[]; entrypoints: Record<string, unknown> } };
    expect(report.analysis.problems).toEqual([]);
    expect(Object.keys(report.analysis.entrypoints).sort()).toEqual(['.', './cdk8s', './cdk8s-validation', './image', './package.json', './policy-pack', './pulumi']);
    expect(result.status).toBe(0);
  });
});

describe('(a) a library user with no peer dependency', () => {
  test('installs without cdk8s, constructs, cdk8s-plus or @pulumi/*', () => {
    const installed = readdirSync(join(library, 'node_modules'));
    expect(installed.filter((name) => /^(cdk8s|constructs|@pulumi)/.test(name))).toEqual([]);
  });

  test.each([
    ['node10', 'typesVersions'],
    ['node16', 'exports'],
  ] as const)('type-checks under %s resolution (%s) with skipLibCheck false, and runs', async (resolution, _entries) => {
    expect(await compiled(compiles[resolution])).toEqual({ status: 0, output: '' });
    const { stdout } = await succeed(process.execPath, ['out/use.js'], join(library, resolution));
    expect(JSON.parse(stdout)).toEqual({
      bind: 'denied',
      ruleIds: [...TRAP.expectedRuleIds],
      exitStatus: 1,
      schemaVersion: 1,
      rules: RULES.length,
      image: 'docker.io/library/nginx:latest',
      imageFunctions: ['function', 'function', 'function', 'function'],
    });
  });

  test('paths into lib/ are not exported (the old `k8s-least-privilege/lib/image`)', async () => {
    const result = await run(process.execPath, ['-e', "require('k8s-least-privilege/lib/image')"], library);
    expect(result.status).not.toBe(0);
    expect(result.stderr).toContain('ERR_PACKAGE_PATH_NOT_EXPORTED');
  });
});

describe('(c) the CLI through npx', () => {
  test('--version prints the package version', async () => {
    const { stdout } = await succeed('npx', ['--no-install', 'k8s-least-privilege', '--version'], library);
    expect(stdout.trim()).toBe(PACKAGE.version);
  });

  test('check fails on the trap (exit 1, LP001) and passes the compliant manifest (exit 0)', async () => {
    const trap = await run('npx', ['--no-install', 'k8s-least-privilege', 'check', '--format', 'json', '--image-facts', 'assume-none', 'trap.yaml'], library);
    expect(trap.status).toBe(1);
    const report = JSON.parse(trap.stdout) as { resources: { findings: { ruleId: string }[] }[] };
    expect(report.resources.flatMap((resource) => resource.findings.map((finding) => finding.ruleId)).sort()).toEqual([...TRAP.expectedRuleIds]);
    const compliant = await run('npx', ['--no-install', 'k8s-least-privilege', 'check', '--image-facts', 'assume-none', 'compliant.yaml'], library);
    expect({ status: compliant.status, stderr: compliant.stderr }).toEqual({ status: 0, stderr: '' });
    expect(compliant.stdout).toContain('0 errors');
  });
});

describe('(b) a cdk8s app synthesized with the validation plugin from node_modules', () => {
  interface Report {
    readonly reports: readonly {
      readonly summary: { readonly status: string; readonly metadata?: Record<string, string> };
      readonly violations: readonly { readonly ruleName: string; readonly violatingConstructs: readonly { readonly constructPath?: string }[] }[];
    }[];
  }

  async function synth(extraObjects?: string): Promise<Run & { report: Report }> {
    const reportFile = join(apps, 'validation-report.json');
    rmSync(reportFile, { force: true });
    rmSync(join(apps, 'dist'), { recursive: true, force: true });
    const result = await run(process.execPath, [CDK8S, 'synth', '--no-check-upgrade', '--validation-reports-output-file', reportFile], apps, extraObjects ? { EXTRA_OBJECTS: extraObjects } : {});
    if (!existsSync(reportFile)) throw new Error(`cdk8s synth wrote no validation report (exit ${result.status})\n${result.stdout}\n${result.stderr}`);
    return { ...result, report: JSON.parse(readFileSync(reportFile, 'utf8')) as Report };
  }

  test('the app type-checks with skipLibCheck false and synthesizes; the plugin passes it', async () => {
    expect(await compiled(compiles.cdk8s)).toEqual({ status: 0, output: '' });
    const { status, stderr, report } = await synth();
    expect({ status, stderr }).toEqual({ status: 0, stderr: expect.not.stringContaining('Error') });
    expect(report.reports).toHaveLength(1);
    expect(report.reports[0].summary.status).toBe('success');
    expect(report.reports[0].summary.metadata).toMatchObject({ runtimeProfile: 'strict', errors: '0' });
    const manifests = readFileSync(join(apps, 'dist', 'consumer.k8s.yaml'), 'utf8');
    expect(manifests).toContain('k8s-least-privilege.dev/bind-strategy: highPort');
    expect(manifests).toContain('containerPort: 8080');
  });

  test('the plugin fails the synth on the trap, under its construct path', async () => {
    expect(await compiled(compiles.cdk8s)).toEqual({ status: 0, output: '' });
    const { status, report } = await synth(join(apps, 'trap.json'));
    expect(status).not.toBe(0);
    expect(report.reports[0].summary.status).toBe('failure');
    const violations = report.reports[0].violations.flatMap((violation) =>
      violation.violatingConstructs.map((construct) => `${violation.ruleName.split(' ')[0]} ${construct.constructPath}`),
    );
    expect(violations).toEqual(TRAP.expectedRuleIds.map((ruleId) => `${ruleId} consumer/${TRAP.id}`));
  });
});

describe('(g) a cdk8s app with only cdk8s-plus-32', () => {
  test('installs without cdk8s-plus-27', () => {
    expect(readdirSync(join(plus32, 'node_modules')).filter((name) => name.startsWith('cdk8s-plus'))).toEqual(['cdk8s-plus-32']);
  });

  test('type-checks with skipLibCheck false (the typings name no cdk8s-plus package) and runs', async () => {
    expect(await compiled(compiles.plus32)).toEqual({ status: 0, output: '' });
    const { stdout } = await succeed(process.execPath, ['out/main.js'], plus32);
    const result = JSON.parse(stdout) as { web: string; dns: string; legacy: string; withoutPlus: string };
    expect(result).toEqual({ web: 'highPort', dns: 'unprivilegedPortSysctl', legacy: 'unprivilegedPortSysctl', withoutPlus: expect.stringContaining('cdk8s-plus-27 (the default) is not installed') });
    expect(result.withoutPlus).toContain("import * as kplus from 'cdk8s-plus-32'");
  });
});

describe('(d) the policy pack from node_modules, over the analyzer protocol', () => {
  let pack: PolicyPackProcess | undefined;
  let packDirectory: string;

  beforeAll(async () => {
    packDirectory = join(apps, 'node_modules', PACKAGE.name, 'policies');
    // The Node.js language host runs the @pulumi/pulumi it resolves from the pack's directory
    // (locateModule from the program directory): here the Pulumi project's own.
    const runPolicyPack = require.resolve('@pulumi/pulumi/cmd/run-policy-pack', { paths: [packDirectory] });
    expect(relative(apps, runPolicyPack)).toBe(join('node_modules', '@pulumi', 'pulumi', 'cmd', 'run-policy-pack', 'index.js'));
    pack = await PolicyPackProcess.start(packDirectory, 90_000, runPolicyPack);
    await pack.configure(DEFAULT_PACK_CONFIG);
  }, 120_000);

  afterAll(async () => {
    await pack?.stop();
  });

  test('@pulumi/policy resolves from the Pulumi project, not from this repository', () => {
    const policy = require.resolve('@pulumi/policy', { paths: [packDirectory] });
    expect(relative(apps, policy)).toBe(join('node_modules', '@pulumi', 'policy', 'index.js'));
  });

  test('serves every rule and the remediation', async () => {
    const info = await pack!.info();
    expect(info.name).toBe(POLICY_PACK_NAME);
    expect(info.policies.map((policy) => policy.name)).toEqual([...RULES.map((rule) => rule.name), HARDEN_POLICY_NAME]);
  });

  test('the trap is a mandatory port-cannot-bind; the compliant deployment has nothing mandatory', async () => {
    const trap = await pack!.analyze({ type: TRAP.pulumiType, name: TRAP.id, properties: { ...TRAP.object } });
    expect(trap.diagnostics.filter((diagnostic) => diagnostic.enforcementLevel === 'mandatory').map((diagnostic) => diagnostic.policyName)).toEqual(['port-cannot-bind']);
    const compliant = await pack!.analyze({ type: COMPLIANT.pulumiType, name: COMPLIANT.id, properties: { ...COMPLIANT.object } });
    expect(compliant.diagnostics.filter((diagnostic) => diagnostic.enforcementLevel === 'mandatory')).toEqual([]);
  });
});

describe('(e) the Pulumi faces', () => {
  test('k8s-least-privilege/pulumi type-checks with skipLibCheck false and plans under Pulumi\'s mocks', async () => {
    expect(await compiled(compiles.pulumi)).toEqual({ status: 0, output: '' });
    const { stdout } = await succeed(process.execPath, ['out/index.js'], join(apps, 'pulumi'));
    expect(JSON.parse(stdout)).toEqual({
      strategy: 'highPort',
      registered: ['k8s-least-privilege:index:PrivilegedPortService', 'kubernetes:apps/v1:Deployment', 'kubernetes:core/v1:Service'],
    });
  });

  test('k8s-least-privilege/policy-pack type-checks against @pulumi/policy with skipLibCheck false', async () => {
    // @pulumi/policy's own index.d.ts imports two names its proxy.d.ts does not declare (stripped
    // as internal), so it fails without skipLibCheck whoever imports it: those lines are not ours.
    const errors = typeErrors(await compiles.policyPack);
    expect(errors.filter((line) => !line.startsWith('../node_modules/@pulumi/policy/'))).toEqual([]);
  });
});

describe('(f) the documentation', () => {
  test('finds the TypeScript snippets of README.md and docs/', () => {
    expect(SNIPPETS.length).toBeGreaterThanOrEqual(10);
    expect(SNIPPETS.map((snippet) => snippet.location.split(':')[0])).toEqual(expect.arrayContaining(['README.md', 'docs/strategies.md', 'docs/image-facts.md']));
  });

  test('every snippet type-checks against the installed package with skipLibCheck false', async () => {
    const errors = typeErrors(await compiles.docs)
      // @pulumi/policy's own typings fail without skipLibCheck whoever imports them (see (e)).
      .filter((line) => !line.startsWith('../node_modules/@pulumi/policy/'))
      .map((line) => {
        const index = /^snippet-(\d+)\.ts/.exec(line)?.[1];
        return index === undefined ? line : `${SNIPPETS[Number(index)].location} (${line})`;
      });
    expect(errors).toEqual([]);
  });

  test('finds the shell snippets that call the CLI', () => {
    expect(CLI_SNIPPETS.length).toBeGreaterThanOrEqual(5);
  });

  // Run in a directory with dist/ (the trap and a compliant workload) and images.yaml; registries are out of reach
  // here, so a pull fails and says so, which the CLI reports without failing the command line.
  test.each(CLI_SNIPPETS.map((snippet, index) => [snippet.location, snippet, index] as const))('%s runs: every command is understood, nothing crashes', async (_, snippet, index) => {
    const directory = join(library, 'shell', String(index));
    writeFiles(join(directory, 'dist'), { 'trap.yaml': `${JSON.stringify(TRAP.object)}\n`, 'compliant.yaml': `${JSON.stringify(COMPLIANT.object)}\n` });
    mkdirSync(join(directory, 'stand-ins'), { recursive: true });
    // docs/image-facts.md's images.yaml, as README writes it (the archive itself is not here: that is reported, not fatal).
    writeFiles(directory, { 'snippet.sh': `${snippet.code}\n`, 'images.yaml': 'nginx:1.27: oci-archive:nginx.tar\n' });
    writeFileSync(join(directory, 'stand-ins', 'kubectl'), KUBECTL_STAND_IN, { mode: 0o755 });
    // The package's executables on PATH, as `npm install -g` puts them (kubectl finds its plugin there).
    const bins = join(library, 'node_modules', '.bin');
    const path = process.env.PATH ?? '';
    const { stdout, stderr } = await run('bash', ['snippet.sh'], directory, { PATH: `${join(directory, 'stand-ins')}:${bins}:${path}`, KUBECTL_REAL_PATH: `${bins}:${path}` });
    const output = `${stdout}${stderr}`;
    expect(output).not.toMatch(NOT_UNDERSTOOD);
    // What a snippet pipes to `kubectl apply -f -` is objects kubectl can apply.
    const applied = existsSync(join(directory, 'kubectl-apply.yaml')) ? parseAllDocuments(readFileSync(join(directory, 'kubectl-apply.yaml'), 'utf8')) : [];
    for (const document of applied) {
      expect(document.errors).toEqual([]);
      const object: unknown = document.toJS();
      const named = expect.objectContaining({ name: expect.any(String) });
      expect(object).toEqual(expect.objectContaining({ apiVersion: expect.any(String), kind: expect.any(String), metadata: named }));
    }
    expect(applied.length > 0 || /Checked \d+ resource|capabilit/.test(output)).toBe(true);
  });
});

function walk(directory: string): string[] {
  return readdirSync(directory).flatMap((name) => {
    const path = join(directory, name);
    return statSync(path).isDirectory() ? walk(path) : [path];
  });
}
