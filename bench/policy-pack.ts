/**
 * Measures the Pulumi policy pack's cost per resource, two ways:
 *
 * - `validate`: in process, every enabled policy's `validateResource` called for each resource
 *   the way @pulumi/policy's analyzer (`makeAnalyzeRpcFun` in its server.js) calls them for one
 *   `Analyze` request: in order, each awaited, each with arguments of its own — the properties
 *   deserialized anew behind @pulumi/policy's `unknownCheckingProxy`, `opts` read from the
 *   decoded request's options, `getConfig`, a `notApplicable` that throws — and a
 *   `reportViolation` that counts. The requests are decoded and each policy's copy of the
 *   properties made before the clock starts: deserializing is the runtime's work (`analyze`
 *   measures it). The floor, resource by resource in turn with it: `checkObject` once.
 * - `analyze`: end to end, the pack in policies/ run as the engine runs it (run-policy-pack,
 *   test/integrations/analyzer-client.ts) and sent one `Analyze` request per resource over gRPC,
 *   one at a time: the latency of each. The floor, in the same run and request by request in
 *   turn with it: a pack of the same policies that do nothing (gRPC and @pulumi/policy's own
 *   work: it deserializes the properties once per policy).
 *
 * Both in the closed world (`imageFacts: assume-none`): section 6 measures reading images.
 *
 * Run as a child of bench/run.ts, each printing one JSON line:
 * `node -r ts-node/register/transpile-only bench/policy-pack.ts validate <corpus> <count>`,
 * `node -r ts-node/register/transpile-only bench/policy-pack.ts analyze <corpus> <count>`.
 */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { ReportViolation, ResourceValidation, ResourceValidationArgs } from '@pulumi/policy';
import { AnalyzeRequest } from '@pulumi/pulumi/proto/analyzer_pb';
import * as jsYaml from 'js-yaml';
import { CORPUS_DIRECTORY } from './corpus';
import { checkObject } from '../src/check/check-object';
import { checkOptionsOf } from '../src/check/enforcement-config';
import { kubernetesResource, leastPrivilegePolicies } from '../src/integrations/pulumi-policy';
import type { ResourceUnderTest } from '../test/integrations/analyzer-client';
import { analyzeRequest, DEFAULT_PACK_CONFIG, PolicyPackProcess } from '../test/integrations/analyzer-client';

// @pulumi/policy's own internals (not in its typings): what the analyzer hands a policy.
const { unknownCheckingProxy, UnknownValueError } = require('@pulumi/policy/proxy') as {
  unknownCheckingProxy: (value: unknown) => Record<string, unknown>;
  UnknownValueError: new () => Error;
};
const { deserializeProperties } = require('@pulumi/policy/deserialize') as { deserializeProperties: (struct: unknown, keepSecrets: boolean) => unknown };

const ROOT = join(__dirname, '..');
/** The config every policy is sent: DEFAULT_PACK_CONFIG's, without the enforcement level. */
const CONFIG = { imageFacts: 'assume-none' };
/** Resources analyzed before the clock starts (JIT), as a long-running analyzer is after its first resources. */
const WARM_UP = 1_000;

class NotApplicableError extends Error {}

/** `kubernetes:apps/v1:Deployment` for `apps/v1` `Deployment`, `kubernetes:core/v1:Pod` for `v1` `Pod`. */
function pulumiType(apiVersion: string, kind: string): string {
  return `kubernetes:${apiVersion.includes('/') ? apiVersion : `core/${apiVersion}`}:${kind}`;
}

/** The corpus's first `count` workloads, as the engine would send them. */
function workloadsOf(corpusFile: string, count: number): ResourceUnderTest[] {
  const resources: ResourceUnderTest[] = [];
  for (const document of jsYaml.loadAll(readFileSync(corpusFile, 'utf8'))) {
    const object = document as { apiVersion: string; kind: string; metadata: { name: string } };
    if (!['Deployment', 'StatefulSet', 'CronJob'].includes(object.kind)) continue;
    resources.push({ type: pulumiType(object.apiVersion, object.kind), name: `${object.metadata.name}-${resources.length}`, properties: JSON.parse(JSON.stringify(object)) });
    if (resources.length === count) return resources;
  }
  throw new Error(`the corpus has only ${resources.length} workloads`);
}

