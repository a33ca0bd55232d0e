/**
 * What the Pulumi component registers, read back from Pulumi's mocks, and the checks every
 * test applies to it: the capability model, the whole checker (LP016's Service mapping
 * included), and the policy pack over the analyzer protocol.
 */
import * as pulumi from '@pulumi/pulumi';
import { unknownValue } from '@pulumi/pulumi/runtime/rpc';
import * as yaml from 'js-yaml';
import type { RegisteredResource } from './mocks';
import { registered, settle } from './mocks';
import { checkInputs } from '../../src/check/check-inputs';
import { checkObject } from '../../src/check/check-object';
import type { PodSecurityLevel } from '../../src/model/pod-security-types';
import { DEFAULT_RUNTIME_PROFILE } from '../../src/model/runtime-profile';
import { objectsInDocument } from '../../src/model/workload';
import type { PrivilegedPortServiceArgs } from '../../src/pulumi';
import { PrivilegedPortService } from '../../src/pulumi';

/** The children one component registered. */
export interface EmittedService {
  readonly component: PrivilegedPortService;
  readonly deployment: RegisteredResource;
  readonly service: RegisteredResource;
}

/** Creates the component and waits until it and its children are registered with the mocks. */
export async function emit(name: string, args: PrivilegedPortServiceArgs, opts?: pulumi.ComponentResourceOptions): Promise<EmittedService> {
  const component = new PrivilegedPortService(name, args, opts);
  await settle([component, component.deployment, component.service]);
  const find = (type: string) => {
    const matches = registered.filter((resource) => resource.type === type && resource.name === name);
    if (matches.length !== 1) throw new Error(`expected one ${type} named ${name}, got ${matches.length}`);
    return matches[0];
  };
  return { component, deployment: find('kubernetes:apps/v1:Deployment'), service: find('kubernetes:core/v1:Service') };
}

/**
 * Resource inputs in the wire form a policy pack receives: `pulumi.unknown` (what the mocks
 * hand over for a value unknown during preview) becomes the engine's unknown sentinel.
 */
export function wireForm(value: unknown): any {
  if (pulumi.isUnknown(value)) return unknownValue;
  if (Array.isArray(value)) return value.map(wireForm);
  if (typeof value === 'object' && value !== null) return Object.fromEntries(Object.entries(value).map(([key, entry]) => [key, wireForm(entry)]));
  return value;
}

/**
 * The Deployment's pod, analyzed by the model under the strict runtime profile, and checked with
 * `level` as the required level (the checker's gate, baseline by default: a component declared
 * `privileged` is checked at what it declares).
 */
export function analysisOf(deployment: RegisteredResource, level?: PodSecurityLevel) {
  const [object] = objectsInDocument(deployment.inputs).objects;
  const check = checkObject(object, { runtimeProfile: DEFAULT_RUNTIME_PROFILE, level });
  return { object, check, analysis: check.analysis! };
}

/** Error-severity findings of the whole checker over the Deployment and the Service as one input, `level` required. */
export function checkerErrors(emitted: EmittedService, level?: PodSecurityLevel): string[] {
  const text = [emitted.deployment.inputs, emitted.service.inputs].map((object) => yaml.dump(object)).join('---\n');
  const report = checkInputs([{ file: 'pulumi.yaml', ok: true, text }], { runtimeProfile: DEFAULT_RUNTIME_PROFILE, level });
  if (report.errors.length > 0) throw new Error(`the checker could not read the emitted objects: ${JSON.stringify(report.errors)}`);
  return report.resources.flatMap((resource) =>
    resource.findings.filter((finding) => finding.severity === 'error' && !finding.suppressed).map((finding) => `${resource.kind}: ${finding.ruleId} ${finding.message}`),
  );
}
