import { BindVerdict } from '../model/bind-verdict';
import { ContainerType } from '../model/containers';
import { PodSecurityLevel } from '../model/pod-security-types';
import { Severity } from '../rules/rule';
import type { ImagePullReport } from '../image/registry/registry-facts';

/** Where something is in the input. */
export interface SourceLocation {
  /** The file as named on the command line (or found in a directory); `<stdin>` for `-`. */
  readonly file: string;
  /** Zero-based index of the YAML document in the file. */
  readonly document: number;
  /** One-based line in the file. */
  readonly line: number;
}

/** A declared port and its bind verdict. */
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
}

/** One container and its ports. */
export interface ContainerReport {
  /** The container's name. */
  readonly name: string;
  /** Its kind of container. */
  readonly type: ContainerType;
  /** Its declared ports. */
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
  /** The most restrictive Pod Security Standards level met; pods and pod templates only. */
  readonly podSecurityLevel?: PodSecurityLevel;
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
  /** Declared ports by bind verdict. */
  readonly ports: Readonly<Record<BindVerdict, number>>;
  /** Of the unknown ports, those that reading their image would decide. */
  readonly portsAwaitingImages: number;
}

/** The checker's whole answer: the machine interface of DESIGN.md, schemaVersion 1. */
export interface CheckReport {
  /** The version of this shape. */
  readonly schemaVersion: 1;
  /** The runtime profile the bind verdicts hold for. */
  readonly runtimeProfile: string;
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
export function exitStatusOf(report: CheckReport): 0 | 1 | 2 {
  if (report.errors.length > 0) return 2;
  return report.summary.findings.error > 0 ? 1 : 0;
}
