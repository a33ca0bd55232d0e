/**
 * The cdk8s validation plugin, loaded by the real `cdk8s synth` from this package by local
 * path (cdk8s-cli requires a `./…` or absolute `package:` without installing it), over a tiny
 * app made of the enforcement table's fixtures. The plugin is the compiled library (lib/):
 * `npm test` compiles first.
 */
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Validation } from 'cdk8s-cli/lib/plugins/validation';
import type { EnforcementFixture } from './enforcement-table';
import { ENFORCEMENT_FIXTURES } from './enforcement-table';
import { LeastPrivilegeValidation } from '../../src/integrations/cdk8s-validation';

const REPO = join(__dirname, '..', '..');
const PLUGIN = join(REPO, 'lib', 'integrations', 'cdk8s-validation.js');
const CDK8S = join(REPO, 'node_modules', 'cdk8s-cli', 'bin', 'cdk8s');
const WORK = join(REPO, 'test', '.work');

interface SynthRun {
  readonly status: number | null;
  readonly output: string;
  readonly report: ValidationReports | undefined;
}

/** What `cdk8s synth --validation-reports-output-file` writes (cdk8s-cli's ValidationReportJson). */
interface ValidationReports {
  readonly reports: readonly {
    readonly summary: { readonly status: 'success' | 'failure'; readonly metadata?: Record<string, string> };
    readonly violations: readonly {
      readonly ruleName: string;
      readonly fix: string;
      readonly violatingConstructs: readonly {
        readonly resourceName: string;
        readonly constructPath?: string;
        readonly locations: readonly string[];
      }[];
    }[];
  }[];
}

/**
 * Writes an app whose chart `chartId` holds one ApiObject per fixture (construct id = fixture id)
 * plus `extra` JavaScript, and runs `cdk8s synth` on it with the plugin configured.
 */
async function synth(chartId: string, fixtures: readonly EnforcementFixture[], extra = ''): Promise<SynthRun> {
  mkdirSync(WORK, { recursive: true });
  const directory = mkdtempSync(join(WORK, `cdk8s-plugin-${chartId}-`));
  writeFileSync(join(directory, 'fixtures.json'), JSON.stringify(fixtures.map(({ id, object }) => ({ id, object }))));
  writeFileSync(
    join(directory, 'main.js'),
    [
      "const { ApiObject, App, Chart } = require('cdk8s');",
      "const kplus = require('cdk8s-plus-27');",
      'const app = new App();',
      `const chart = new Chart(app, ${JSON.stringify(chartId)});`,
      "for (const { id, object } of require('./fixtures.json')) new ApiObject(chart, id, object);",
      extra,
      'app.synth();',
      '',
    ].join('\n'),
  );
  writeFileSync(
    join(directory, 'cdk8s.yaml'),
    [
      'language: typescript',
      'app: node main.js',
      'output: dist',
      'validations:',
      `  - package: ${JSON.stringify(PLUGIN)}`,
      '    version: 0.0.0',
      '    class: LeastPrivilegeValidation',
      '    properties:',
      '      runtimeProfile: strict',
      '      podSecurityVersion: latest',
      '      imageFacts: assume-none',
      '',
    ].join('\n'),
  );
  const reportFile = join(directory, 'validation-report.json');
  const child = spawn(process.execPath, [CDK8S, 'synth', '--no-check-upgrade', '--validation-reports-output-file', reportFile], {
    cwd: directory,
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, FORCE_COLOR: '0' },
  });
  let output = '';
  child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const status = await new Promise<number | null>((resolve) => child.on('close', (code) => resolve(code)));
  const report = existsSync(reportFile) ? (JSON.parse(readFileSync(reportFile, 'utf8')) as ValidationReports) : undefined;
  rmSync(directory, { recursive: true, force: true });
  return { status, output, report };
}

/** Per resource name: the rule ids reported and the construct path cdk8s-cli attached. */
function byResource(report: ValidationReports | undefined): Map<string, { ruleIds: string[]; constructPaths: Set<string | undefined> }> {
  const resources = new Map<string, { ruleIds: string[]; constructPaths: Set<string | undefined> }>();
  for (const violation of report?.reports[0].violations ?? []) {
    for (const construct of violation.violatingConstructs) {
      const entry = resources.get(construct.resourceName) ?? { ruleIds: [], constructPaths: new Set() };
      entry.ruleIds.push(violation.ruleName.split(' ')[0]);
      entry.constructPaths.add(construct.constructPath);
      resources.set(construct.resourceName, entry);
    }
  }
  for (const entry of resources.values()) entry.ruleIds.sort();
  return resources;
}

