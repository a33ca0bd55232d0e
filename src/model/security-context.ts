import type { CapabilityNameReading } from './capabilities';
import {
  capabilityAddedBy,
  capabilityDroppedBy,
  isAllCapabilities,
  LINUX_CAPABILITIES,
} from './capabilities';
import type { ContainerEntry } from './containers';
import type { FileCapabilities } from './file-capabilities';
import { FILE_CAPABILITIES_ANNOTATION_PREFIX, parseFileCapabilities } from './file-capabilities';
import type { ImageFacts, UnreadImage } from './image-facts';
import { isUnreadImage } from './image-facts';
import type {
  FieldReading,
  JsonObject,
} from './json-value';
import {
  asArray,
  describeRaw,
  firstPresent,
  objectField,
  readBoolean,
  readInteger,
  readString,
} from './json-value';
import type { RuntimeProfile } from './runtime-profile';
import { defaultCapabilitiesOf } from './runtime-profile';

/** Who the container's process runs as, as far as the manifest tells. */
export type EffectiveUser =
  /** `image`: the uid came from the image's USER (image facts), for messages. */
  | { readonly kind: 'root'; readonly image?: string }
  | { readonly kind: 'non-root'; readonly uid: number; readonly image?: string }
  /** `runAsNonRoot: true` and no `runAsUser`: the image's USER, which the kubelet verifies is not 0. */
  | { readonly kind: 'non-root-from-image' }
  /** No `runAsUser`, no `runAsNonRoot`: the image's USER, which may be root. */
  | { readonly kind: 'from-image' };

/** A field whose value has a type the API server would reject. */
export interface InvalidField {
  /** The field path relative to the pod spec, e.g. `containers[0].securityContext.runAsUser`. */
  readonly path: string;
  /** What the field holds, for messages. */
  readonly found: string;
  /** What the API expects there. */
  readonly expected: string;
}

/** The security context a container runs with once pod-level and container-level fields are merged. */
export interface EffectiveSecurityContext {
  /** The process's user. */
  readonly user: EffectiveUser;
  /** `runAsNonRoot`, container-level over pod-level. */
  readonly runAsNonRoot: boolean | undefined;
  /** Why the kubelet refuses to start the container, when it does (runAsNonRoot with uid 0). */
  readonly kubeletRefusal: string | undefined;
  /** Why the API server's validation rejects the container's securityContext, when it does. */
  readonly apiServerRejection: string | undefined;
  /** `privileged: true` gives every capability in the bounding set. */
  readonly privileged: boolean;
  /** `allowPrivilegeEscalation`; `false` sets no_new_privs. */
  readonly allowPrivilegeEscalation: boolean | undefined;
  /** `capabilities.add` as written (string entries). */
  readonly add: readonly string[];
  /** `capabilities.drop` as written (string entries). */
  readonly drop: readonly string[];
  /** The bounding set after the runtime applies drop and add, canonical names. */
  readonly boundingSet: ReadonlySet<string>;
  /** Entries of `add` that grant nothing under the profile's name reading (e.g. `CAP_NET_BIND_SERVICE` on containerd). */
  readonly ineffectiveAdds: readonly string[];
  /** `seccompProfile.type`, container-level over pod-level. */
  readonly seccompProfileType: string | undefined;
  /**
   * The file capabilities of this container's binary: read from the image when image facts
   * name the binary, else as the annotation declares them (when declared and valid).
   */
  readonly fileCapabilities: FileCapabilities | undefined;
  /** Why the file-capability annotation could not be read, when it could not. */
  readonly fileCapabilitiesError: string | undefined;
  /** Where `fileCapabilities` comes from: the image, the annotation, or neither. */
  readonly fileCapabilitiesSource?: 'image' | 'annotation';
  /** The annotation's file capabilities, when declared and valid, even when the image overrides them. */
  readonly declaredFileCapabilities?: FileCapabilities;
  /** The image facts the context was merged with, when the image is known. */
  readonly imageFacts?: ImageFacts;
  /** Why the runtime cannot start the container with its image (image facts), if so. */
  readonly imageStartFailure?: string;
  /** The container's image when its facts matter but were not read: verdicts that depend on it are `unknown`. */
  readonly unreadImage?: UnreadImage;
  /** Fields with a type the API server rejects; any of them makes a privileged-port verdict `unknown`. */
  readonly invalidFields: readonly InvalidField[];
}

