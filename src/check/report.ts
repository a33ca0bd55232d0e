import type { ImagePullReport } from '../image/registry/registry-facts';
import type { BindVerdict } from '../model/bind-verdict';
import type { ContainerType } from '../model/containers';
import type { PodSecurityLevel, PodSecurityLevelVerdict } from '../model/pod-security-types';
import type { PortSource } from '../model/undeclared-ports';
import type { Severity } from '../rules';

/** Where something is in the input. */
export interface SourceLocation {
  /** The file as named on the command line (or found in a directory); `<stdin>` for `-`. */
  readonly file: string;
  /** Zero-based index of the YAML document in the file. */
  readonly document: number;
  /** One-based line in the file. */
  readonly line: number;
}

/** A port, declared or named by other evidence, and its bind verdict. */
export interface PortReport {
  /** `containerPort` as written. */
  readonly containerPort: unknown;
  /** `protocol`, `TCP` when omitted. */
  readonly protocol: string;
  /** Whether the process can bind it. */
  readonly bind: BindVerdict;
  /** Why. */
  readonly reason: string;
  /** Present (`true`) when the verdict is `unknown` only because the container's image was not read. */
  readonly awaitsImage?: true;
  /** Present when the container does not declare the port: what names it, a probe, a Service or the image. */
  readonly source?: Exclude<PortSource, 'declared'>;
  /** Present with `source`: what names the port, e.g. `the Service web's targetPort`. */
  readonly origin?: string;
}

/** One container and its ports. */
export interface ContainerReport {
  /** The container's name. */
  readonly name: string;
  /** Its kind of container. */
  readonly type: ContainerType;
  /** Its declared ports, then those it listens on without declaring them. */
  readonly ports: readonly PortReport[];
}

/** One rule finding, located. */
export interface FindingReport {
  /** The rule's id, e.g. `LP001`. */
  readonly ruleId: string;
  /** The rule's severity. */
  readonly severity: Severity;
  /** What is wrong and what to do. */
  readonly message: string;
  /** The container concerned, or `null`. */
  readonly container: string | null;
  /** The offending field, from the document's root: `spec.template.spec.containers[0].securityContext`. */
  readonly path: string;
  /** The one-based line of that field (or of its nearest ancestor present) in the file. */
  readonly line: number;
  /** Whether a suppression with a reason covers it (it is still reported). */
  readonly suppressed: boolean;
  /** The suppression's reason, when suppressed. */
  readonly suppressionReason?: string;
}

/** One Pod Security level's verdict on a pod. */
export interface PodSecurityLevelReport {
  /** Whether a namespace enforcing the level admits the pod: none of `checks` fails. */
  readonly allowed: boolean;
  /**
   * The checks of the level that fail, in the admission library's order: `id` the upstream check
   * id (e.g. `seccompProfile_baseline`), `reason` its short reason as the admission controller
   * words it (e.g. `seccompProfile`). Empty when allowed; the details are in the findings.
   */
  readonly checks: readonly { readonly id: string; readonly reason: string }[];
}

/** A level's verdict from the model (`PodSecurityEvaluation.levels`) as the report gives it. */
export function podSecurityLevelReport(verdict: PodSecurityLevelVerdict): PodSecurityLevelReport {
  return { allowed: verdict.allowed, checks: verdict.violations.map((violation) => ({ id: violation.checkId, reason: violation.reason })) };
}

