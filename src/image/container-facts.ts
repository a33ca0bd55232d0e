import type { ExecContext } from './executable';
import { capabilityTargetOf, DEFAULT_PATH } from './executable';
import { resolveImageUser } from './image-user';
import type { Image, ImageConfig } from './read-image';
import { honoredFileCapabilities } from './vfs-capability';
import type { ImageBinary, ImageFacts } from '../model/image-facts';
import { asArray } from '../model/json-value';
import type { JsonObject } from '../model/json-value';

/** What a container overrides of its image's start: `command`, `args`, `env` (as parsed). */
export interface ContainerStart {
  /** `command`: replaces the image's Entrypoint (and drops its Cmd). */
  readonly command?: readonly string[];
  /** `args`: replaces the image's Cmd. */
  readonly args?: readonly string[];
  /** `env` values given literally, by name. */
  readonly env?: ReadonlyMap<string, string>;
}

/**
 * The argv the container runs (Kubernetes, "Define a Command and Arguments for a Container"):
 * `command` replaces Entrypoint and the image's Cmd is ignored; `args` replaces Cmd.
 */
export function argvOf(config: ImageConfig, start: ContainerStart = {}): string[] {
  if (start.command !== undefined && start.command.length > 0) return [...start.command, ...(start.args ?? [])];
  return [...config.entrypoint, ...(start.args !== undefined && start.args.length > 0 ? start.args : config.cmd)];
}

/** Where exec looks: the container's PATH (its env over the image's Env), else containerd's default. */
export function execContextOf(config: ImageConfig, start: ContainerStart = {}): ExecContext {
  const fromImage = config.env.find((entry) => entry.startsWith('PATH='))?.slice('PATH='.length);
  const path = start.env?.get('PATH') ?? fromImage ?? DEFAULT_PATH;
  return { path: path.split(':'), workingDir: config.workingDir };
}

/** The image facts the model takes for one container of this image. */
export function imageFactsOf(image: Pick<Image, 'config' | 'filesystem'>, label: string, start: ContainerStart = {}): ImageFacts {
  const user = resolveImageUser(image.config.user, image.filesystem);
  const argv = argvOf(image.config, start);
  const { executable, target, note, assumed } = capabilityTargetOf(image.filesystem, argv, execContextOf(image.config, start));
  let startFailure = executable.problem === undefined ? undefined : `the runtime cannot start it in ${label}: ${executable.problem}`;
  if (startFailure === undefined && target?.capabilityError !== undefined) {
    // The kernel refuses to exec a file whose security.capability it cannot read (EINVAL).
    startFailure = `exec of ${target.path} in ${label} fails: ${target.capabilityError}`;
  }
  let binary: ImageBinary | undefined;
  if (target !== undefined && target.path !== undefined) {
    const origin = `${target.path} in ${label}`;
    const honored =
      target.capability === undefined ? { capabilities: undefined, note: undefined } : honoredFileCapabilities(target.capability, origin);
    const notes = [note, honored.note].filter((text): text is string => text !== undefined);
    binary = { path: target.path, fileCapabilities: honored.capabilities, note: notes.length === 0 ? undefined : notes.join('; '), ...(assumed ? { assumed } : {}) };
  }
  return {
    image: label,
    // An account file this reader could not keep leaves the uid unknown (the image's user), never a failure.
    user: user.uid === undefined || user.problem !== undefined ? undefined : { uid: user.uid, configured: user.configured, numeric: user.numeric },
    userFailure: user.problem === undefined ? undefined : `the runtime cannot start it: ${user.problem} in ${label}; set runAsUser or fix USER`,
    startFailure,
    binary,
    exposedPorts: image.config.exposedPorts,
  };
}

/** Reads `command`, `args` and literal `env` values of a container spec, ignoring what is malformed. */
export function containerStartOf(spec: JsonObject): ContainerStart {
  const strings = (value: unknown): string[] | undefined => {
    const list = asArray(value);
    return list === undefined ? undefined : list.filter((item): item is string => typeof item === 'string');
  };
  const env = new Map<string, string>();
  for (const entry of asArray(spec.env) ?? []) {
    const variable = entry as { name?: unknown; value?: unknown } | null;
    // A value with $(VAR) references is expanded by the kubelet from other variables: not followed here.
    if (typeof variable?.name === 'string' && typeof variable.value === 'string' && !variable.value.includes('$(')) env.set(variable.name, variable.value);
  }
  return { command: strings(spec.command), args: strings(spec.args), env };
}