/** The pod-level inputs a container's security context is merged from. */
export interface PodSecurityDefaults {
  /** The pod spec's `securityContext`. */
  readonly podSecurityContext: JsonObject | undefined;
  /** The pod (template) metadata's annotations. */
  readonly annotations: JsonObject | undefined;
}

/**
 * Merges the pod's and the container's security context as the kubelet does
 * (pkg/securitycontext: container fields override pod fields) and applies the
 * runtime's capability handling to get the bounding set: its reading of names, the set it
 * starts from and the capabilities it never grants (`runtime`, containerd's defaults unless given).
 */
export function effectiveSecurityContext(
  container: ContainerEntry,
  pod: PodSecurityDefaults,
  capabilityNames: CapabilityNameReading,
  imageAnswer?: ImageFacts | UnreadImage,
  runtime: Pick<RuntimeProfile, 'defaultCapabilities' | 'withheldCapabilities'> = {},
): EffectiveSecurityContext {
  const unreadImage = isUnreadImage(imageAnswer) ? imageAnswer : undefined;
  const imageFacts = isUnreadImage(imageAnswer) ? undefined : imageAnswer;
  const invalidFields: InvalidField[] = [];
  const containerContext = objectField(container.spec, 'securityContext');
  const note = <T>(reading: FieldReading<T>, field: string, expected: string, inPod: boolean): T | undefined => {
    if (reading.state === 'valid') return reading.value;
    if (reading.state === 'invalid') {
      const path = inPod ? `securityContext.${field}` : `${container.path}.securityContext.${field}`;
      invalidFields.push({ path, found: describeRaw(reading.raw), expected });
    }
    return undefined;
  };
  const merged = <T>(read: (o: JsonObject | undefined, k: string) => FieldReading<T>, field: string, expected: string) => {
    const fromContainer = read(containerContext, field);
    const reading = firstPresent(fromContainer, read(pod.podSecurityContext, field));
    return note(reading, field, expected, fromContainer.state === 'absent');
  };

  const runAsUser = merged(readUid, 'runAsUser', 'a uid from 0 to 2147483647');
  const runAsNonRoot = merged(readBoolean, 'runAsNonRoot', 'true or false');
  const privileged = note(readBoolean(containerContext, 'privileged'), 'privileged', 'true or false', false) ?? false;
  const allowPrivilegeEscalation = note(
    readBoolean(containerContext, 'allowPrivilegeEscalation'),
    'allowPrivilegeEscalation',
    'true or false',
    false,
  );
  const capabilities = objectField(containerContext, 'capabilities');
  const add = readNameList(capabilities, 'add', `${container.path}.securityContext.capabilities.add`, invalidFields);
  const drop = readNameList(capabilities, 'drop', `${container.path}.securityContext.capabilities.drop`, invalidFields);
  const seccompProfileType = seccompTypeOf(containerContext) ?? seccompTypeOf(pod.podSecurityContext);

  const user = withImageUser(effectiveUser(runAsUser, runAsNonRoot), imageFacts);
  const { boundingSet, ineffectiveAdds } = boundingSetOf(add, drop, privileged, capabilityNames, runtime);
  const declared = container.named ? pod.annotations?.[FILE_CAPABILITIES_ANNOTATION_PREFIX + container.name] : undefined;
  const parsedFileCapabilities =
    declared === undefined || declared === null
      ? undefined
      : typeof declared === 'string'
        ? parseFileCapabilities(declared)
        : ({ ok: false, error: `it is ${describeRaw(declared)}, not a string` } as const);
  const declaredFileCapabilities = parsedFileCapabilities?.ok ? parsedFileCapabilities.capabilities : undefined;
  // The image, when it names the binary, is the truth; the annotation is a claim about it.
  const fromImage = imageFacts?.binary !== undefined;
  const fileCapabilities = fromImage ? imageFacts?.binary?.fileCapabilities : declaredFileCapabilities;

  return {
    user,
    runAsNonRoot,
    kubeletRefusal: kubeletRefusalOf(runAsNonRoot, runAsUser, user, imageFacts),
    apiServerRejection: apiServerRejection(allowPrivilegeEscalation, privileged, add),
    privileged,
    allowPrivilegeEscalation,
    add,
    drop,
    boundingSet,
    ineffectiveAdds,
    seccompProfileType,
    fileCapabilities,
    fileCapabilitiesError: parsedFileCapabilities?.ok === false ? parsedFileCapabilities.error : undefined,
    ...(fileCapabilities === undefined && !fromImage ? {} : { fileCapabilitiesSource: fromImage ? ('image' as const) : ('annotation' as const) }),
    ...(declaredFileCapabilities === undefined ? {} : { declaredFileCapabilities }),
    ...(imageFacts === undefined ? {} : { imageFacts }),
    ...imageStartFailureOf(imageFacts, runAsUser),
    ...(unreadImage === undefined ? {} : { unreadImage }),
    invalidFields,
  };
}

