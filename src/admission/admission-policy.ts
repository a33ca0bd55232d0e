/**
 * The ValidatingAdmissionPolicies (admissionregistration.k8s.io/v1) and their bindings that enforce
 * in the cluster what a manifest alone decides of `check`'s rules: two policies per group of kinds
 * (src/admission/pod-sources.ts), one whose failures follow the mode (deny, warn or audit) and an
 * advisory one that warns. The one function the CLI, the cdk8s construct and the Pulumi helper
 * share, so that their output is the same.
 */
import { stringify } from 'yaml';
import { capabilityVariables, spellingProblems } from './capability-names';
import { fieldOr } from './cel-text';
import { containerVerdict, MAX_READ_NAMES, PORT_ENTRY_PREFIX } from './container-verdict';
import { podNetworkVariables } from './pod-network-variables';
import type { PodSource } from './pod-sources';
import { matchConditions, podMetadataPath, podSpecPath, POD_SOURCES, schemaPathOf } from './pod-sources';
import type { PolicyVariable } from './policy-variable';
import type { PolicyValidation } from './validations';
import {
  capabilitySpellingValidation,
  fileCapabilityAnnotationValidation,
  portBindUnknownValidation,
  portCannotBindValidation,
  runAsNonRootValidation,
} from './validations';
import type { PodSecurityLevel } from '../model/pod-security-types';
import { POD_SECURITY_LEVELS } from '../model/pod-security-types';
import type { RuntimeProfile, RuntimeProfileName } from '../model/runtime-profile';
import { DEFAULT_RUNTIME_PROFILE, findRuntimeProfile, runtimeProfileNames } from '../model/runtime-profile';

/** What the policy does with an object that fails: the binding's validationActions. */
export type AdmissionPolicyMode = 'deny' | 'warn' | 'audit';

/** Every mode, the default first. */
export const ADMISSION_POLICY_MODES: readonly AdmissionPolicyMode[] = ['deny', 'warn', 'audit'];

/** Options of {@link admissionPolicyManifests}. */
export interface AdmissionPolicyOptions {
  /**
   * The runtime the cluster's nodes run: its default `ip_unprivileged_port_start` and how it reads
   * capability names.
   * @default 'strict' — no runtime lowers the start: what binds there binds on every runtime
   */
  readonly runtimeProfile?: RuntimeProfile | RuntimeProfileName | string;
  /**
   * The Pod Security level the fixes that messages name must meet (`restricted` leaves out running
   * as root).
   * @default 'baseline'
   */
  readonly level?: PodSecurityLevel;
  /**
   * What an object that fails LP001, LP008 or LP015 meets: `deny` (rejected), `warn` (a warning
   * to the client) or `audit` (an audit annotation). LP002 and LP006 always warn (audit in `audit`).
   * @default 'deny'
   */
  readonly mode?: AdmissionPolicyMode;
}

/** A Kubernetes object as plain JSON. */
export type KubernetesManifest = Readonly<Record<string, unknown>>;

/** A usage error in the options: an unknown profile, level or mode. */
export class AdmissionPolicyOptionError extends Error {
  /**
   * @param option the option whose value is wrong
   * @param problem what is wrong with it and what is accepted, to follow the option's name
   */
  constructor(public readonly option: keyof AdmissionPolicyOptions, public readonly problem: string) {
    super(`${option} ${problem}`);
    this.name = 'AdmissionPolicyOptionError';
  }
}

/** The most containers (init, regular and ephemeral) of a pod the policies read, one by one. */
const MAX_CONTAINERS = 256;

/** The prefix of every generated object's name. */
export const ADMISSION_POLICY_NAME_PREFIX = 'k8s-least-privilege-';

/** The label on every generated object. */
const MANAGED_BY = { 'app.kubernetes.io/managed-by': 'k8s-least-privilege' };

interface ResolvedOptions {
  readonly profile: RuntimeProfile;
  readonly level: PodSecurityLevel;
  readonly mode: AdmissionPolicyMode;
}

