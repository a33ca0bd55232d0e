/**
 * Which workloads of an input a Service selects, and what it sends them: one index for LP016
 * (a targetPort no container declares) and for judging the ports only a Service names.
 */
import type { JsonObject } from './json-value';
import { asArray, asObject, objectField } from './json-value';
import { isPortNumber, isPortProtocol } from './ports';
import type { ServiceTarget } from './undeclared-ports';
import type { KubernetesObject } from './workload';

/** The labels of a workload's pod (template). */
function podLabels(workload: KubernetesObject): JsonObject | undefined {
  return objectField(asObject(workload.pod?.metadata), 'labels');
}

/** A Service's `spec.selector`, when it selects pods (an empty or absent selector selects none the checker can tell). */
export function serviceSelector(service: KubernetesObject): JsonObject | undefined {
  const selector = objectField(asObject(service.object.spec), 'selector');
  return selector === undefined || Object.keys(selector).length === 0 ? undefined : selector;
}

/**
 * The workloads of an input indexed by namespace and by each `key=value` label of their pod
 * template, so that a Service's selector is matched against the few workloads sharing one
 * of its labels, not against every workload (an input holds thousands of both).
 */
export class WorkloadIndex {
  private readonly byLabel = new Map<string, KubernetesObject[]>();

  /** Indexes the objects of `objects` that carry a pod. */
  constructor(objects: Iterable<KubernetesObject>) {
    for (const workload of objects) {
      if (workload.pod === undefined) continue;
      for (const [key, value] of Object.entries(podLabels(workload) ?? {})) {
        if (typeof value !== 'string') continue;
        const bucket = this.key(workload.namespace, key, value);
        const list = this.byLabel.get(bucket);
        if (list === undefined) this.byLabel.set(bucket, [workload]);
        else list.push(workload);
      }
    }
  }

  /** The workloads in `namespace` whose pod template labels include every pair of `selector`. */
  selected(namespace: string | null, selector: JsonObject): KubernetesObject[] {
    const pairs = Object.entries(selector);
    let smallest: readonly KubernetesObject[] = [];
    let smallestPair = -1;
    for (const [index, [key, value]] of pairs.entries()) {
      const bucket = typeof value === 'string' ? this.byLabel.get(this.key(namespace, key, value)) : undefined;
      if (bucket === undefined) return [];
      if (smallestPair < 0 || bucket.length < smallest.length) [smallest, smallestPair] = [bucket, index];
    }
    // Every workload of the bucket has its pair: only the others are checked.
    const others = pairs.filter((_pair, index) => index !== smallestPair);
    if (others.length === 0) return [...smallest];
    return smallest.filter((workload) => {
      const labels = podLabels(workload);
      return others.every(([key, value]) => labels?.[key] === value);
    });
  }

  private key(namespace: string | null, key: string, value: string): string {
    return JSON.stringify([namespace, key, value]);
  }
}

/** The numbers the Services of an input target on a workload's pods; none for a workload no Service selects. */
export type ServiceTargetLookup = (workload: KubernetesObject) => readonly ServiceTarget[];

/**
 * The Services of `objects` matched to the workloads they select (same namespace, selector
 * within the pod template's labels), in one pass over the Services with the label index: for
 * each workload, the numbered targets (`targetPort`, else `port`) of the Services that select it,
 * one per number and protocol (the first Service's), so that what is kept grows with the ports,
 * not with the Services. A named targetPort is left out: it only ever resolves to a declared port.
 */
export function serviceTargetsOf(objects: readonly KubernetesObject[]): ServiceTargetLookup {
  const byWorkload = new Map<KubernetesObject, Map<string, ServiceTarget>>();
  let index: WorkloadIndex | undefined;
  for (const service of objects) {
    if (service.kind !== 'Service') continue;
    const selector = serviceSelector(service);
    const targets = selector === undefined ? [] : numberedTargets(service).map((target) => [`${target.port}/${target.protocol}`, target] as const);
    if (selector === undefined || targets.length === 0) continue;
    index ??= new WorkloadIndex(objects);
    for (const workload of index.selected(service.namespace, selector)) {
      let kept = byWorkload.get(workload);
      if (kept === undefined) byWorkload.set(workload, (kept = new Map()));
      for (const [key, target] of targets) if (!kept.has(key)) kept.set(key, target);
    }
  }
  return (workload) => [...(byWorkload.get(workload)?.values() ?? [])];
}

/** A Service's ports that target a number the API server accepts, with a protocol it accepts. */
export function numberedTargets(service: KubernetesObject): ServiceTarget[] {
  const targets: ServiceTarget[] = [];
  for (const raw of asArray(asObject(service.object.spec)?.ports) ?? []) {
    const port = asObject(raw);
    const defaulted = port?.targetPort === undefined || port.targetPort === null;
    const target = defaulted ? port?.port : port?.targetPort;
    const protocol = port?.protocol === undefined || port.protocol === null ? 'TCP' : port.protocol;
    if (!isPortNumber(target) || !isPortProtocol(protocol)) continue;
    targets.push({ service: service.name ?? '<unnamed>', port: target, protocol, defaulted });
  }
  return targets;
}
