import type { CheckSummary, ResourceReport } from './report';

/** Counts the report's summary resource by resource, as the resources are written. */
export class SummaryCounter {
  private readonly findings = { error: 0, warning: 0, info: 0 };
  private readonly ports = { allowed: 0, denied: 0, unknown: 0 };
  private resources = 0;
  private suppressed = 0;
  private workloads = 0;
  private portsAwaitingImages = 0;

  /** Counts one more resource. */
  add(resource: ResourceReport): void {
    this.resources++;
    if (resource.podSecurityLevel !== undefined) this.workloads++;
    for (const finding of resource.findings) {
      if (finding.suppressed) this.suppressed++;
      else this.findings[finding.severity]++;
    }
    for (const container of resource.containers) {
      for (const port of container.ports) {
        this.ports[port.bind]++;
        if (port.awaitsImage === true) this.portsAwaitingImages++;
      }
    }
  }

  /** The summary of the resources counted, with the files read and the input errors. */
  summary(files: number, errors: number): CheckSummary {
    return {
      files,
      resources: this.resources,
      workloads: this.workloads,
      errors,
      findings: { ...this.findings },
      suppressed: this.suppressed,
      ports: { ...this.ports },
      portsAwaitingImages: this.portsAwaitingImages,
    };
  }
}
