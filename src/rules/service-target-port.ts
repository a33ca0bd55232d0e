import { asArray, asObject, JsonObject, objectField } from '../model/json-value';
import { listContainers } from '../model/containers';
import { listPorts } from '../model/ports';
import { CheckedObject, InputRule, InputRuleFinding } from './rule';

/** A container port a Service can target: its number, its name, its protocol. */
interface TargetablePort {
  readonly number: number;
  readonly name: string | undefined;
  readonly protocol: string;
}

function podLabels(entry: CheckedObject): JsonObject | undefined {
  return objectField(asObject(entry.object.pod?.metadata), 'labels');
}

function selects(selector: JsonObject, labels: JsonObject | undefined): boolean {
  return Object.entries(selector).every(([key, value]) => labels?.[key] === value);
}

function targetablePorts(entry: CheckedObject): TargetablePort[] {
  const ports: TargetablePort[] = [];
  for (const container of listContainers(asObject(entry.object.pod?.spec))) {
    if (container.type !== 'container') continue;
    for (const port of listPorts(container)) {
      if (port.containerPort.state === 'valid') ports.push({ number: port.containerPort.value, name: port.name, protocol: port.protocol });
    }
  }
  return ports;
}

/**
 * The workloads of the input indexed by namespace and by each `key=value` label of their pod
 * template, so that a Service's selector is matched against the few workloads sharing one
 * of its labels, not against every workload (an input holds thousands of both).
 */
class WorkloadIndex {
  private readonly byLabel = new Map<string, CheckedObject[]>();

  constructor(objects: readonly CheckedObject[]) {
    for (const entry of objects) {
      if (entry.object.pod === undefined) continue;
      for (const [key, value] of Object.entries(podLabels(entry) ?? {})) {
        if (typeof value !== 'string') continue;
        const bucket = this.key(entry.object.namespace, key, value);
        const list = this.byLabel.get(bucket);
        if (list === undefined) this.byLabel.set(bucket, [entry]);
        else list.push(entry);
      }
    }
  }

  /** The workloads in `namespace` whose pod template labels include every pair of `selector`. */
  selected(namespace: string | null, selector: JsonObject): CheckedObject[] {
    let smallest: readonly CheckedObject[] | undefined;
    for (const [key, value] of Object.entries(selector)) {
      const bucket = typeof value === 'string' ? this.byLabel.get(this.key(namespace, key, value)) : undefined;
      if (bucket === undefined) return [];
      if (smallest === undefined || bucket.length < smallest.length) smallest = bucket;
    }
    return (smallest ?? []).filter((entry) => selects(selector, podLabels(entry)));
  }

  private key(namespace: string | null, key: string, value: string): string {
    return JSON.stringify([namespace, key, value]);
  }
}

/** LP016: a Service port whose targetPort no container of the selected pods declares. */
export const serviceTargetPortUnmatched: InputRule = {
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
    let index: WorkloadIndex | undefined;
    objects.forEach((entry, objectIndex) => {
      if (entry.object.kind !== 'Service') return;
      const spec = asObject(entry.object.object.spec);
      const selector = objectField(spec, 'selector');
      if (selector === undefined || Object.keys(selector).length === 0) return;
      index ??= new WorkloadIndex(objects);
      const selected = index.selected(entry.object.namespace, selector);
      if (selected.length === 0) return;
      const declared = selected.flatMap(targetablePorts);
      asArray(spec?.ports)?.forEach((raw, index) => {
        const port = asObject(raw);
        const target = port?.targetPort ?? port?.port;
        const protocol = typeof port?.protocol === 'string' ? port.protocol : 'TCP';
        if (typeof target !== 'number' && typeof target !== 'string') return;
        const matches = declared.some((p) => p.protocol === protocol && (typeof target === 'number' ? p.number === target : p.name === target));
        if (matches) return;
        const workloads = selected.map((other) => `${other.object.kind}/${other.object.name ?? '<unnamed>'}`).join(', ');
        const ports = declared.map((p) => `${p.number}/${p.protocol}${p.name === undefined ? '' : ` "${p.name}"`}`).join(', ') || 'none';
        findings.push({
          objectIndex,
          container: null,
          path: port?.targetPort === undefined ? `spec.ports[${index}]` : `spec.ports[${index}].targetPort`,
          message:
            `Service port ${String(port?.port)}/${protocol} targets ${typeof target === 'number' ? target : `"${target}"`}, which no container of ` +
            `${workloads} declares (declared: ${ports})`,
        });
      });
    });
    return findings;
  },
};
