import type { PodAnalysis } from '../../model/analyze';
import type { JsonObject } from '../../model/json-value';
import type { PodSecurityEvaluation, PodSecurityLevel } from '../../model/pod-security-types';
import type { KubernetesObject, PodTemplate } from '../../model/workload';

/** How much a finding matters: an `error` fails the check (exit status 1). */
export type Severity = 'error' | 'warning' | 'info';

/** What a rule sees: the pod and everything the model says about it. */
export interface RuleInput {
  /** The pod or pod template as parsed. */
  readonly pod: PodTemplate;
  /** The workload object's own `metadata` (for a Pod, the same as the pod's). */
  readonly objectMetadata: JsonObject | undefined;
  /** The capability model's analysis of it. */
  readonly analysis: PodAnalysis;
  /**
   * The Pod Security level every workload must meet (the `level` setting, `--level`): missing it
   * is an error (LP020). A workload's `pod-security-level` annotation can only raise it.
   * @default 'baseline'
   */
  readonly requiredLevel?: PodSecurityLevel;
  /** The ids of every rule, for the rule that checks what suppressions name (LP000). */
  readonly knownRuleIds: ReadonlySet<string>;
}

/** One problem a rule found in a pod. */
export interface RuleFinding {
  /** The container concerned, or `null` for the pod as a whole. */
  readonly container: string | null;
  /** The offending field, relative to the pod: `spec.containers[0].ports[0]`, `metadata.annotations`. */
  readonly path: string;
  /** What is wrong and what to do, in one line a person acts on. */
  readonly message: string;
}

/** What every rule carries besides its check: the metadata its docs, SARIF and policies are made from. */
export type RuleMetadata = Omit<Rule, 'check'>;

/** A rule over the model's view of a pod, with the metadata its docs are made from. */
export interface Rule {
  /** The stable id, e.g. `LP001`. */
  readonly id: string;
  /** A short kebab-case name, e.g. `port-cannot-bind`. */
  readonly name: string;
  /** One line: what the rule reports. */
  readonly title: string;
  /** How much its findings matter. */
  readonly severity: Severity;
  /** Why it matters. */
  readonly rationale: string;
  /** What to do about it: the fix in words, as YAML, and as the construct to use. */
  readonly remediation: string;
  /** The upstream Pod Security Admission check ids the rule relates to, if any. */
  readonly podSecurityChecks: readonly string[];
  /** The findings for one pod. */
  check(input: RuleInput): RuleFinding[];
}

/**
 * One object of the whole input, with its Pod Security verdict when it carries a pod. Only
 * the verdict is kept, not the whole analysis: the checker holds one of these for every
 * workload of the input until the input rules run.
 */
export interface CheckedObject {
  /** The object. */
  readonly object: KubernetesObject;
  /** The Pod Security verdict of its pod at the check's options; `undefined` for objects without a pod. */
  readonly podSecurity: PodSecurityEvaluation | undefined;
}

/** One problem a cross-resource rule found, on one object of the input. */
export interface InputRuleFinding {
  /** The index of the object concerned in the list the rule was given. */
  readonly objectIndex: number;
  /** The container concerned, or `null`. */
  readonly container: string | null;
  /** The offending field, from the object's root: `spec.ports[0].targetPort`. */
  readonly path: string;
  /** What is wrong and what to do. */
  readonly message: string;
}

/**
 * A rule that needs several objects of the same input at once (a Service and the pods it
 * selects, a Namespace and the pods in it). It runs where the whole input is known: the
 * CLI and the cdk8s plugin, not the Pulumi pack, which sees one resource at a time.
 */
export interface InputRule extends RuleMetadata {
  /** The findings over every object of the input. */
  checkInput(objects: readonly CheckedObject[]): InputRuleFinding[];
}

/**
 * Declares a rule: the one shape every rule of `src/rules` is written in, one per file named after
 * the rule's `name`. A pod rule has `check`, a cross-resource rule `checkInput`. The metadata is
 * checked when the module loads (a malformed id or name is a programming error, caught by every
 * test) and frozen.
 * @throws Error on an id that is not `LP` and three digits, or a name that is not kebab-case
 */
export function defineRule(rule: Rule): Rule;
/** {@inheritDoc defineRule} */
export function defineRule(rule: InputRule): InputRule;
/** {@inheritDoc defineRule} */
export function defineRule(rule: Rule | InputRule): Rule | InputRule {
  if (!/^LP\d{3}$/.test(rule.id)) throw new Error(`rule id ${JSON.stringify(rule.id)} is not LP and three digits`);
  if (!/^[a-z0-9]+(-[a-z0-9]+)*$/.test(rule.name)) throw new Error(`rule ${rule.id}: name ${JSON.stringify(rule.name)} is not kebab-case`);
  if (rule.title === '' || rule.rationale === '' || rule.remediation === '') throw new Error(`rule ${rule.id}: title, rationale and remediation are required`);
  return Object.freeze(rule);
}