const sum = (values: readonly number[]) => values.reduce((total, value) => total + value, 0);

/** p50 and p99 (nearest rank) and the mean of durations in µs. */
function distribution(values: readonly number[]): { mean: number; p50: number; p99: number } {
  const sorted = [...values].sort((a, b) => a - b);
  const rank = (p: number) => sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)];
  return { mean: sum(values) / values.length, p50: rank(50), p99: rank(99) };
}

const elapsedUs = (start: bigint) => Number(process.hrtime.bigint() - start) / 1e3;

async function validate(corpusFile: string, count: number): Promise<void> {
  const resources = workloadsOf(corpusFile, count);
  const policies = leastPrivilegePolicies().filter((policy) => policy.enforcementLevel !== 'disabled');
  let violations = 0;
  let cannotJudge = 0;
  const reportViolation: ReportViolation = () => {
    violations++;
  };

  /** A policy's arguments for one request, built as server.js builds them: its own copy of the properties. */
  function argumentsOf(request: AnalyzeRequest, properties: unknown): ResourceValidationArgs {
    const options = request.getOptions()!;
    return {
      type: request.getType(),
      props: unknownCheckingProxy(structuredClone(properties)),
      urn: request.getUrn(),
      name: request.getName(),
      opts: {
        protect: options.getProtect(),
        ignoreChanges: options.getIgnorechangesList(),
        aliases: options.getAliasesList(),
        customTimeouts: { createSeconds: 0, updateSeconds: 0, deleteSeconds: 0 },
        additionalSecretOutputs: options.getAdditionalsecretoutputsList(),
      },
      stackTags: new Map<string, string>(),
      isType: () => false,
      asType: () => undefined,
      getConfig: <T>() => ({ ...CONFIG }) as T,
      notApplicable: (reason?: string): never => {
        throw new NotApplicableError(reason);
      },
    } as unknown as ResourceValidationArgs;
  }

  /**
   * Each policy's time on one resource (the request as the pack's server decodes it), and the
   * floor's: `checkObject` once, on the object read beforehand, in the same conditions.
   */
  async function analyze(wire: Uint8Array): Promise<{ policies: number[]; checkObject: number }> {
    const request = AnalyzeRequest.deserializeBinary(wire);
    const properties = deserializeProperties(request.getProperties(), false);
    const policyTimes: number[] = [];
    for (const policy of policies) {
      const args = argumentsOf(request, properties);
      const start = process.hrtime.bigint();
      const validations = Array.isArray(policy.validateResource) ? policy.validateResource : [policy.validateResource as ResourceValidation];
      for (const validation of validations) {
        try {
          await validation(args, reportViolation);
        } catch (error) {
          if (error instanceof UnknownValueError) cannotJudge++;
          else if (!(error instanceof NotApplicableError)) throw error;
        }
      }
      policyTimes.push(elapsedUs(start));
    }
    const object = kubernetesResource(request.getType(), structuredClone(properties))!.object;
    const start = process.hrtime.bigint();
    checkObject(object, floorOptions);
    return { policies: policyTimes, checkObject: elapsedUs(start) };
  }

  const floorOptions = checkOptionsOf(CONFIG);
  const requests = resources.map((resource) => analyzeRequest(resource).serializeBinary());
  for (const request of requests.slice(0, WARM_UP)) await analyze(request);
  violations = 0;
  cannotJudge = 0;
  const samples = await sequentially(requests, analyze);
  const perPolicy = samples.map((sample) => sample.policies);

  const hardenIndex = policies.findIndex((policy) => policy.remediateResource !== undefined);
  process.stdout.write(
    JSON.stringify({
      resources: resources.length,
      policies: policies.length,
      violations,
      cannotJudge,
      perResourceUs: distribution(perPolicy.map(sum)),
      // The first policy of a request runs the analysis the others share; the hardening tries its candidates.
      firstPolicyUs: distribution(perPolicy.map((times) => times[0])),
      hardenPolicyUs: distribution(perPolicy.map((times) => times[hardenIndex])),
      otherPoliciesUs: distribution(perPolicy.map((times) => sum(times.filter((_, index) => index !== 0 && index !== hardenIndex)))),
      checkObjectUs: distribution(samples.map((sample) => sample.checkObject)),
    }) + '\n',
  );
}