const failing = ENFORCEMENT_FIXTURES.filter((fixture) => fixture.expectedRuleIds.length > 0);
const compliant = ENFORCEMENT_FIXTURES.filter((fixture) => fixture.expectedRuleIds.length === 0);
// DESIGN.md's trap, as cdk8s-plus writes it: a non-root container given NET_BIND_SERVICE, on port 80.
const KPLUS_TRAP = `
const web = new kplus.Deployment(chart, 'kplus-web', {
  containers: [{ name: 'web', image: 'nginx', portNumber: 80, securityContext: { user: 1000 } }],
});
// cdk8s-plus-27 spells the capability CAP_NET_BIND_SERVICE (and has no ALL): set exact names with a JSON patch.
require('cdk8s').ApiObject.of(web).addJsonPatch(require('cdk8s').JsonPatch.add('/spec/template/spec/containers/0/securityContext/capabilities', { drop: ['ALL'], add: ['NET_BIND_SERVICE'] }));
`;

let bad: SynthRun;
let good: SynthRun;

beforeAll(async () => {
  if (!existsSync(PLUGIN)) throw new Error(`${PLUGIN} is missing: run \`npm run compile\` (npm test does) first`);
  [bad, good] = await Promise.all([synth('bad', failing, KPLUS_TRAP), synth('good', compliant)]);
}, 120_000);

describe('cdk8s synth with the plugin, on an app that breaks the rules', () => {
  test('fails (cdk8s-cli exits 2 on a failed validation), naming LP001 and the construct path', () => {
    expect(bad.status).toBe(2);
    expect(bad.output).toContain('LP001 port-cannot-bind (error)');
    expect(bad.output).toContain('Construct Path: bad/non-root-net-bind');
    expect(bad.output).toContain('Validation failed');
    expect(bad.report?.reports[0].summary.status).toBe('failure');
  });

  test.each(failing.map((fixture) => [fixture.id, fixture] as const))('%s: the table\'s rule ids, under its construct path', (_, fixture) => {
    const name = (fixture.object.metadata as { name: string }).name;
    const entry = byResource(bad.report).get(name);
    expect(entry?.ruleIds).toEqual(fixture.expectedRuleIds);
    expect([...(entry?.constructPaths ?? [])]).toEqual([`bad/${fixture.id}`]);
  });

  test('the cdk8s-plus Deployment: non-root + NET_BIND_SERVICE on port 80 is LP001 at bad/kplus-web/Resource', () => {
    const [name, entry] = [...byResource(bad.report)].find(([, candidate]) => candidate.constructPaths.has('bad/kplus-web/Resource')) ?? [];
    expect(name).toMatch(/^bad-kplus-web-/);
    expect(entry?.ruleIds).toContain('LP001');
    const violation = bad.report!.reports[0].violations.find((candidate) => candidate.ruleName.startsWith('LP001'))!;
    const locations = violation.violatingConstructs.find((construct) => construct.resourceName === name)!.locations;
    expect(locations).toEqual([expect.stringMatching(/^line \d+ spec\.template\.spec\.containers\[0\]\.ports\[0\]: container "web" port 80\/TCP cannot bind/)]);
  });

  test('the report carries the options and counts', () => {
    expect(bad.report?.reports[0].summary.metadata).toMatchObject({ runtimeProfile: 'strict', podSecurityVersion: 'latest', requiredLevel: 'baseline' });
    expect(Number(bad.report?.reports[0].summary.metadata?.errors)).toBeGreaterThanOrEqual(4);
  });
});

describe('cdk8s synth with the plugin, on an app that keeps them', () => {
  test('passes with no violation', () => {
    expect(good.status).toBe(0);
    expect(good.output).toContain('Validations ended succesfully');
    expect(good.report?.reports[0].summary.status).toBe('success');
    expect(good.report?.reports[0].violations).toEqual([]);
  });
});

describe('LeastPrivilegeValidation', () => {
  test('is a cdk8s-cli Validation (checked by the compiler) and refuses properties that do not exist', () => {
    const plugin: Validation = new LeastPrivilegeValidation({ runtimeProfile: 'kind', podSecurityVersion: 'v1.25', imageFacts: 'assume-none' });
    expect(typeof plugin.validate).toBe('function');
    expect(() => new LeastPrivilegeValidation({ runtimeProfile: 'firecracker' })).toThrow(/runtimeProfile "firecracker" is not one of strict/);
    expect(() => new LeastPrivilegeValidation({ podSecurityVersion: '1.25' })).toThrow(/podSecurityVersion: invalid Pod Security Standards policy version "1.25"/);
    expect(() => new LeastPrivilegeValidation({ level: 'strict' })).toThrow(/level "strict" is not one of privileged, baseline, restricted/);
  });
});
