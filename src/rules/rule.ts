import { PodAnalysis } from '../model/analyze';
import { JsonObject } from '../model/json-value';
import { PodTemplate } from '../model/workload';

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
