/**
 * Measures the Pulumi policy pack's cost per resource, calling each policy's
 * `validateResource` the way @pulumi/policy's analyzer (`makeAnalyzeRpcFun` in its server.js)
 * does for every resource of a `pulumi preview`: every policy whose enforcement level is not
 * `disabled`, in order, each with its own `args` (the resource's deserialized properties
 * behind @pulumi/policy's `unknownCheckingProxy`, `getConfig`, `notApplicable` that throws)
 * and a `reportViolation` that collects. The properties are deserialized once per resource
 * beforehand: the protobuf decoding belongs to the runtime, not to the pack.
 *
 * Run as a child of bench/run.ts: `node -r ts-node/register/transpile-only bench/policy-pack.ts <corpus> <count>`;
 * prints one JSON line.
 */
import { readFileSync } from 'node:fs';
import type { ResourceValidationArgs } from '@pulumi/policy';
import * as jsYaml from 'js-yaml';
import { leastPrivilegePolicies } from '../src/integrations/pulumi-policy';

// @pulumi/policy's own proxy (internal, not in its typings): what `args.props` is at run time.
const { unknownCheckingProxy } = require('@pulumi/policy/proxy') as { unknownCheckingProxy: (value: unknown) => unknown };

class NotApplicableError extends Error {}

const [corpusFile, countText] = process.argv.slice(2);
const count = Number(countText);

/** `kubernetes:apps/v1:Deployment` for `apps/v1` `Deployment`, `kubernetes:core/v1:Pod` for `v1` `Pod`. */
function pulumiType(apiVersion: string, kind: string): string {
  return `kubernetes:${apiVersion.includes('/') ? apiVersion : `core/${apiVersion}`}:${kind}`;
}

const resources: { type: string; name: string; props: Record<string, unknown> }[] = [];
for (const document of jsYaml.loadAll(readFileSync(corpusFile, 'utf8'))) {
  const object = document as { apiVersion: string; kind: string; metadata: { name: string } };
  if (!['Deployment', 'StatefulSet', 'CronJob'].includes(object.kind)) continue;
  resources.push({ type: pulumiType(object.apiVersion, object.kind), name: object.metadata.name, props: JSON.parse(JSON.stringify(object)) });
  if (resources.length === count) break;
}
if (resources.length < count) throw new Error(`the corpus has only ${resources.length} workloads`);

const policies = leastPrivilegePolicies().filter((policy) => policy.enforcementLevel !== 'disabled');

async function analyze(resource: (typeof resources)[number]): Promise<number> {
  let violations = 0;
  const reportViolation = () => {
    violations++;
  };
  for (const policy of policies) {
    const props = unknownCheckingProxy(resource.props) as Record<string, unknown>;
    const args = {
      type: resource.type,
      props,
      urn: `urn:pulumi:bench::k8s::${resource.type}::${resource.name}`,
      name: resource.name,
      opts: { protect: false, ignoreChanges: [], aliases: [], customTimeouts: { createSeconds: 0, updateSeconds: 0, deleteSeconds: 0 }, additionalSecretOutputs: [] },
      stackTags: new Map<string, string>(),
      isType: () => false,
      asType: () => undefined,
      // The closed world: section 6 measures reading images; here, the rules' cost per resource.
      getConfig: () => ({ imageFacts: 'assume-none' }),
      notApplicable: (reason?: string) => {
        throw new NotApplicableError(reason);
      },
    } as unknown as ResourceValidationArgs;
    const validate = policy.validateResource;
    try {
      // As @pulumi/policy does: a validation may be asynchronous, and is awaited.
      for (const validation of Array.isArray(validate) ? validate : [validate]) await validation(args, reportViolation);
    } catch (error) {
      if (!(error instanceof NotApplicableError)) throw error;
    }
  }
  return violations;
}

async function measure(): Promise<void> {
  // Warm up (JIT), as a long-running analyzer process is after its first resources.
  for (let i = 0; i < Math.min(500, resources.length); i++) await analyze(resources[i]);
  let violations = 0;
  const start = process.hrtime.bigint();
  for (const resource of resources) violations += await analyze(resource);
  const elapsedMs = Number(process.hrtime.bigint() - start) / 1e6;
  process.stdout.write(JSON.stringify({ resources: resources.length, policies: policies.length, violations, elapsedMs }) + '\n');
}

measure().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
