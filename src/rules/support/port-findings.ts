import type { RuleFinding, RuleInput } from './rule';
import type { PortAnalysis } from '../../model/bind-analysis';
import { describePort } from '../../model/ports';

/** One finding per judged port that matches, naming container, port (and what names it, when undeclared) and the model's reason. */
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
