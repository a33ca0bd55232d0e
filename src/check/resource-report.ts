import type { NodePath } from '../model/workload';
import type { Severity } from '../rules';
import type { ObjectCheck } from './check-object';
import { formatFieldPath } from './node-path';
import type { ParsedObject } from './parsed-input';
import type { FindingReport, ResourceReport } from './report';
import { podSecurityLevelReport } from './report';

/** A resource's report whose findings the input rules may still add to. */
export type OpenResourceReport = ResourceReport & { readonly findings: FindingReport[] };

/** The report of one object of the input: what {@link checkObject} found about it, located in its file. */
export function resourceReport(parsed: ParsedObject, check: ObjectCheck): OpenResourceReport {
  const { object } = parsed;
  const findings: FindingReport[] = [];
  for (const finding of check.findings) {
    const { ruleId, severity, message, container, path, suppressionReason } = finding;
    findings.push(locatedFinding(parsed, ruleId, severity, message, container, path, suppressionReason));
  }
  const analysis = check.analysis;
  return {
    source: parsed.source,
    apiVersion: object.apiVersion,
    kind: object.kind,
    name: object.name,
    namespace: object.namespace,
    ...(analysis === undefined
      ? {}
      : {
        podSecurityLevel: analysis.podSecurity.level,
        podSecurity: {
          baseline: podSecurityLevelReport(analysis.podSecurity.levels.baseline),
          restricted: podSecurityLevelReport(analysis.podSecurity.levels.restricted),
        },
      }),
    containers: check.containers,
    findings,
  };
}

/** A finding at `path` (from the object's root), with its line in the file. */
export function locatedFinding(
  parsed: ParsedObject,
  ruleId: string,
  severity: Severity,
  message: string,
  container: string | null,
  path: NodePath,
  reason: string | undefined,
): FindingReport {
  const objectPath = parsed.object.path;
  const finding: { -readonly [K in keyof FindingReport]: FindingReport[K] } = {
    ruleId,
    severity,
    message,
    container,
    path: formatFieldPath(path),
    line: parsed.lineOf(objectPath.length === 0 ? path : [...objectPath, ...path]),
    suppressed: reason !== undefined,
  };
  if (reason !== undefined) finding.suppressionReason = reason;
  return finding;
}
