/**
 * What the checker keeps of the whole input for what looks across objects, so that the objects
 * can be checked one at a time in input order. Of each workload it keeps its namespace, pod
 * labels and containers' ports; of each Service its selector and ports; each Namespace. Once
 * the input is read, they give, for each object by its ordinal (its place among the objects):
 * - the numbers the Services of the input target on a workload's pods that none of its
 *   containers declares, which its bind verdicts judge (the matching of `serviceTargetsOf`);
 * - a Service's input-rule findings, found there and then: the input rules run over the Services
 *   and the workloads each selects (what LP016 compares), a few hundred Services at a time;
 * - a pod's Namespaces, beside which the input rules run over the pod once it is checked (LP021
 *   and LP022 read their labels and the pod's Pod Security verdict).
 * Each object thus gets the findings the input rules give it over the whole input
 * (test/check/cross-resource-index.test.ts compares them on corpora).
 *
 * While the input is kept in memory, the objects themselves are the records. An input too large
 * to keep is not: then each record is the JSON text of just what the matching and the rules read,
 * kept outside the heap ({@link RecordArena}), compact and free of the input's text (a substring
 * of a parsed document can keep the document's text alive); and what the index keeps once built
 * grows only with what the matching finds.
 *
 * A check spread over threads (`--jobs`, src/check/parallel-check.ts) builds the index on the
 * main thread from the records its threads make of their objects ({@link indexRecordOf},
 * {@link CrossResourceIndexBuilder.addRecord}), and hands each thread the part of the index its
 * objects need ({@link CrossResourceIndex.portion}, {@link CrossResourceIndex.ofPortion}).
 */
import { listContainers } from '../model/containers';
import type { JsonObject } from '../model/json-value';
import { asArray, asObject, objectField } from '../model/json-value';
import { listPorts } from '../model/ports';
import { numberedTargets, serviceSelector } from '../model/service-selection';
import type { ServiceTarget } from '../model/undeclared-ports';
import type { KubernetesObject } from '../model/workload';
import type { CheckedObject, InputRule, InputRuleFinding } from '../rules';
import { INPUT_RULES } from '../rules';
import { RecordArena } from './record-arena';

/** What the checks of one object need from the rest of the input. */
export interface ObjectContext {
  /** The numbers the Services that select the object's pod target on it, that no container of the pod declares. */
  readonly serviceTargets: readonly ServiceTarget[];
  /** The input rules' findings about the object, when they were found with the index (Services); else undefined. */
  readonly inputFindings: readonly IndexedFinding[] | undefined;
  /** For a pod, its Namespaces (every Namespace of the input with its namespace's name), with their ordinals, in input order. */
  readonly namespaces: readonly RelatedObject[];
}

/** An input rule's finding about an object, found with the index. */
export interface IndexedFinding {
  /** The rule. */
  readonly rule: InputRule;
  /** What it found. */
  readonly finding: Omit<InputRuleFinding, 'objectIndex'>;
}

/** An object of the input that an input rule needs beside another, at its ordinal. */
export interface RelatedObject {
  /** Its place among the input's objects. */
  readonly ordinal: number;
  /** The object as the input rules see it (without a Pod Security verdict). */
  readonly checked: CheckedObject;
}

const NO_FINDINGS: readonly IndexedFinding[] = Object.freeze([]);
const EMPTY_CONTEXT: ObjectContext = Object.freeze({ serviceTargets: Object.freeze([]), inputFindings: undefined, namespaces: Object.freeze([]) });

/** The lists of containers a pod spec has, as `listContainers` reads them. */
const CONTAINER_LISTS = ['initContainers', 'containers', 'ephemeralContainers'] as const;

/** Services whose input findings are found at once. */
const SERVICES_AT_ONCE = 32;

/** A workload as kept compact: [apiVersion, kind, name, namespace, labels, each list's containers' ports]. */
type WorkloadRecord = [string, string, string | null, string | null, JsonObject, ContainerPorts];

/** Each list's containers' ports entries (their name, number and protocol), `null` for an entry that is not a map. */
type ContainerPorts = Partial<Record<(typeof CONTAINER_LISTS)[number], ((JsonObject | null)[] | null)[]>>;

/** A Service as kept compact: [apiVersion, name, namespace, spec with its selector and its ports' numbers]. */
type ServiceRecord = [string, string | null, string | null, JsonObject];

