import { CheckReport } from '../check/report';

/** The report as the machine interface of DESIGN.md: one JSON object. */
export function formatJson(report: CheckReport): string {
  return `${JSON.stringify(report, null, 2)}\n`;
}