/** A pack of the same policies that do nothing: what the runtime costs without the pack's work. */
function writeNoOpPack(): string {
  const directory = join(CORPUS_DIRECTORY, 'no-op-policy-pack');
  mkdirSync(directory, { recursive: true });
  writeFileSync(join(directory, 'package.json'), JSON.stringify({ name: 'no-op-policy-pack', version: '0.0.0', private: true, main: 'index.js' }));
  writeFileSync(join(directory, 'PulumiPolicy.yaml'), 'runtime: nodejs\n');
  writeFileSync(
    join(directory, 'index.js'),
    [
      "'use strict';",
      '// Written by bench/policy-pack.ts: the policies of the pack in policies/, each doing nothing.',
      "const { PolicyPack } = require('@pulumi/policy');",
      `const { leastPrivilegePolicies } = require(${JSON.stringify(join(ROOT, 'lib', 'integrations', 'pulumi-policy'))});`,
      "new PolicyPack('no-op', {",
      '  policies: leastPrivilegePolicies().map(({ validateResource, remediateResource, ...policy }) => ({ ...policy, validateResource: () => {} })),',
      '});',
      '',
    ].join('\n'),
  );
  return directory;
}

async function analyzeEndToEnd(corpusFile: string, count: number): Promise<void> {
  const requests = workloadsOf(corpusFile, count).map(analyzeRequest);
  const pack = await PolicyPackProcess.start(join(ROOT, 'policies'));
  const noOp = await PolicyPackProcess.start(writeNoOpPack());
  try {
    await pack.configure(DEFAULT_PACK_CONFIG);
    await noOp.configure(DEFAULT_PACK_CONFIG);
    const latency = async (target: PolicyPackProcess, request: AnalyzeRequest) => {
      const start = process.hrtime.bigint();
      const answer = await target.analyze(request);
      return { us: elapsedUs(start), diagnostics: answer.diagnostics.length };
    };
    for (const request of requests.slice(0, WARM_UP)) {
      await latency(pack, request);
      await latency(noOp, request);
    }
    // Request by request in turn, so that a change in the machine's load hits both alike.
    const cpuBefore = { pack: pack.cpuTimeUs(), noOp: noOp.cpuTimeUs() };
    const samples = await sequentially(requests, async (request) => ({ pack: await latency(pack, request), noOp: await latency(noOp, request) }));
    process.stdout.write(
      JSON.stringify({
        resources: requests.length,
        diagnostics: sum(samples.map((sample) => sample.pack.diagnostics)),
        packUs: distribution(samples.map((sample) => sample.pack.us)),
        noOpUs: distribution(samples.map((sample) => sample.noOp.us)),
        // What each server process spent per request, whatever else the machine was doing.
        packCpuUs: (pack.cpuTimeUs() - cpuBefore.pack) / requests.length,
        noOpCpuUs: (noOp.cpuTimeUs() - cpuBefore.noOp) / requests.length,
      }) + '\n',
    );
  } finally {
    await pack.stop();
    await noOp.stop();
  }
}

async function sequentially<T, R>(items: readonly T[], run: (item: T) => Promise<R>): Promise<R[]> {
  const results: R[] = [];
  for (const item of items) results.push(await run(item));
  return results;
}

const [mode, corpusFile, countText] = process.argv.slice(2);
const measure = { validate, analyze: analyzeEndToEnd }[mode];
if (measure === undefined) throw new Error(`usage: policy-pack.ts validate|analyze <corpus> <count> (got ${mode})`);
measure(corpusFile, Number(countText)).catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