/** A Namespace as kept compact: [apiVersion, kind, name, namespace, the whole object]. */
type NamespaceRecord = [string, string, string | null, string | null, JsonObject];

/** A record: the object itself, or (compact) the number of its JSON text in the builder's {@link RecordArena}. */
type Kept = KubernetesObject | number;

/**
 * What the index keeps of one object, made where the object was parsed (another thread): what
 * kind of record it is, the Namespace's name, and the compact record, as plain data.
 */
export interface IndexRecord {
  /** What the index keeps the object as. */
  readonly kind: 'workload' | 'service' | 'namespace';
  /** A Namespace's name (the index finds Namespaces by it); `null` for the others. */
  readonly name: string | null;
  /** The compact record (what the matching and the input rules read of the object), as JSON text: a string is copied to another thread faster than objects. */
  readonly json: string;
}

/** What the index keeps an object as, if anything: as {@link CrossResourceIndexBuilder.add} sorts the objects. */
function recordKindOf(object: KubernetesObject): IndexRecord['kind'] | undefined {
  if (object.pod !== undefined) return 'workload';
  if (object.kind === 'Service') return 'service';
  if (object.kind === 'Namespace' && object.name !== null) return 'namespace';
  return undefined;
}

/** How a kind of compact record is made of its object, and read back as one. */
interface RecordKind {
  readonly of: (object: KubernetesObject) => unknown;
  readonly read: (record: never) => KubernetesObject;
}

const RECORDS: Readonly<Record<IndexRecord['kind'], RecordKind>> = {
  workload: { of: workloadRecord, read: workloadOf },
  service: { of: serviceRecord, read: serviceOf },
  namespace: { of: namespaceRecord, read: namespaceOf },
};

/** A compact record's JSON text. */
function compact(kind: IndexRecord['kind'], object: KubernetesObject): string {
  return JSON.stringify(RECORDS[kind].of(object));
}

/** The object of a compact record's JSON text. */
function inflate(kind: IndexRecord['kind'], json: string): KubernetesObject {
  return RECORDS[kind].read(JSON.parse(json) as never);
}

/** The record the index keeps of an object, or `null` when it keeps none (a ConfigMap, a CRD …). */
export function indexRecordOf(object: KubernetesObject): IndexRecord | null {
  const kind = recordKindOf(object);
  if (kind === undefined) return null;
  return { kind, name: kind === 'namespace' ? object.name : null, json: compact(kind, object) };
}

/** Gathers the index object by object, in input order; {@link build} gives the index. */
export class CrossResourceIndexBuilder {
  private arena: RecordArena | undefined;
  private ordinal = 0;
  private readonly workloadOrdinals: number[] = [];
  private readonly workloads: Kept[] = [];
  private readonly serviceOrdinals: number[] = [];
  private readonly services: Kept[] = [];
  private readonly namespaces = new Map<string, { readonly ordinal: number; kept: Kept }[]>();

  /** The next object of the input. */
  add(object: KubernetesObject): void {
    const kind = recordKindOf(object);
    this.addKept(kind, object.name, kind === undefined ? undefined : this.keep(object, kind));
  }

  /**
   * The next object of the input, as the record another thread made of it ({@link indexRecordOf});
   * `null` for an object the index keeps nothing of. Kept as {@link add} keeps the object.
   */
  addRecord(record: IndexRecord | null): void {
    if (record === null) return this.addKept(undefined, null, undefined);
    const { kind, json } = record;
    this.addKept(kind, record.name, this.arena === undefined ? inflate(kind, json) : this.arena.add(json));
  }

  private addKept(kind: IndexRecord['kind'] | undefined, name: string | null, kept: Kept | undefined): void {
    const ordinal = this.ordinal++;
    if (kind === 'workload') {
      this.workloadOrdinals.push(ordinal);
      this.workloads.push(kept!);
    } else if (kind === 'service') {
      this.serviceOrdinals.push(ordinal);
      this.services.push(kept!);
    } else if (kind === 'namespace') {
      const entry = { ordinal, kept: kept! };
      const named = this.namespaces.get(name!);
      if (named === undefined) this.namespaces.set(name!, [entry]);
      else named.push(entry);
    }
  }

