import type { RuleFinding, RuleInput } from './rule';
import type { ContainerAnalysis } from '../../model/bind-analysis';

/**
 * One finding per container for which `describe` returns a message; the finding points
 * at the container's securityContext (or the field `describe` names).
 */
export function containerFindings(
  input: RuleInput,
  describe: (container: ContainerAnalysis) => { message: string; field?: string } | undefined,
): RuleFinding[] {
  const findings: RuleFinding[] = [];
  for (const container of input.analysis.containers) {
    const found = describe(container);
    if (found === undefined) continue;
    findings.push({
      container: container.name,
      path: `spec.${container.path}.securityContext${found.field === undefined ? '' : `.${found.field}`}`,
      message: `container "${container.name}" ${found.message}`,
    });
  }
  return findings;
}

/**
 * Whether the container has a port below 1024, the kernel's default start of the unprivileged
 * range: declared, or named by one of its probes, a Service or its image.
 */
export function declaresPrivilegedPort(container: ContainerAnalysis): boolean {
  return container.ports.some((port) => typeof port.containerPort === 'number' && port.containerPort < 1024);
}
