import { CheckReport, ResourceReport } from '../check/report';
import { escapeControlCharacters } from '../input/untrusted-text';
import { describePort } from '../model/ports';

const BIND_MARK = { allowed: 'binds', denied: 'DENIED', unknown: 'unknown' } as const;

/**
 * The report for a person: per resource, its Pod Security level, each port's verdict,
 * then `file:line  severity  rule  message` lines; input errors; a summary.
 * Resources with nothing to say (no container, no finding) are left out.
 */
export function formatHuman(report: CheckReport): string {
  const lines: string[] = [];
  for (const resource of report.resources) {
    if (resource.containers.length === 0 && resource.findings.length === 0) continue;
    lines.push(`${resource.source.file}:${resource.source.line}  ${describeResource(resource)}`);
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
  }
  for (const error of report.errors) {
    const where = error.line === null ? error.file : `${error.file}:${error.line}`;
    const document = error.document === null ? '' : ` (document ${error.document})`;
    lines.push(`${where}${document}  input error  ${error.message}`);
  }
  if (report.errors.length > 0) lines.push('');
  lines.push(...imageLines(report));
  lines.push(summaryLine(report));
  // Names, reasons and messages come from input: shown, never obeyed by the terminal.
  return `${lines.map(escapeControlCharacters).join('\n')}\n`;
}

/** Images that could not be read, and what decides the verdicts that wait for an image. */
function imageLines(report: CheckReport): string[] {
  const failed = (report.images ?? []).filter((image) => image.status === 'failed');
  const lines = failed.map((image) => `warning  image ${image.message}`);
  const waiting = report.summary.portsAwaitingImages;
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

function summaryLine(report: CheckReport): string {
  const { summary } = report;
  const count = (n: number, noun: string) => `${n} ${noun}${n === 1 ? '' : 's'}`;
  return (
    `Checked ${count(summary.resources, 'resource')} (${summary.workloads} with pods) in ${count(summary.files, 'file')} ` +
    `under runtime profile ${report.runtimeProfile}, required level ${report.requiredLevel}: ${count(summary.findings.error, 'error')}, ` +
    `${count(summary.findings.warning, 'warning')}, ${summary.findings.info} info` +
    `${summary.suppressed > 0 ? `, ${summary.suppressed} suppressed` : ''}; ` +
    `ports: ${summary.ports.allowed} bind, ${summary.ports.denied} denied, ${summary.ports.unknown} unknown` +
    `${summary.errors > 0 ? `; ${count(summary.errors, 'input error')}` : ''}.`
  );
}