  /** Keeps every record compact from now on, those kept so far too: the input will not be kept. */
  compactRecords(): void {
    if (this.arena !== undefined) return;
    this.arena = new RecordArena();
    this.workloads.forEach((kept, index) => (this.workloads[index] = this.keep(kept as KubernetesObject, 'workload')));
    this.services.forEach((kept, index) => (this.services[index] = this.keep(kept as KubernetesObject, 'service')));
    for (const named of this.namespaces.values()) for (const entry of named) entry.kept = this.keep(entry.kept as KubernetesObject, 'namespace');
  }

  /** Matches the Services with the workloads they select, and finds the Services' input findings. */
  build(): CrossResourceIndex {
    const targets = new OrdinalValues<readonly ServiceTarget[] | string>();
    // Each Service under (the hash of) its first selector pair: a workload is matched against
    // the Services that share one of its labels, not against every Service.
    const byPair = new Map<number, number | number[]>();
    this.services.forEach((kept, index) => {
      const service = this.service(kept);
      // A Service without a selector the checker can match selects nothing.
      const pairs = selectorPairs(service);
      if (pairs === undefined) return;
      const hash = hashOf(pairKey(service.namespace, pairs[0], pairs[1]));
      const bucket = byPair.get(hash);
      if (bucket === undefined) byPair.set(hash, index);
      else if (typeof bucket === 'number') byPair.set(hash, [bucket, index]);
      else bucket.push(index);
    });
    // Each (Service, workload) it selects, in workload order.
    const matchedServices: number[] = [];
    const matchedWorkloads: number[] = [];
    if (byPair.size > 0) {
      this.workloads.forEach((kept, index) => {
        const workload = this.workload(kept);
        const matching = this.servicesSelecting(workload, byPair);
        if (matching.length === 0) return;
        for (const service of matching) {
          matchedServices.push(service);
          matchedWorkloads.push(index);
        }
        const undeclared = undeclaredTargets(workload, matching.map((service) => this.service(this.services[service])));
        if (undeclared.length > 0) targets.add(this.workloadOrdinals[index], this.arena === undefined ? undeclared : JSON.stringify(undeclared));
      });
    }
    const selected = new SelectedWorkloads(this.services.length, matchedServices, matchedWorkloads);
    const findings = new OrdinalValues<readonly IndexedFinding[]>();
    for (let first = 0; first < this.services.length; first += SERVICES_AT_ONCE) this.findServiceFindings(first, selected, findings);
    const namespaces = new Map<string, readonly RelatedObject[]>();
    for (const [name, named] of this.namespaces) {
      namespaces.set(name, named.map(({ ordinal, kept }) => ({ ordinal, checked: { object: this.namespace(kept), podSecurity: undefined } })));
    }
    return new CrossResourceIndex(targets, findings, namespaces);
  }

  /** The Services that select a workload, in input order, as `WorkloadIndex` selects. */
  private servicesSelecting(workload: KubernetesObject, byPair: ReadonlyMap<number, number | readonly number[]>): number[] {
    const labels = objectField(asObject(workload.pod?.metadata), 'labels');
    if (labels === undefined) return [];
    const candidates = new Set<number>();
    for (const key of Object.keys(labels)) {
      const value = labels[key];
      const bucket = typeof value === 'string' ? byPair.get(hashOf(pairKey(workload.namespace, key, value))) : undefined;
      if (typeof bucket === 'number') candidates.add(bucket);
      else for (const service of bucket ?? []) candidates.add(service);
    }
    return [...candidates]
      .sort((a, b) => a - b)
      .filter((index) => {
        const service = this.service(this.services[index]);
        return service.namespace === workload.namespace && selects(selectorPairs(service)!, labels);
      });
  }

