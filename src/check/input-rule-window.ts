import type { PodSecurityEvaluation } from '../model/pod-security-types';
import type { CheckedObject, InputRule } from '../rules';
import { INPUT_RULES } from '../rules';
import type { CheckOptions } from './check-object';
import { suppressionReason, suppressionsOf } from './check-object';
import type { IndexedFinding, ObjectContext } from './cross-resource-index';
import { parseFieldPath } from './node-path';
import type { ParsedObject } from './parsed-input';
import type { ResourceReport } from './report';
import type { OpenResourceReport } from './resource-report';
import { locatedFinding } from './resource-report';

/** One object of the window: its report, and what the input rules see of it. */
interface WindowEntry {
  readonly ordinal: number;
  readonly parsed: ParsedObject;
  readonly report: OpenResourceReport;
  readonly podSecurity: PodSecurityEvaluation | undefined;
  readonly context: ObjectContext;
}

/**
 * Adds the input rules' findings to the reports of the objects of the input, a few hundred at a
 * time, in input order, and hands each report on once they are added. The findings about a
 * Service were found with the input's index; the rules run here over the window's pods and
 * Namespaces and the Namespaces of its pods (in input order), which is what their findings
 * depend on, once the pods' Pod Security verdicts are known.
 */
export class InputRuleWindow {
  private entries: WindowEntry[] = [];

  /** @param options the check's options; @param emit where finished reports go, in input order; @param size how many reports wait for the input rules */
  constructor(
    private readonly options: CheckOptions,
    private readonly emit: (report: ResourceReport) => void,
    private readonly size = 64,
  ) {}

  /** The next object's report (the object at `ordinal`, with its context), its own findings made. */
  add(
    ordinal: number,
    parsed: ParsedObject,
    report: OpenResourceReport,
    podSecurity: PodSecurityEvaluation | undefined,
    context: ObjectContext,
  ): void {
    this.entries.push({ ordinal, parsed, report, podSecurity, context });
    if (this.entries.length >= this.size) this.flush();
  }

  /** Adds the findings to the reports added since the last flush, and hands them on. */
  flush(): void {
    const entries = this.entries;
    if (entries.length === 0) return;
    this.entries = [];
    const checked = checkedObjects(entries);
    if (checked.objects.length > 0) {
      for (const rule of INPUT_RULES) {
        for (const { objectIndex, ...finding } of rule.checkInput(checked.objects)) {
          const entry = checked.entryAt[objectIndex];
          if (entry !== undefined) this.addFinding(entry, rule, finding);
        }
      }
    }
    for (const entry of entries) {
      for (const { rule, finding } of entry.context.inputFindings ?? []) this.addFinding(entry, rule, finding);
      this.emit(entry.report);
    }
  }

  private addFinding(entry: WindowEntry, rule: InputRule, finding: IndexedFinding['finding']): void {
    const reason = suppressionReason(suppressionsOf(entry.parsed.object, this.options), rule.id, finding.container);
    const path = parseFieldPath(finding.path);
    entry.report.findings.push(locatedFinding(entry.parsed, rule.id, rule.severity, finding.message, finding.container, path, reason));
  }
}

/**
 * What the rules see: the window's pods and Namespaces (a Service's findings are known already),
 * and the Namespaces of its pods that are not in it, each once, in input order; and for each of
 * them, the window's entry, if it is one.
 */
function checkedObjects(entries: readonly WindowEntry[]): { objects: CheckedObject[]; entryAt: (WindowEntry | undefined)[] } {
  const byOrdinal = new Map<number, { checked: CheckedObject; entry: WindowEntry | undefined }>();
  for (const entry of entries) {
    const { object } = entry.parsed;
    if (entry.context.inputFindings !== undefined || (object.pod === undefined && object.kind !== 'Namespace')) continue;
    byOrdinal.set(entry.ordinal, { checked: { object, podSecurity: entry.podSecurity }, entry });
  }
  if (byOrdinal.size === 0) return { objects: [], entryAt: [] };
  for (const entry of entries) {
    for (const namespace of entry.context.namespaces) {
      if (!byOrdinal.has(namespace.ordinal)) byOrdinal.set(namespace.ordinal, { checked: namespace.checked, entry: undefined });
    }
  }
  const ordered = [...byOrdinal].sort(([a], [b]) => a - b).map(([, value]) => value);
  return { objects: ordered.map(({ checked }) => checked), entryAt: ordered.map(({ entry }) => entry) };
}
