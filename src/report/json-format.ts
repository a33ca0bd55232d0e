import { aroundEmptyArray, JsonArrayWriter } from './json-items';

import { formatWhole } from './report-writer';
import type { CheckReport, ReportHead, ReportTail, ReportWriter, ResourceReport } from '../check/report';

/** The report as the machine interface (docs/architecture.md): one JSON object. */
export function formatJson(report: CheckReport): string {
  return formatWhole(report, jsonReportWriter);
}

/**
 * Writes the JSON report resource by resource, as {@link formatJson} writes it whole: the
 * resources are the one array that grows with the input, and the keys after it (errors,
 * summary, images) are written at the end.
 */
export function jsonReportWriter(write: (text: string) => void): ReportWriter {
  let head: ReportHead | undefined;
  const resources = new JsonArrayWriter<ResourceReport>(write, 2);
  return {
    start(reportHead) {
      head = reportHead;
      const { schemaVersion, runtimeProfile, requiredLevel } = reportHead;
      write(aroundEmptyArray({ schemaVersion, runtimeProfile, requiredLevel, resources: [] }, 'resources').before);
    },
    resource: (resource) => resources.item(resource),
    finish({ summary, images }: ReportTail) {
      resources.close();
      write(`${aroundEmptyArray({ resources: [], errors: head!.errors, summary, images }, 'resources').after}\n`);
    },
  };
}
