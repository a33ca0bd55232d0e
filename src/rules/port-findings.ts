import { PortAnalysis } from '../model/bind-analysis';
import { describeContainerPort } from '../model/ports';
import { RuleFinding, RuleInput } from './rule';

/** One finding per declared port that matches, naming container, port and the model's reason. */
export function portFindings(input: RuleInput, matches: (port: PortAnalysis) => boolean, verb: string): RuleFinding[] {
  const findings: RuleFinding[] = [];
  for (const container of input.analysis.containers) {
    for (const port of container.ports) {
      if (!matches(port)) continue;
      findings.push({
        container: container.name,
        path: `spec.${port.path}`,
        message: `container "${container.name}" port ${describePort(port)} ${verb}: ${port.reason}`,
      });
    }
  }
  return findings;
}

function describePort(port: PortAnalysis): string {
  return `${describeContainerPort(port.containerPort)}/${port.protocol}`;
}
