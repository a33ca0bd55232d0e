import { listContainers } from '../model/containers';
import { asArray, asObject } from '../model/json-value';
import { listPorts } from '../model/ports';
import { serviceSelector, WorkloadIndex } from '../model/service-selection';
import type { KubernetesObject } from '../model/workload';
import type { InputRuleFinding } from './support/rule';
import { defineRule } from './support/rule';

/** A container port a Service can target: its number, its name, its protocol. */
interface TargetablePort {
  readonly number: number;
  readonly name: string | undefined;
  readonly protocol: string;
}

function targetablePorts(workload: KubernetesObject): TargetablePort[] {
  const ports: TargetablePort[] = [];
  for (const container of listContainers(asObject(workload.pod?.spec))) {
    if (container.type !== 'container') continue;
    for (const port of listPorts(container)) {
      if (port.containerPort.state === 'valid') ports.push({ number: port.containerPort.value, name: port.name, protocol: port.protocol });
    }
  }
  return ports;
}

/** LP016: a Service port whose targetPort no container of the selected pods declares. */
export const serviceTargetPortUnmatched = defineRule({
  id: 'LP016',
  name: 'service-target-port-unmatched',
  title: "A Service's targetPort names or numbers no container port of the pods it selects",
  severity: 'warning',
  podSecurityChecks: [],
  rationale:
    'Moving an app to a high port (80 → 8080) is half done until the Service maps to it: a targetPort that ' +
    'is still 80 sends traffic to a port nothing listens on, and a named targetPort that no container declares ' +
    'leaves the Service without endpoints. Checked when the Service and its workloads are in the same input.',
  remediation:
    'spec:\n  ports:\n    - port: 80\n      targetPort: http   # the name (or number) of the containerPort the app listens on\n' +
    'PrivilegedPortService writes both sides from one plan.',
  checkInput: (objects) => {
    const findings: InputRuleFinding[] = [];
    let workloads: WorkloadIndex | undefined;
    objects.forEach((entry, objectIndex) => {
      if (entry.object.kind !== 'Service') return;
      const spec = asObject(entry.object.object.spec);
      const selector = serviceSelector(entry.object);
      if (selector === undefined) return;
      workloads ??= new WorkloadIndex(objects.map((other) => other.object));
      const selected = workloads.selected(entry.object.namespace, selector);
      if (selected.length === 0) return;
      const declared = selected.flatMap(targetablePorts);
      asArray(spec?.ports)?.forEach((raw, index) => {
        const port = asObject(raw);
        const target = port?.targetPort ?? port?.port;
        const protocol = typeof port?.protocol === 'string' ? port.protocol : 'TCP';
        if (typeof target !== 'number' && typeof target !== 'string') return;
        const matches = declared.some((p) => p.protocol === protocol && (typeof target === 'number' ? p.number === target : p.name === target));
        if (matches) return;
        const selectedNames = selected.map((other) => `${other.kind}/${other.name ?? '<unnamed>'}`).join(', ');
        const ports = declared.map((p) => `${p.number}/${p.protocol}${p.name === undefined ? '' : ` "${p.name}"`}`).join(', ') || 'none';
        findings.push({
          objectIndex,
          container: null,
          path: port?.targetPort === undefined ? `spec.ports[${index}]` : `spec.ports[${index}].targetPort`,
          message:
            `Service port ${String(port?.port)}/${protocol} targets ${typeof target === 'number' ? target : `"${target}"`}, which no container of ` +
            `${selectedNames} declares (declared: ${ports})`,
        });
      });
    });
    return findings;
  },
});