  /**
   * Runs the input rules over the Services from `first` (as many as are found at once) and the
   * workloads they select, in input order, and keeps what they find about the Services.
   */
  private findServiceFindings(first: number, selected: SelectedWorkloads, findings: OrdinalValues<readonly IndexedFinding[]>): void {
    const last = Math.min(first + SERVICES_AT_ONCE, this.services.length);
    const objects = new Map<number, { readonly checked: CheckedObject; readonly service: number | undefined }>();
    for (let service = first; service < last; service++) {
      objects.set(this.serviceOrdinals[service], { checked: { object: this.service(this.services[service]), podSecurity: undefined }, service });
      selected.forEach(service, (workload) => {
        const ordinal = this.workloadOrdinals[workload];
        if (objects.has(ordinal)) return;
        objects.set(ordinal, { checked: { object: this.workload(this.workloads[workload]), podSecurity: undefined }, service: undefined });
      });
    }
    const ordered = [...objects].sort(([a], [b]) => a - b).map(([, entry]) => entry);
    const found: IndexedFinding[][] = [];
    for (let service = first; service < last; service++) found.push([]);
    const checked = ordered.map((entry) => entry.checked);
    for (const rule of INPUT_RULES) {
      for (const { objectIndex, ...finding } of rule.checkInput(checked)) {
        const service = ordered[objectIndex].service;
        if (service !== undefined) found[service - first].push({ rule, finding });
      }
    }
    found.forEach((list, offset) => {
      if (list.length > 0) findings.add(this.serviceOrdinals[first + offset], list);
    });
  }

  /** The object itself while the input is kept; else its compact record, in the arena. */
  private keep(object: KubernetesObject, kind: IndexRecord['kind']): Kept {
    return this.arena === undefined ? object : this.arena.add(compact(kind, object));
  }

  private workload(kept: Kept): KubernetesObject {
    return typeof kept === 'number' ? inflate('workload', this.arena!.get(kept)) : kept;
  }

  private service(kept: Kept): KubernetesObject {
    return typeof kept === 'number' ? inflate('service', this.arena!.get(kept)) : kept;
  }

  private namespace(kept: Kept): KubernetesObject {
    return typeof kept === 'number' ? inflate('namespace', this.arena!.get(kept)) : kept;
  }
}

/** The workloads each Service selects, in input order: one array for all of them (a Service and its first match's place). */
class SelectedWorkloads {
  private readonly starts: Int32Array;
  private readonly workloads: Int32Array;

  /** From each match (`services[i]` selects `workloads[i]`), the matches in workload order. */
  constructor(serviceCount: number, services: readonly number[], workloads: readonly number[]) {
    this.starts = new Int32Array(serviceCount + 1);
    for (const service of services) this.starts[service + 1]++;
    for (let service = 0; service < serviceCount; service++) this.starts[service + 1] += this.starts[service];
    const next = this.starts.slice(0, serviceCount);
    this.workloads = new Int32Array(services.length);
    services.forEach((service, match) => (this.workloads[next[service]++] = workloads[match]));
  }

  /** Visits the workloads `service` selects, in input order. */
  forEach(service: number, visit: (workload: number) => void): void {
    for (let match = this.starts[service]; match < this.starts[service + 1]; match++) visit(this.workloads[match]);
  }
}

/** The index of an input: what the checks of each object need from the others. */
export class CrossResourceIndex {
  /**
   * The index made of a part of another ({@link portion}) and its Namespaces ({@link namespacesByName}):
   * it gives the objects of that part the contexts the whole index gives them.
   */
  static ofPortion(portion: IndexPortion, namespaces: ReadonlyMap<string, readonly RelatedObject[]>): CrossResourceIndex {
    const rules = new Map(INPUT_RULES.map((rule) => [rule.id, rule]));
    const findings = portion.findings.map(
      ([ordinal, found]) => [ordinal, found.map(({ ruleId, finding }) => ({ rule: rules.get(ruleId)!, finding }))] as const,
    );
    return new CrossResourceIndex(OrdinalValues.of(portion.targets), OrdinalValues.of(findings), namespaces);
  }

  /** Made by the index's builder once the whole input is read: targets and findings by object ordinal, related objects by namespace. */
  constructor(
    private readonly targets: OrdinalValues<readonly ServiceTarget[] | string>,
    private readonly findings: OrdinalValues<readonly IndexedFinding[]>,
    private readonly namespaces: ReadonlyMap<string, readonly RelatedObject[]>,
  ) {}

  /**
   * The context of each object, asked for in input order: `context(ordinal, object)` for the
   * object at `ordinal`, with increasing ordinals (a cursor, no lookup). Each call of
   * `contexts` starts again from the first object.
   */
  contexts(): (ordinal: number, object: KubernetesObject) => ObjectContext {
    const targets = this.targets.cursor();
    const findings = this.findings.cursor();
    return (ordinal, object) => {
      const serviceTargets = targets(ordinal);
      const inputFindings = object.kind === 'Service' && object.pod === undefined ? (findings(ordinal) ?? NO_FINDINGS) : undefined;
      const namespaces = object.pod !== undefined && object.namespace !== null ? (this.namespaces.get(object.namespace) ?? []) : [];
      if (serviceTargets === undefined && inputFindings === undefined && namespaces.length === 0) return EMPTY_CONTEXT;
      return {
        serviceTargets: serviceTargets === undefined ? [] : typeof serviceTargets === 'string' ? (JSON.parse(serviceTargets) as ServiceTarget[]) : serviceTargets,
        inputFindings,
        namespaces,
      };
    };
  }

