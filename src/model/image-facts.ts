import type { ContainerEntry } from './containers';
import type { FileCapabilities } from './file-capabilities';
import type { JsonObject } from './json-value';
import type { PortProtocol } from './ports';

/**
 * What a container's image says about the two facts a manifest cannot: the user it runs
 * as when the pod sets no `runAsUser`, and the file capabilities of the binary it executes.
 * The model stays pure: reading the image is `src/image/`'s job, which hands these facts in.
 */
export interface ImageFacts {
  /** The image, for messages: `nginx:1.27 (oci-archive:nginx.tar)`. */
  readonly image: string;
  /** The image config's `User`, resolved; `undefined` when the runtime cannot resolve it (see `userFailure`). */
  readonly user: ImageUser | undefined;
  /**
   * Why the runtime cannot resolve the image's USER (a name that is not in the image's
   * /etc/passwd), if so: the container fails to start unless the pod sets runAsUser.
   */
  readonly userFailure: string | undefined;
  /**
   * Why the runtime cannot exec the container's command in this image (not in the image,
   * not executable), if so: the container fails to start whatever its securityContext.
   */
  readonly startFailure: string | undefined;
  /** The binary whose file capabilities decide, or `undefined` when the image does not tell which. */
  readonly binary: ImageBinary | undefined;
  /** The image config's `ExposedPorts`: the ports the image says its program listens on; empty when none. */
  readonly exposedPorts: readonly ImagePort[];
}

/** One entry of an image config's `ExposedPorts` (`80/tcp`). */
export interface ImagePort {
  /** The port number. */
  readonly port: number;
  /** Its protocol, `TCP` when the entry names none. */
  readonly protocol: PortProtocol;
}

/** The user the image runs as. */
export interface ImageUser {
  /** The uid the runtime resolves the config's `User` to (`''` is 0). */
  readonly uid: number;
  /** The config's `User` as written, e.g. `nginx`, `101:101`, `''`. */
  readonly configured: string;
  /**
   * Whether the user part of `User` is numeric (or empty). The kubelet's runAsNonRoot check
   * reads only a numeric uid from the image: a name is refused ("image has non-numeric user").
   */
  readonly numeric: boolean;
}

/** The file the container's process executes with the capabilities that matter. */
export interface ImageBinary {
  /** Its path in the image, symlinks resolved. */
  readonly path: string;
  /** Its file capabilities as the kernel applies them in a pod without a user namespace; `undefined` when none. */
  readonly fileCapabilities: FileCapabilities | undefined;
  /**
   * How it was found when not executed directly, for messages: `the interpreter of
   * /entrypoint.py`, or `assuming the entrypoint script /docker-entrypoint.sh execs its arguments`.
   */
  readonly note: string | undefined;
  /**
   * `true` when the binary is a guess: the container starts a script, whose program is not
   * read. A guess without the capability proves nothing, so the verdict is `unknown`.
   * @default false
   */
  readonly assumed?: boolean;
}

/**
 * An image whose facts were not read (image facts offline, or its pull failed): a verdict
 * that depends on it is `unknown`, and its reason asks the question the image would answer.
 */
export interface UnreadImage {
  /** Marks the variant. */
  readonly unread: true;
  /** The image reference, as the manifest gives it. */
  readonly image: string;
  /** The file whose capability would decide, as far as the manifest tells: `/nginx-ingress-controller (its command)`. */
  readonly binary: string;
  /** Why it was not read, and how to let the checker read it: `image facts are offline (--image-facts offline)`. */
  readonly why: string;
}

/**
 * Gives the image facts for a container: the facts, an {@link UnreadImage} when the image
 * matters but was not read, or `undefined` to assume what the manifest declares (no file
 * capability unless the annotation says so, the image's user unknown). `podSpec` tells the
 * platform (`nodeSelector`), for an image of several.
 */
export type ImageFactsLookup = (container: ContainerEntry, podSpec: JsonObject | undefined) => ImageFacts | UnreadImage | undefined;

/** Whether a lookup's answer is an image that was not read. */
export function isUnreadImage(facts: ImageFacts | UnreadImage | undefined): facts is UnreadImage {
  return facts !== undefined && (facts as Partial<UnreadImage>).unread === true;
}

/** What the container executes, for a question about its file capability: `command[0]`, else the image's Entrypoint. */
export function executedBinaryOf(container: ContainerEntry): string {
  const command = container.spec.command;
  const first = Array.isArray(command) && typeof command[0] === 'string' && command[0] !== '' ? command[0] : undefined;
  return first === undefined ? 'the program its Entrypoint/Cmd runs' : `${first} (its command)`;
}