/** Checks the options as the CLI and the constructs receive them, for JavaScript callers too. */
export function resolveAdmissionPolicyOptions(options: AdmissionPolicyOptions = {}): ResolvedOptions {
  const { runtimeProfile, level = 'baseline', mode = 'deny' } = options;
  const profile = runtimeProfile === undefined ? DEFAULT_RUNTIME_PROFILE : typeof runtimeProfile === 'string' ? findRuntimeProfile(runtimeProfile) : runtimeProfile;
  if (profile === undefined) {
    throw new AdmissionPolicyOptionError('runtimeProfile', `names no runtime profile: "${String(runtimeProfile)}"; one of: ${runtimeProfileNames().join(', ')}`);
  }
  if (!POD_SECURITY_LEVELS.includes(level)) throw new AdmissionPolicyOptionError('level', `must be one of ${POD_SECURITY_LEVELS.join(', ')}, not "${String(level)}"`);
  if (!ADMISSION_POLICY_MODES.includes(mode)) throw new AdmissionPolicyOptionError('mode', `must be one of ${ADMISSION_POLICY_MODES.join(', ')}, not "${String(mode)}"`);
  return { profile, level, mode };
}

/** The variables of a policy over `source`'s pods: pod facts, capability tables, then each container's verdict. */
function policyVariables(source: PodSource, options: ResolvedOptions, advisory: boolean): PolicyVariable[] {
  const spec = podSpecPath(source);
  // A pod of more containers than any real one is not read (see MAX_READ_NAMES): its ports are unknown.
  const tooMany = `['(more than ${MAX_CONTAINERS} containers)', 'unknown', 'the policy does not read a pod of more than ${MAX_CONTAINERS} containers', '', '', '${PORT_ENTRY_PREFIX}every/port']`;
  const verdict = (list: string) => `(variables.manyContainers ? [${tooMany}] : ${list}.map(c, ${containerVerdict('c', { profile: options.profile, level: options.level })}))`;
  const lists = {
    init: fieldOr('variables.spec', ['initContainers'], '[]'),
    main: 'variables.spec.containers',
    ephemeral: fieldOr('variables.spec', ['ephemeralContainers'], '[]'),
  };
  const variables: PolicyVariable[] = [
    { name: 'annotations', expression: annotationsOf(source), size: `${schemaPathOf(podMetadataPath(source))}.annotations` },
    ...podNetworkVariables(options.profile, schemaPathOf(spec)),
    ...capabilityVariables(options.profile),
    { name: 'manyContainers', expression: `size(${lists.init}) + size(${lists.main}) + size(${lists.ephemeral}) > ${MAX_CONTAINERS}`, size: 'scalar' },
    {
      name: 'containerNames',
      expression: `variables.manyContainers ? [] : ${lists.init}.map(c, c.name) + ${lists.main}.map(c, c.name) + ${lists.ephemeral}.map(c, c.name)`,
      size: `verdicts:${schemaPathOf(spec)}`,
    },
    { name: 'initContainerVerdicts', expression: verdict(lists.init), size: `${schemaPathOf(spec)}.initContainers` },
    { name: 'appContainerVerdicts', expression: verdict(lists.main), size: `${schemaPathOf(spec)}.containers` },
    { name: 'ephemeralContainerVerdicts', expression: verdict(lists.ephemeral), size: `${schemaPathOf(spec)}.ephemeralContainers` },
    {
      name: 'containerVerdicts',
      expression: 'variables.initContainerVerdicts + variables.appContainerVerdicts + variables.ephemeralContainerVerdicts',
      size: `verdicts:${schemaPathOf(spec)}`,
    },
  ];
  if (advisory) {
    variables.push({
      name: 'capabilitySpellings',
      expression: `variables.manyContainers ? [] : ${[lists.init, lists.main, lists.ephemeral].map((list) => `${list}.map(c, ${spellingProblems('c', MAX_READ_NAMES)})`).join(' + ')}`,
      size: `verdicts:${schemaPathOf(spec)}`,
    });
  }
  return variables.map((variable) => ({ ...variable, expression: withPodSpec(variable.expression, spec) }));
}

/**
 * The expressions read the pod spec as `variables.spec`, written here as its path: the type
 * checker gives a variable that holds an object the type dyn, so an expression reading the pod
 * spec through one would type-check only by luck.
 */
function withPodSpec(expression: string, specPath: string): string {
  return expression.replace(/\bvariables\.spec\b/g, specPath);
}

