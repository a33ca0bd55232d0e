import type * as Sarif from 'sarif';
import type { CheckReport, FindingReport, ReportHead, ResourceReport } from '../check/report';
import type { RuleMetadata, Severity } from '../rules';
import { ALL_RULES } from '../rules';
import { aroundEmptyArray, JsonArrayWriter } from './json-items';
import type { ReportWriterFactory } from './report-writer';
import { formatWhole } from './report-writer';

/** Where the rule docs are published; each rule's help URI is `<base>/<id>.md`. */
export const RULE_DOCS_BASE_URI = 'https://github.com/k8s-least-privilege/k8s-least-privilege/blob/main/docs/rules';

const LEVEL: Readonly<Record<Severity, Sarif.ReportingConfiguration.level>> = { error: 'error', warning: 'warning', info: 'note' };

/**
 * The report as a SARIF 2.1.0 log: every rule with its metadata and help URI, every
 * finding as a result with its file and line, suppressed findings with their reason,
 * input errors as tool notifications (and the run marked unsuccessful).
 */
export function formatSarif(report: CheckReport, toolVersion: string): string {
  return formatWhole(report, sarifReportWriter(toolVersion));
}

/** The SARIF `fixes` of a result: suggested changes of the files that answer it (`check --fix --dry-run`). */
export type SarifFixesOf = (resource: ResourceReport, finding: FindingReport) => Sarif.Fix[];

/**
 * Writes the SARIF log resource by resource, as {@link formatSarif} writes it whole: the results
 * are the run's last key, and everything before them (the rules, the input errors as
 * notifications) is known before the first resource.
 *
 * @param fixesOf the fixes of each result, when they are known
 */
export function sarifReportWriter(toolVersion: string, fixesOf?: SarifFixesOf): ReportWriterFactory {
  return (write) => {
    const ruleIndex = new Map(ALL_RULES.map((rule, index) => [rule.id, index]));
    // The results array is at depth 4: runs[0].results[i].
    const results = new JsonArrayWriter<Sarif.Result>(write, 4);
    let after = '';
    return {
      start(head) {
        const around = aroundEmptyArray(sarifLog(head, toolVersion), 'results');
        write(around.before);
        after = around.after;
      },
      resource(resource) {
        for (const finding of resource.findings) {
          const fixes = fixesOf?.(resource, finding) ?? [];
          results.item({ ...sarifResult(resource, finding, ruleIndex), ...(fixes.length === 0 ? {} : { fixes }) });
        }
      },
      finish() {
        results.close();
        write(`${after}\n`);
      },
    };
  };
}

/** The log without its results. */
function sarifLog(head: ReportHead, toolVersion: string): Sarif.Log {
  return {
    version: '2.1.0',
    $schema: 'https://json.schemastore.org/sarif-2.1.0.json',
    runs: [
      {
        tool: {
          driver: {
            name: 'k8s-least-privilege',
            version: toolVersion,
            informationUri: 'https://github.com/k8s-least-privilege/k8s-least-privilege',
            rules: ALL_RULES.map(ruleDescriptor),
          },
        },
        invocations: [
          {
            executionSuccessful: head.errors.length === 0,
            toolExecutionNotifications: head.errors.map((error) => ({
              level: 'error',
              message: { text: error.document === null ? error.message : `document ${error.document}: ${error.message}` },
              locations: [
                {
                  physicalLocation: {
                    artifactLocation: { uri: toUri(error.file) },
                    ...(error.line === null ? {} : { region: { startLine: error.line } }),
                  },
                },
              ],
            })),
          },
        ],
        properties: { runtimeProfile: head.runtimeProfile, requiredLevel: head.requiredLevel },
        results: [],
      },
    ],
  };
}

function sarifResult(resource: ResourceReport, finding: FindingReport, ruleIndex: ReadonlyMap<string, number>): Sarif.Result {
  return {
    ruleId: finding.ruleId,
    ruleIndex: ruleIndex.get(finding.ruleId),
    level: LEVEL[finding.severity],
    message: { text: `${resource.kind} ${resource.namespace === null ? '' : `${resource.namespace}/`}${resource.name ?? '<unnamed>'}: ${finding.message}` },
    locations: [
      {
        physicalLocation: { artifactLocation: { uri: toUri(resource.source.file) }, region: { startLine: finding.line } },
        logicalLocations: [{ fullyQualifiedName: `${resource.kind}/${resource.name ?? ''}.${finding.path}` }],
      },
    ],
    ...(finding.suppressed ? { suppressions: [{ kind: 'inSource', justification: finding.suppressionReason }] } : {}),
  };
}

function ruleDescriptor(rule: RuleMetadata): Sarif.ReportingDescriptor {
  return {
    id: rule.id,
    name: rule.name,
    shortDescription: { text: rule.title },
    fullDescription: { text: rule.rationale },
    help: { text: rule.remediation },
    helpUri: `${RULE_DOCS_BASE_URI}/${rule.id}.md`,
    defaultConfiguration: { level: LEVEL[rule.severity] },
    properties: { tags: ['kubernetes', 'security', ...rule.podSecurityChecks.map((check) => `pss:${check}`)] },
  };
}

/** A relative path stays relative (SARIF resolves it against the run's root); separators become `/`. */
export function toUri(file: string): string {
  return encodeURI(file.replace(/\\/g, '/'));
}