/** One Kubernetes object of the input and what the checker found. */
export interface ResourceReport {
  /** Where the object starts. */
  readonly source: SourceLocation;
  /** `apiVersion`. */
  readonly apiVersion: string;
  /** `kind`. */
  readonly kind: string;
  /** `metadata.name`, or `null`. */
  readonly name: string | null;
  /** `metadata.namespace`, or `null`. */
  readonly namespace: string | null;
  /**
   * The most restrictive Pod Security Standards level that admits the pod: `restricted` when
   * `podSecurity.restricted.allowed`, else `baseline` when `podSecurity.baseline.allowed`, else
   * `privileged`; pods and pod templates only.
   */
  readonly podSecurityLevel?: PodSecurityLevel;
  /**
   * Whether a namespace enforcing each level admits the pod, at the policy version checked;
   * pods and pod templates only. Each level is judged as the admission library judges it, with
   * its own checks, so `restricted.allowed` does not imply `baseline.allowed` (from v1.25 a
   * Windows pod with `seccompProfile: Unconfined` fails `seccompProfile_baseline`, which
   * `seccompProfile_restricted`, exempting Windows pods, replaces at restricted).
   */
  readonly podSecurity?: {
    readonly baseline: PodSecurityLevelReport;
    readonly restricted: PodSecurityLevelReport;
  };
  /** The containers, for pods and pod templates; empty otherwise. */
  readonly containers: readonly ContainerReport[];
  /** The findings of every rule. */
  readonly findings: readonly FindingReport[];
}

/** Input the checker could not read, located as precisely as it can be. */
export interface InputErrorReport {
  /** The file. */
  readonly file: string;
  /** The document index, or `null` when the whole file is at fault. */
  readonly document: number | null;
  /** The one-based line, or `null` when unknown. */
  readonly line: number | null;
  /** What is wrong. */
  readonly message: string;
}

/** Counts over the whole report. */
export interface CheckSummary {
  /** Files read. */
  readonly files: number;
  /** Kubernetes objects checked. */
  readonly resources: number;
  /** Of which pods or workloads with a pod template. */
  readonly workloads: number;
  /** Input errors. */
  readonly errors: number;
  /** Unsuppressed findings by severity. */
  readonly findings: Readonly<Record<Severity, number>>;
  /** Suppressed findings. */
  readonly suppressed: number;
  /** Judged ports (declared or not) by bind verdict. */
  readonly ports: Readonly<Record<BindVerdict, number>>;
  /** Of the unknown ports, those that reading their image would decide. */
  readonly portsAwaitingImages: number;
}

/** The checker's whole answer: the machine interface (docs/architecture.md), schemaVersion 1. */
export interface CheckReport {
  /** The version of this shape. */
  readonly schemaVersion: 1;
  /** The runtime profile the bind verdicts hold for. */
  readonly runtimeProfile: string;
  /** The Pod Security level every workload must meet (`--level`): missing it is an error (LP020). */
  readonly requiredLevel: PodSecurityLevel;
  /** Every Kubernetes object read, in input order. */
  readonly resources: readonly ResourceReport[];
  /** Every input error, in input order. */
  readonly errors: readonly InputErrorReport[];
  /** Counts. */
  readonly summary: CheckSummary;
  /** How each image the verdicts depend on was read from its registry (`--image-facts registry`), when one was. */
  readonly images?: readonly ImagePullReport[];
}

/** The process exit status for a report: 2 on any input error, 1 on an unsuppressed error finding, else 0. */
export function exitStatusOf(report: Pick<CheckReport, 'errors' | 'summary'>): 0 | 1 | 2 {
  if (report.errors.length > 0) return 2;
  return report.summary.findings.error > 0 ? 1 : 0;
}

/** What a report holds before its first resource: the input errors are known once the input is read. */
export type ReportHead = Pick<CheckReport, 'schemaVersion' | 'runtimeProfile' | 'requiredLevel' | 'errors'>;

/** What a report holds after its last resource. */
export type ReportTail = Pick<CheckReport, 'summary' | 'images'>;

/**
 * Writes one report as it is made (the formats of `src/report` each have one): `start` once,
 * then `resource` once per resource in input order, then `finish` once.
 */
export interface ReportWriter {
  /** The report's start. */
  start(head: ReportHead): void;
  /** One resource, in input order. */
  resource(resource: ResourceReport): void;
  /** The report's end. */
  finish(tail: ReportTail): void;
}
