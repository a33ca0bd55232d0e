/**
 * The pack analyzes a resource once per `Analyze` request, for all its policies, through the
 * real runtime: @pulumi/policy calls each policy with properties deserialized anew, so the
 * sharing must hold over what it actually hands the policies, not over what a test builds.
 *
 * The pack under test is the one in policies/ plus a last policy that reports what the others
 * did for the request: it counts, through the compiled library's module exports, how often the
 * resource's properties were read (`plainProperties`) and which objects were checked
 * (`checkObject`). Without the sharing every policy read the properties itself (20 reads).
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { unknownValue } from '@pulumi/pulumi/runtime/rpc';
import type { AnalyzeAnswer, PackConfig, ResourceUnderTest } from './analyzer-client';
import { DEFAULT_PACK_CONFIG, PolicyPackProcess } from './analyzer-client';
import { ENFORCEMENT_FIXTURES } from './enforcement-table';
import { HARDEN_POLICY_NAME } from '../../src/integrations/pulumi-policy';

const REPO = join(__dirname, '..', '..');
const PACK_DIRECTORY = join(REPO, 'test', '.work', 'counting-policy-pack');
const COUNTER = 'analysis-counter';

/** What the policies before the counter did for one request. */
interface Counts {
  /** How often the resource's properties were read. */
  readonly reads: number;
  /** How many objects were checked, and how many of them were distinct. */
  readonly checks: number;
  readonly distinctChecks: number;
}

function writeCountingPack(): void {
  mkdirSync(PACK_DIRECTORY, { recursive: true });
  const lib = (path: string) => JSON.stringify(join(REPO, 'lib', path));
  writeFileSync(join(PACK_DIRECTORY, 'package.json'), JSON.stringify({ name: 'counting-policy-pack', version: '0.0.0', private: true, main: 'index.js' }));
  writeFileSync(
    join(PACK_DIRECTORY, 'index.js'),
    `'use strict';
// Written by test/integrations/pulumi-analysis-sharing.test.ts.
const { PolicyPack } = require('@pulumi/policy');
const properties = require(${lib('integrations/pulumi-properties')});
const check = require(${lib('check/check-object')});
const { leastPrivilegePolicies, POLICY_PACK_NAME } = require(${lib('integrations/pulumi-policy')});
let reads = 0;
let checked = [];
const { plainProperties } = properties;
properties.plainProperties = (...args) => (reads++, plainProperties(...args));
const { checkObject } = check;
check.checkObject = (object, options) => (checked.push(JSON.stringify(object.object)), checkObject(object, options));
new PolicyPack(POLICY_PACK_NAME, {
  policies: [
    ...leastPrivilegePolicies(),
    {
      name: ${JSON.stringify(COUNTER)},
      description: 'What the policies before it did for this request',
      enforcementLevel: 'advisory',
      validateResource: (args, reportViolation) => {
        reportViolation(JSON.stringify({ reads, checks: checked.length, distinctChecks: new Set(checked).size }));
        reads = 0;
        checked = [];
      },
    },
  ],
});
`,
  );
}

let pack: PolicyPackProcess | undefined;

beforeAll(async () => {
  writeCountingPack();
  pack = await PolicyPackProcess.start(PACK_DIRECTORY);
}, 90_000);

afterAll(async () => {
  await pack?.stop();
});

async function configure(config: PackConfig): Promise<void> {
  await pack!.configure({ ...config, [COUNTER]: { enforcementLevel: 'advisory' } });
}

/** The answer without the counter's diagnostic, and the counts it reported. */
async function analyze(resource: ResourceUnderTest): Promise<{ answer: AnalyzeAnswer; counts: Counts }> {
  const answer = await pack!.analyze(resource);
  const counter = answer.diagnostics.filter((diagnostic) => diagnostic.policyName === COUNTER);
  expect(counter).toHaveLength(1);
  return {
    answer: { ...answer, diagnostics: answer.diagnostics.filter((diagnostic) => diagnostic.policyName !== COUNTER) },
    // @pulumi/policy puts the policy's description before the message, on a line of its own.
    counts: JSON.parse(counter[0].message.split('\n').pop()!) as Counts,
  };
}