  /** What the index holds about the objects at ordinals `first` to `end` (excluded), as data another thread can be sent. */
  portion(first: number, end: number): IndexPortion {
    return {
      targets: this.targets.between(first, end),
      findings: this.findings
        .between(first, end)
        .map(([ordinal, found]) => [ordinal, found.map(({ rule, finding }) => ({ ruleId: rule.id, finding }))] as const),
    };
  }

  /** Every Namespace of the input by its name, with its ordinal (data another thread can be sent). */
  namespacesByName(): ReadonlyMap<string, readonly RelatedObject[]> {
    return this.namespaces;
  }
}

/**
 * What an index holds about some of the objects, by ordinal: the Service targets of workloads,
 * the input findings of Services (each rule by its id), as plain data.
 */
export interface IndexPortion {
  /** The numbers the Services target on each workload that its containers do not declare (or their JSON text). */
  readonly targets: readonly (readonly [number, readonly ServiceTarget[] | string])[];
  /** The input rules' findings about each Service that has some. */
  readonly findings: readonly (readonly [number, readonly { readonly ruleId: string; readonly finding: IndexedFinding['finding'] }[]])[];
}

/** Values by ordinal, added in increasing order and read in increasing order. */
class OrdinalValues<T> {
  /** The values of `entries`, each `[ordinal, value]`, in increasing order of ordinal. */
  static of<T>(entries: readonly (readonly [number, T])[]): OrdinalValues<T> {
    const values = new OrdinalValues<T>();
    for (const [ordinal, value] of entries) values.add(ordinal, value);
    return values;
  }

  private readonly ordinals: number[] = [];
  private readonly values: T[] = [];

  add(ordinal: number, value: T): void {
    this.ordinals.push(ordinal);
    this.values.push(value);
  }

  /** A reader from the first ordinal: the value at each ordinal asked for, in increasing order; undefined when none. */
  cursor(): (ordinal: number) => T | undefined {
    let next = 0;
    return (ordinal) => {
      while (next < this.ordinals.length && this.ordinals[next] < ordinal) next++;
      return next < this.ordinals.length && this.ordinals[next] === ordinal ? this.values[next] : undefined;
    };
  }

  /** The entries `[ordinal, value]` with ordinals from `first` to `end` (excluded), in order. */
  between(first: number, end: number): [number, T][] {
    const entries: [number, T][] = [];
    for (let at = this.firstAtOrAfter(first); at < this.ordinals.length && this.ordinals[at] < end; at++) {
      entries.push([this.ordinals[at], this.values[at]]);
    }
    return entries;
  }

  /** The place of the first ordinal at or after `ordinal` (a binary search). */
  private firstAtOrAfter(ordinal: number): number {
    let low = 0;
    let high = this.ordinals.length;
    while (low < high) {
      const middle = (low + high) >>> 1;
      if (this.ordinals[middle] < ordinal) low = middle + 1;
      else high = middle;
    }
    return low;
  }
}

/** A 32-bit hash of a string (FNV-1a over its UTF-16 units): a bucket's Services are checked, so a collision costs a check. */
function hashOf(text: string): number {
  let hash = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) hash = Math.imul(hash ^ text.charCodeAt(i), 0x01000193);
  return hash >>> 0;
}

/** A key for a namespace and a label pair that no other triple shares (each part's length is in it). */
function pairKey(namespace: string | null, key: string, value: string): string {
  return `${namespace === null ? '-' : `${namespace.length}:${namespace}`}${key.length}:${key}${value}`;
}

/** A Service's selector as pairs (key, value, …), when it selects pods the checker can tell: not empty, every value a string. */
function selectorPairs(service: KubernetesObject): string[] | undefined {
  const selector = serviceSelector(service);
  if (selector === undefined) return undefined;
  const pairs: string[] = [];
  for (const key of Object.keys(selector)) {
    const value = selector[key];
    if (typeof value !== 'string') return undefined;
    pairs.push(key, value);
  }
  return pairs;
}