/**
 * kuberuntime verifyRunAsNonRoot: with runAsNonRoot and no runAsUser, the kubelet reads the
 * image's user: uid 0 (or no USER) is refused, and so is a user name, which it cannot verify.
 */
function kubeletRefusalOf(
  runAsNonRoot: boolean | undefined,
  runAsUser: number | undefined,
  user: EffectiveUser,
  imageFacts: ImageFacts | undefined,
): string | undefined {
  if (runAsNonRoot !== true) return undefined;
  if (runAsUser === 0) return 'the kubelet refuses to start it: runAsNonRoot is true but runAsUser is 0 (CreateContainerConfigError)';
  if (runAsUser !== undefined || imageFacts?.user === undefined) return undefined;
  if (!imageFacts.user.numeric) {
    return (
      `the kubelet refuses to start it: runAsNonRoot is true and the image ${imageFacts.image} has the non-numeric USER ` +
      `"${imageFacts.user.configured}", which it cannot verify is non-root (CreateContainerConfigError); set runAsUser, or USER as a number`
    );
  }
  if (user.kind === 'root') {
    return `the kubelet refuses to start it: runAsNonRoot is true and the image ${imageFacts.image} runs as root (USER "${imageFacts.user.configured}") (CreateContainerConfigError); set runAsUser`;
  }
  return undefined;
}

/** Why the runtime cannot start the container with its image: its command, or its USER when the pod sets no runAsUser. */
function imageStartFailureOf(imageFacts: ImageFacts | undefined, runAsUser: number | undefined): { imageStartFailure?: string } {
  const failure = imageFacts?.startFailure ?? (runAsUser === undefined ? imageFacts?.userFailure : undefined);
  return failure === undefined ? {} : { imageStartFailure: failure };
}

/** With no runAsUser in the pod, the image's USER decides, when its facts are known. */
function withImageUser(user: EffectiveUser, imageFacts: ImageFacts | undefined): EffectiveUser {
  if ((user.kind !== 'from-image' && user.kind !== 'non-root-from-image') || imageFacts?.user === undefined) return user;
  const image = `the image's USER "${imageFacts.user.configured}" of ${imageFacts.image}`;
  return imageFacts.user.uid === 0 ? { kind: 'root', image } : { kind: 'non-root', uid: imageFacts.user.uid, image };
}

/**
 * pkg/apis/core/validation ValidateSecurityContext: no_new_privs cannot go with privileged or
 * with adding CAP_SYS_ADMIN (compared as written, so only the prefixed spelling is refused).
 */
