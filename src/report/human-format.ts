
import { formatWhole } from './report-writer';
import type { CheckReport, CheckSummary, ReportWriter, ResourceReport } from '../check/report';
import type { ImagePullReport } from '../image/registry/registry-facts';
import { escapeControlCharacters } from '../input/untrusted-text';
import { describePort } from '../model/ports';

const BIND_MARK = { allowed: 'binds', denied: 'DENIED', unknown: 'unknown' } as const;

/**
 * The report for a person: per resource, its Pod Security level, each port's verdict,
 * then `file:line  severity  rule  message` lines; input errors; a summary.
 * Resources with nothing to say (no container, no finding) are left out.
 */
export function formatHuman(report: CheckReport): string {
  return formatWhole(report, humanReportWriter);
}

/** Writes the human report resource by resource, as {@link formatHuman} writes it whole. */
export function humanReportWriter(write: (text: string) => void): ReportWriter {
  let errors: CheckReport['errors'] = [];
  let runtimeProfile = '';
  let requiredLevel = '';
  // Names, reasons and messages come from input: shown, never obeyed by the terminal.
  const writeLines = (lines: readonly string[]) => write(`${lines.map(escapeControlCharacters).join('\n')}\n`);
  return {
    start(head) {
      ({ errors, runtimeProfile, requiredLevel } = head);
    },
    resource(resource) {
      if (resource.containers.length > 0 || resource.findings.length > 0) writeLines(resourceLines(resource));
    },
    finish({ summary, images }) {
      const lines: string[] = [];
      for (const error of errors) {
        const where = error.line === null ? error.file : `${error.file}:${error.line}`;
        const document = error.document === null ? '' : ` (document ${error.document})`;
        lines.push(`${where}${document}  input error  ${error.message}`);
      }
      if (errors.length > 0) lines.push('');
      lines.push(...imageLines(images ?? [], summary.portsAwaitingImages));
      lines.push(summaryLine(summary, runtimeProfile, requiredLevel));
      writeLines(lines);
    },
  };
}

/** A resource's lines, and the blank line after them. */
function resourceLines(resource: ResourceReport): string[] {
  const lines = [`${resource.source.file}:${resource.source.line}  ${describeResource(resource)}`];
  for (const container of resource.containers) {
    for (const port of container.ports) {
      // A port that does not bind has a finding that carries the reason.
      const reason = port.bind === 'allowed' ? port.reason : 'see the finding below';
      lines.push(`    ${container.name} ${describePort(port)}  ${BIND_MARK[port.bind]}  ${reason}`);
    }
  }
  for (const finding of resource.findings) {
    const suppressed = finding.suppressed ? ` (suppressed: ${finding.suppressionReason})` : '';
    lines.push(`  ${resource.source.file}:${finding.line}  ${finding.severity}${suppressed}  ${finding.ruleId}  ${finding.message}`);
  }
  lines.push('');
  return lines;
}

/** Images that could not be read, and what decides the verdicts that wait for an image. */
function imageLines(images: readonly ImagePullReport[], waiting: number): string[] {
  const failed = images.filter((image) => image.status === 'failed');
  const lines = failed.map((image) => `warning  image ${image.message}`);
  if (waiting > 0) {
    const read = failed.length > 0 ? 'let the pulls above succeed (credentials, a mirror in --config registry.mirrors)' : 'run with --image-facts registry';
    lines.push(
      `${waiting} port verdict${waiting === 1 ? ' is' : 's are'} unknown until the image is read: ${read}, ` +
        'give the images with --images MAP, or declare each binary\'s file capability with the ' +
        'file-capabilities.k8s-least-privilege.dev/<container> annotation.',
    );
  }
  return lines.length === 0 ? [] : [...lines, ''];
}

function describeResource(resource: ResourceReport): string {
  const name = resource.namespace === null ? (resource.name ?? '<unnamed>') : `${resource.namespace}/${resource.name ?? '<unnamed>'}`;
  const level = resource.podSecurityLevel === undefined ? '' : `  (Pod Security: ${resource.podSecurityLevel}${levelReasons(resource)})`;
  return `${resource.kind} ${name}${level}`;
}

/** The checks that keep the pod from each stricter level, always: `; not restricted: allowPrivilegeEscalation, …`. */
function levelReasons(resource: ResourceReport): string {
  const levels = resource.podSecurity;
  if (levels === undefined) return '';
  return (['baseline', 'restricted'] as const)
    .filter((level) => !levels[level].allowed)
    .map((level) => `; not ${level}: ${[...new Set(levels[level].checks.map((check) => check.id))].join(', ')}`)
    .join('');
}

function summaryLine(summary: CheckSummary, runtimeProfile: string, requiredLevel: string): string {
  const count = (n: number, noun: string) => `${n} ${noun}${n === 1 ? '' : 's'}`;
  return (
    `Checked ${count(summary.resources, 'resource')} (${summary.workloads} with pods) in ${count(summary.files, 'file')} ` +
    `under runtime profile ${runtimeProfile}, required level ${requiredLevel}: ${count(summary.findings.error, 'error')}, ` +
    `${count(summary.findings.warning, 'warning')}, ${summary.findings.info} info` +
    `${summary.suppressed > 0 ? `, ${summary.suppressed} suppressed` : ''}; ` +
    `ports: ${summary.ports.allowed} bind, ${summary.ports.denied} denied, ${summary.ports.unknown} unknown` +
    `${summary.errors > 0 ? `; ${count(summary.errors, 'input error')}` : ''}.`
  );
}