/** The pod template's annotations, `{}` when it has none. */
function annotationsOf(source: PodSource): string {
  const metadata = podMetadataPath(source);
  const parent = metadata.slice(0, metadata.lastIndexOf('.'));
  return fieldOr(parent, ['metadata', 'annotations'], '{}');
}

function bindingActions(mode: AdmissionPolicyMode): string[] {
  return [mode === 'deny' ? 'Deny' : mode === 'warn' ? 'Warn' : 'Audit'];
}

/** One policy and its binding. */
interface PolicyPair {
  readonly name: string;
  readonly variables: readonly PolicyVariable[];
  readonly validations: readonly PolicyValidation[];
  readonly actions: readonly string[];
  readonly source: PodSource;
}

function policyPairs(options: ResolvedOptions): PolicyPair[] {
  return POD_SOURCES.flatMap((source): PolicyPair[] => [
    {
      name: `${ADMISSION_POLICY_NAME_PREFIX}${source.name}`,
      variables: policyVariables(source, options, false),
      validations: [portCannotBindValidation(), runAsNonRootValidation(options.level), fileCapabilityAnnotationValidation()],
      actions: bindingActions(options.mode),
      source,
    },
    {
      name: `${ADMISSION_POLICY_NAME_PREFIX}${source.name}-advisory`,
      variables: policyVariables(source, options, true),
      validations: [portBindUnknownValidation(), capabilitySpellingValidation()],
      actions: options.mode === 'audit' ? ['Audit'] : ['Warn'],
      source,
    },
  ]);
}

function objectMetadata(name: string, options: ResolvedOptions): KubernetesManifest {
  return {
    name,
    labels: MANAGED_BY,
    annotations: {
      'k8s-least-privilege.dev/runtime-profile': options.profile.name,
      'k8s-least-privilege.dev/pod-security-level': options.level,
    },
  };
}

/**
 * The policies and bindings, as plain objects in the order they are applied (each policy, then its
 * binding). `failurePolicy: Ignore`: an expression that cannot be evaluated (past the API server's
 * cost budget) admits, as `check` calls what it cannot decide `unknown`, never an error.
 * @throws AdmissionPolicyOptionError on an unknown profile, level or mode
 */
export function admissionPolicyManifests(options: AdmissionPolicyOptions = {}): KubernetesManifest[] {
  const resolved = resolveAdmissionPolicyOptions(options);
  return policyPairs(resolved).flatMap(({ name, variables, validations, actions, source }) => [
    {
      apiVersion: 'admissionregistration.k8s.io/v1',
      kind: 'ValidatingAdmissionPolicy',
      metadata: objectMetadata(name, resolved),
      spec: {
        failurePolicy: 'Ignore',
        matchConstraints: {
          resourceRules: source.resourceRules.map((rule) => ({ ...rule, operations: ['CREATE', 'UPDATE'] })),
        },
        matchConditions: matchConditions(source),
        variables: variables.map(({ name: variableName, expression }) => ({ name: variableName, expression })),
        validations: validations.map((validation) => ({ ...validation })),
      },
    },
    {
      apiVersion: 'admissionregistration.k8s.io/v1',
      kind: 'ValidatingAdmissionPolicyBinding',
      metadata: objectMetadata(name, resolved),
      spec: { policyName: name, validationActions: actions },
    },
  ]);
}

/** {@link admissionPolicyManifests} as a YAML stream, ready for `kubectl apply -f -`. */
export function admissionPolicyYaml(options: AdmissionPolicyOptions = {}): string {
  return admissionPolicyManifests(options)
    .map((manifest) => stringify(manifest, { lineWidth: 0 }))
    .join('---\n');
}

/**
 * For each policy, what bounds each variable's size (see {@link PolicyVariable.size}): the cost
 * estimate of the expressions that read a variable needs it.
 */
export function admissionPolicySizeHints(options: AdmissionPolicyOptions = {}): Record<string, Record<string, string>> {
  const resolved = resolveAdmissionPolicyOptions(options);
  return Object.fromEntries(
    policyPairs(resolved).map(({ name, variables }) => [name, Object.fromEntries(variables.map((variable) => [variable.name, variable.size === 'scalar' ? '' : variable.size]))]),
  );
}