function apiServerRejection(allowPrivilegeEscalation: boolean | undefined, privileged: boolean, add: readonly string[]): string | undefined {
  if (allowPrivilegeEscalation !== false) return undefined;
  if (privileged) return 'the API server rejects the pod: allowPrivilegeEscalation: false cannot be set with privileged: true';
  if (add.includes('CAP_SYS_ADMIN')) return 'the API server rejects the pod: allowPrivilegeEscalation: false cannot be set with capabilities.add CAP_SYS_ADMIN';
  return undefined;
}

/** The API server accepts a runAsUser from 0 to 2147483647 (pkg/apis/core/validation ValidateNonnegativeField, int32 range). */
const MAX_UID = 2147483647;

function readUid(parent: JsonObject | undefined, key: string): FieldReading<number> {
  const reading = readInteger(parent, key);
  return reading.state === 'valid' && (reading.value < 0 || reading.value > MAX_UID) ? { state: 'invalid', raw: reading.value } : reading;
}

function seccompTypeOf(securityContext: JsonObject | undefined): string | undefined {
  const type = readString(objectField(securityContext, 'seccompProfile'), 'type');
  return type.state === 'valid' ? type.value : undefined;
}

function effectiveUser(runAsUser: number | undefined, runAsNonRoot: boolean | undefined): EffectiveUser {
  if (runAsUser === 0) return { kind: 'root' };
  if (runAsUser !== undefined) return { kind: 'non-root', uid: runAsUser };
  // With runAsNonRoot and no runAsUser the kubelet checks the image's USER is a non-zero uid
  // before it starts the container (kuberuntime verifyRunAsNonRoot), so the process is non-root.
  return runAsNonRoot === true ? { kind: 'non-root-from-image' } : { kind: 'from-image' };
}

function readNameList(parent: JsonObject | undefined, key: string, path: string, invalid: InvalidField[]): string[] {
  const raw = parent?.[key];
  if (raw === undefined || raw === null) return [];
  const list = asArray(raw);
  if (list === undefined) {
    invalid.push({ path, found: describeRaw(raw), expected: 'a list of capability names' });
    return [];
  }
  const names: string[] = [];
  list.forEach((entry, index) => {
    if (typeof entry === 'string') names.push(entry);
    else invalid.push({ path: `${path}[${index}]`, found: describeRaw(entry), expected: 'a capability name' });
  });
  return names;
}

/**
 * The runtime's bounding set: its default set, or every capability when privileged;
 * `ALL` in add, then `ALL` in drop, then the named adds and drops (containerd
 * pkg/cri/opts.WithCapabilities and CRI-O SpecSetupCapabilities apply them in that order);
 * then the runtime withholds what it never grants.
 */
function boundingSetOf(
  add: readonly string[],
  drop: readonly string[],
  privileged: boolean,
  reading: CapabilityNameReading,
  runtime: Pick<RuntimeProfile, 'defaultCapabilities' | 'withheldCapabilities'>,
): { boundingSet: ReadonlySet<string>; ineffectiveAdds: string[] } {
  const withheld = runtime.withheldCapabilities ?? [];
  if (privileged) return { boundingSet: new Set(LINUX_CAPABILITIES.filter((name) => !withheld.includes(name))), ineffectiveAdds: [] };
  const set = new Set(defaultCapabilitiesOf(runtime));
  if (add.some(isAllCapabilities)) LINUX_CAPABILITIES.forEach((name) => set.add(name));
  if (drop.some(isAllCapabilities)) set.clear();
  const ineffectiveAdds: string[] = [];
  for (const name of add) {
    if (isAllCapabilities(name)) continue;
    const granted = capabilityAddedBy(name, reading);
    if (granted === undefined) ineffectiveAdds.push(name);
    else set.add(granted);
  }
  for (const name of drop) {
    const dropped = isAllCapabilities(name) ? undefined : capabilityDroppedBy(name, reading);
    if (dropped !== undefined) set.delete(dropped);
  }
  withheld.forEach((name) => set.delete(name));
  return { boundingSet: set, ineffectiveAdds };
}
