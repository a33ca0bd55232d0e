import { types } from 'node:util';
import { isPrefix } from '../check/node-path';
import type { JsonObject } from '../model/json-value';
import { asObject } from '../model/json-value';
import type { NodePath, PodTemplate } from '../model/workload';

/**
 * The values @pulumi/policy hands a policy for properties that are not known during
 * `pulumi preview` (an output of a resource not created yet). On the wire (a protobuf
 * Struct) an unknown is the string `04da6b54-80e4-46f7-96ec-b56ff0331ba9`
 * (`unknownValue` in @pulumi/pulumi's runtime/rpc); @pulumi/policy's proxy module
 * (`unknownStringValue` … `unknownObjectValue`) also knows one per type.
 */
export const UNKNOWN_VALUE_SENTINELS: readonly string[] = [
  '04da6b54-80e4-46f7-96ec-b56ff0331ba9', // string, and every unknown the engine sends
  '1c4a061d-8072-4f0a-a4cb-0ff528b18fe7', // boolean
  '3eeb2bf0-c639-47a8-9e75-3b44932eb421', // number
  '6a19a0b0-7e62-4c92-b797-7f8e31da9cc2', // array
  '030794c1-ac77-496b-92df-f27374a8bd58', // asset
  'e48ece36-62e2-4504-bad9-02848725956a', // archive
  'dd056dcd-154b-4c76-9bd3-c8f88648b5ff', // object
];

const UNKNOWN_VALUES: ReadonlySet<string> = new Set(UNKNOWN_VALUE_SENTINELS);
// Every string of the properties is looked at: one of another length than the sentinels' (UUIDs)
// is told apart without hashing it, which costs the string's length (a script, a certificate …).
const SENTINEL_LENGTHS: ReadonlySet<number> = new Set(UNKNOWN_VALUE_SENTINELS.map((sentinel) => sentinel.length));

/** Whether a property value is Pulumi's "unknown during preview" sentinel. */
export function isUnknownValue(value: unknown): boolean {
  return typeof value === 'string' && isUnknownString(value);
}

function isUnknownString(value: string): boolean {
  return SENTINEL_LENGTHS.has(value.length) && UNKNOWN_VALUES.has(value);
}

/**
 * Whether a value is a @pulumi/policy `Secret` (what `Remediate` hands a policy for a secret
 * property). Recognized by shape, not `instanceof`: the pack and this library may load two
 * copies of @pulumi/policy, and a library that is not a policy pack must not require it.
 */
export function isSecretValue(value: unknown): value is { value: unknown } {
  return typeof value === 'object' && value !== null && value.constructor?.name === 'Secret' && 'value' in value;
}

/** Resource properties made plain for the model, and where the values it cannot see were. */
export interface PlainProperties {
  /** The properties as plain JSON: unknowns left out (`null` in a list), secrets unwrapped. */
  readonly value: JsonObject;
  /** Where an unknown value was. */
  readonly unknownPaths: readonly NodePath[];
  /** Where a secret value was (only `Remediate` marks them; `Analyze` hands secrets over unwrapped). */
  readonly secretPaths: readonly NodePath[];
}

/**
 * Resource properties as plain JSON the model can read. A proxy (@pulumi/policy wraps
 * `args.props` in one that throws `UnknownValueError` on any unknown it is asked for, which
 * would abort the whole policy for one unknown `image` the rules never read) is read through
 * property descriptors, not `props.x`; what a descriptor holds is the proxy's target's own value.
 * Values without unknowns or secrets are shared with `props`, not copied: the model never writes.
 */
export function plainProperties(props: unknown): PlainProperties {
  // Most resources hold no unknown and no secret: below the proxy, their properties are plain JSON already.
  if (typeof props === 'object' && props !== null && !Array.isArray(props) && isPlainJson(props, true)) {
    const value: Record<string, unknown> = {};
    for (const key of Object.keys(props)) value[key] = ownValue(props, key);
    return { value, unknownPaths: [], secretPaths: [] };
  }
  const found = { unknownPaths: [] as NodePath[], secretPaths: [] as NodePath[] };
  const value = asObject(copyPlain(props, [], found)) ?? {};
  return { value, ...found };
}

/**
 * Whether the model reads `value` as it reads what {@link copyPlain} makes of it: no unknown, no
 * secret, no proxy (but the properties' own, at the root), only plain objects, and lists
 * without holes (a copy closes them up; the model never sees a list's other properties).
 */
function isPlainJson(value: unknown, root = false): boolean {
  if (typeof value === 'string') return !isUnknownString(value);
  if (typeof value !== 'object' || value === null) return true;
  if (types.isProxy(value) && !root) return false;
  if (Array.isArray(value)) {
    for (let index = 0; index < value.length; index++) if (!(index in value) || !isPlainJson(value[index])) return false;
    return true;
  }
  if (!isPlainObject(value)) return false;
  const read = root ? ownValue : plainValue;
  for (const key of Object.keys(value)) if (!isPlainJson(read(value, key))) return false;
  return true;
}

const OMIT = Symbol('omit');
const ARRAY_INDEX = /^\d+$/;