function resourceOf(id: string, properties?: Record<string, unknown>): ResourceUnderTest {
  const fixture = ENFORCEMENT_FIXTURES.find((candidate) => candidate.id === id)!;
  return { type: fixture.pulumiType, name: id, properties: properties ?? JSON.parse(JSON.stringify(fixture.object)) };
}

const WITHOUT_HARDENING: PackConfig = { ...DEFAULT_PACK_CONFIG, [HARDEN_POLICY_NAME]: { enforcementLevel: 'disabled' } };

describe('one analysis per resource per Analyze request', () => {
  test.each(ENFORCEMENT_FIXTURES.map((fixture) => fixture.id))('%s: the properties read once, the object checked once', async (id) => {
    await configure(WITHOUT_HARDENING);
    const { answer, counts } = await analyze(resourceOf(id));
    expect(counts).toEqual({ reads: 1, checks: 1, distinctChecks: 1 });
    const fixture = ENFORCEMENT_FIXTURES.find((candidate) => candidate.id === id)!;
    expect(answer.diagnostics.some((diagnostic) => diagnostic.enforcementLevel === 'mandatory')).toBe(fixture.fails);
  });

  test('the hardening shares the analysis too: it checks only its candidates beside the object', async () => {
    await configure(DEFAULT_PACK_CONFIG);
    const { answer, counts } = await analyze(resourceOf('defaults'));
    expect(answer.diagnostics.map((diagnostic) => diagnostic.policyName)).toContain(HARDEN_POLICY_NAME);
    expect(counts.reads).toBe(1);
    expect(counts.checks).toBeGreaterThan(1);
    expect(counts.distinctChecks).toBe(counts.checks);
  });

  test('a resource that is not a workload is not read at all', async () => {
    await configure(DEFAULT_PACK_CONFIG);
    const { answer, counts } = await analyze({ type: 'kubernetes:core/v1:Service', name: 'web', properties: { spec: { ports: [{ port: 80 }] } } });
    expect(answer.diagnostics).toEqual([]);
    expect(counts).toEqual({ reads: 0, checks: 0, distinctChecks: 0 });
  });
});

describe('never shared where it must not be', () => {
  test('between requests: the same URN analyzed again with other properties (preview, then update) is judged again', async () => {
    await configure(WITHOUT_HARDENING);
    const properties = JSON.parse(JSON.stringify(resourceOf('non-root-net-bind').properties));
    const securityContext = properties.spec.template.spec.containers[0].securityContext;
    securityContext.runAsUser = unknownValue;
    const preview = await analyze(resourceOf('non-root-net-bind', properties));
    expect(preview.counts.reads).toBe(1);
    expect(preview.answer.diagnostics.filter((diagnostic) => diagnostic.enforcementLevel === 'mandatory')).toEqual([]);
    expect(preview.answer.diagnostics.some((diagnostic) => diagnostic.message.includes("can't be known during preview"))).toBe(true);

    securityContext.runAsUser = 1000;
    const update = await analyze(resourceOf('non-root-net-bind', properties));
    expect(update.counts.reads).toBe(1);
    expect(update.answer.diagnostics.filter((diagnostic) => diagnostic.enforcementLevel === 'mandatory').map((diagnostic) => diagnostic.policyName)).toEqual([
      'port-cannot-bind',
    ]);
  });

  test('between policy configs: a policy configured apart gets its own analysis', async () => {
    await configure({
      ...WITHOUT_HARDENING,
      'port-cannot-bind': { enforcementLevel: 'mandatory', imageFacts: 'assume-none', suppressions: [{ rule: 'LP001', reason: 'the binary is setcap' }] },
    });
    const { answer, counts } = await analyze(resourceOf('non-root-net-bind'));
    expect(counts).toEqual({ reads: 2, checks: 2, distinctChecks: 1 });
    expect(answer.diagnostics.filter((diagnostic) => diagnostic.enforcementLevel === 'mandatory')).toEqual([]);
  });
});