/** Whether labels hold every pair (key, value, …) of a selector, as `WorkloadIndex` matches them. */
function selects(pairs: readonly string[], labels: JsonObject): boolean {
  for (let p = 0; p < pairs.length; p += 2) {
    if (!Object.hasOwn(labels, pairs[p]) || labels[pairs[p]] !== pairs[p + 1]) return false;
  }
  return true;
}

/**
 * The numbered targets of the Services that select a workload (in their order; a number's first
 * target wins, as in `serviceTargetsOf`), but those a container of the pod declares as a valid
 * port: its bind verdicts judge every declared port already, and leave such a target out.
 */
function undeclaredTargets(workload: KubernetesObject, services: readonly KubernetesObject[]): ServiceTarget[] {
  const declared = new Set<string>();
  for (const container of listContainers(asObject(workload.pod?.spec))) {
    for (const port of listPorts(container)) {
      if (port.invalid === undefined && port.containerPort.state === 'valid') declared.add(`${port.containerPort.value}/${port.protocol}`);
    }
  }
  const numbers = new Set<string>();
  const undeclared: ServiceTarget[] = [];
  for (const service of services) {
    for (const target of numberedTargets(service)) {
      const number = `${target.port}/${target.protocol}`;
      if (numbers.has(number)) continue;
      numbers.add(number);
      if (!declared.has(number)) undeclared.push(target);
    }
  }
  return undeclared;
}

/** A workload's compact record: what the matching and the input rules read of it. */
function workloadRecord(object: KubernetesObject): WorkloadRecord {
  const given = objectField(asObject(object.pod?.metadata), 'labels') ?? {};
  // Only string labels can be selected; fromEntries keeps a `__proto__` label a label.
  const labels = Object.fromEntries(Object.keys(given).flatMap((key) => (typeof given[key] === 'string' ? [[key, given[key]]] : [])));
  const spec = asObject(object.pod?.spec);
  const containers: WorkloadRecord[5] = {};
  for (const list of CONTAINER_LISTS) {
    const entries = asArray(spec?.[list]);
    if (entries !== undefined) containers[list] = entries.map((entry) => asArray(asObject(entry)?.ports)?.map((port) => pick(port, ['name', 'containerPort', 'protocol'])) ?? null);
  }
  return [object.apiVersion, object.kind, object.name, object.namespace, labels, containers];
}

function workloadOf([apiVersion, kind, name, namespace, labels, containers]: WorkloadRecord): KubernetesObject {
  const spec: Record<string, unknown> = {};
  for (const list of CONTAINER_LISTS) {
    const entries = containers[list];
    if (entries !== undefined) spec[list] = entries.map((ports) => (ports === null ? {} : { ports }));
  }
  return { path: [], apiVersion, kind, name, namespace, object: {}, pod: { metadata: { labels }, spec, specPath: [], metadataPath: [] } };
}

/** A Service's compact record: its selector, and its ports' numbers and protocols. */
function serviceRecord(object: KubernetesObject): ServiceRecord {
  const spec = asObject(object.object.spec);
  const ports = asArray(spec?.ports)?.map((port) => pick(port, ['port', 'targetPort', 'protocol']));
  const kept = { selector: spec?.selector, ...(ports === undefined ? {} : { ports }) };
  return [object.apiVersion, object.name, object.namespace, kept];
}

function serviceOf([apiVersion, name, namespace, spec]: ServiceRecord): KubernetesObject {
  return { path: [], apiVersion, kind: 'Service', name, namespace, object: { spec }, pod: undefined };
}

function namespaceRecord(object: KubernetesObject): NamespaceRecord {
  return [object.apiVersion, object.kind, object.name, object.namespace, object.object];
}

function namespaceOf([apiVersion, kind, name, namespace, object]: NamespaceRecord): KubernetesObject {
  return { path: [], apiVersion, kind, name, namespace, object, pod: undefined };
}

/** The entry's fields named `keys` (those it has), when it is a map; else null. */
function pick(entry: unknown, keys: readonly string[]): JsonObject | null {
  const map = asObject(entry);
  if (map === undefined) return null;
  const fields: Record<string, unknown> = {};
  for (const key of keys) if (Object.hasOwn(map, key)) fields[key] = map[key];
  return fields;
}