/** `path` is the stack of keys down to `value`, copied only where an unknown or a secret is. */
function copyPlain(value: unknown, path: (string | number)[], found: { unknownPaths: NodePath[]; secretPaths: NodePath[] }): unknown {
  if (typeof value === 'string') {
    if (!isUnknownString(value)) return value;
    found.unknownPaths.push([...path]);
    return OMIT;
  }
  if (typeof value !== 'object' || value === null) return value;
  const read = types.isProxy(value) ? ownValue : plainValue;
  if (Array.isArray(value)) {
    const copy: unknown[] = [];
    for (const key of Object.keys(value)) {
      // The elements, not other own properties.
      if (!ARRAY_INDEX.test(key)) continue;
      path.push(Number(key));
      const element = copyPlain(read(value, key), path, found);
      path.pop();
      copy.push(element === OMIT ? null : element);
    }
    return copy;
  }
  if (!isPlainObject(value) && isSecretValue(value)) {
    found.secretPaths.push([...path]);
    return copyPlain(value.value, path, found);
  }
  const copy: Record<string, unknown> = {};
  for (const key of Object.keys(value)) {
    path.push(key);
    const field = copyPlain(read(value, key), path, found);
    path.pop();
    if (field !== OMIT) copy[key] = field;
  }
  return copy;
}

function isPlainObject(value: object): boolean {
  const prototype: unknown = Object.getPrototypeOf(value);
  return prototype === Object.prototype || prototype === null;
}

/**
 * A deep copy that keeps what the engine must get back unchanged: unknown sentinels and
 * `Secret` wrappers (a remediation that returned a secret unwrapped would publish it).
 */
export function rawCopy(value: unknown): unknown {
  if (typeof value !== 'object' || value === null || isSecretValue(value)) return value;
  if (Array.isArray(value)) return ownKeys(value).filter((key) => ARRAY_INDEX.test(key)).map((key) => rawCopy(ownValue(value, key)));
  const copy: Record<string, unknown> = {};
  for (const key of ownKeys(value)) copy[key] = rawCopy(ownValue(value, key));
  return copy;
}

function ownKeys(value: object): string[] {
  return Object.keys(value);
}

// A property descriptor is read from the proxy's target without calling its `get` trap.
function ownValue(value: object, key: string): unknown {
  return Object.getOwnPropertyDescriptor(value, key)?.value;
}

function plainValue(value: object, key: string): unknown {
  return (value as Record<string, unknown>)[key];
}

/** What an unknown value hides from the rules. */
export type UnknownScope =
  /** Nothing the model reads (the image, env, labels, replicas …). */
  | { readonly kind: 'irrelevant' }
  /** Something every container's verdict may depend on (pod securityContext, annotations, the template itself). */
  | { readonly kind: 'pod' }
  /** One container's fields. */
  | { readonly kind: 'container'; readonly containerPath: NodePath };

const CONTAINER_LISTS = ['containers', 'initContainers', 'ephemeralContainers'];

// Container fields no rule and no Pod Security check reads.
const IRRELEVANT_CONTAINER_FIELDS = new Set([
  'image',
  'imagePullPolicy',
  'command',
  'args',
  'workingDir',
  'env',
  'envFrom',
  'resources',
  'resizePolicy',
  'volumeMounts',
  'volumeDevices',
  'terminationMessagePath',
  'terminationMessagePolicy',
  'stdin',
  'stdinOnce',
  'tty',
]);

// Pod spec fields no rule and no Pod Security check reads.
const IRRELEVANT_POD_FIELDS = new Set([
  'nodeSelector',
  'nodeName',
  'affinity',
  'tolerations',
  'topologySpreadConstraints',
  'schedulerName',
  'priorityClassName',
  'priority',
  'preemptionPolicy',
  'serviceAccountName',
  'serviceAccount',
  'automountServiceAccountToken',
  'imagePullSecrets',
  'terminationGracePeriodSeconds',
  'activeDeadlineSeconds',
  'dnsPolicy',
  'dnsConfig',
  'hostname',
  'subdomain',
  'enableServiceLinks',
  'readinessGates',
  'restartPolicy',
  'overhead',
]);

const IRRELEVANT_METADATA_FIELDS = new Set(['name', 'generateName', 'namespace', 'labels', 'ownerReferences', 'finalizers']);

/** Which findings an unknown value at `path` (from the object's root) may change. */
export function unknownScope(pod: PodTemplate, path: NodePath): UnknownScope {
  if (isPrefix(path, pod.specPath) || isPrefix(path, pod.metadataPath)) return { kind: 'pod' };
  if (isPrefix(pod.metadataPath, path)) {
    return IRRELEVANT_METADATA_FIELDS.has(String(path[pod.metadataPath.length])) ? { kind: 'irrelevant' } : { kind: 'pod' };
  }
  if (isPrefix(pod.specPath, path)) return podSpecScope(pod.specPath, path.slice(pod.specPath.length));
  // The workload's own annotations name the Pod Security level it is labelled for (LP020).
  if (path[0] === 'metadata' && (path.length === 1 || path[1] === 'annotations')) return { kind: 'pod' };
  return { kind: 'irrelevant' };
}

function podSpecScope(specPath: NodePath, rest: NodePath): UnknownScope {
  const [field, index, containerField, , portField] = rest;
  if (CONTAINER_LISTS.includes(String(field))) {
    if (rest.length === 1) return { kind: 'pod' };
    const containerPath = [...specPath, field, index];
    if (rest.length === 2) return { kind: 'container', containerPath };
    if (IRRELEVANT_CONTAINER_FIELDS.has(String(containerField))) return { kind: 'irrelevant' };
    if (containerField === 'ports' && portField === 'name') return { kind: 'irrelevant' };
    return { kind: 'container', containerPath };
  }
  // A volume's type is what Pod Security checks; what it points at (a ConfigMap's generated name …) is not.
  if (field === 'volumes') return rest.length <= 3 && containerField !== 'name' ? { kind: 'pod' } : { kind: 'irrelevant' };
  return IRRELEVANT_POD_FIELDS.has(String(field)) ? { kind: 'irrelevant' } : { kind: 'pod' };
}

