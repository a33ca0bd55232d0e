/**
 * What the planner reads from an image inspection: which binary the container runs and whether it
 * carries cap_net_bind_service, and the image's USER.
 */
import { requireBinaryPath } from './binary-path';
import type { BindStrategy } from './bind-strategy';
import type { CapabilityReport, ImageInspection } from '../image/inspect';

/**
 * What the planner takes from an image read from disk: a plain object (`ImageInspection`,
 * `k8s-least-privilege image inspect --format json`), made before the plan with
 * `await readImageInspection('oci-archive:app.tar', { binaries: ['/usr/local/bin/server'] })`.
 * Reading is async and the planner (and cdk8s synthesis) is not, so the image is read first
 * and its facts are handed in. Only the type is imported: the planner stays free of I/O.
 */
export type PlannerImageInspection = ImageInspection;

/** The binary the file-capability strategy depends on, as the image has it. */
export interface ImageBinaryCheck {
  /** The image, for messages: `oci-archive:app.tar (v1)`. */
  readonly image: string;
  /** The binary's path in the image. */
  readonly binary: string;
  /** Whether the kernel gives a non-root process CAP_NET_BIND_SERVICE in its effective set on exec of it. */
  readonly hasNetBindService: boolean;
  /** What the image has on it, for messages: `no file capabilities`, `cap_net_bind_service=p (no effective bit)`. */
  readonly found: string;
}

/** The image as messages name it. */
export function imageLabelOf(inspection: ImageInspection): string {
  return inspection.reference === null ? inspection.image : `${inspection.image} (${inspection.reference})`;
}

/**
 * The binary whose file capabilities decide: `binary` when given (it must be the image's
 * capability target, its executable, or one of the inspection's `binaries`), else the image's
 * capability target (what Entrypoint + Cmd execute, through a wrapper script to the program
 * it runs). `undefined` when the image does not tell which binary runs (for a script without
 * arguments to follow, only its interpreter is known: never a binary to setcap).
 *
 * @throws RangeError when `binary` is not covered by the inspection, or is not in the image, or
 *   when the binary's path in the image is not one a Dockerfile `RUN setcap` line can carry (`binary-path.ts`)
 */
export function checkImageBinary(inspection: ImageInspection, binary: string | undefined): ImageBinaryCheck | undefined {
  const image = imageLabelOf(inspection);
  let path: string;
  let field: string;
  let capability: CapabilityReport | null;
  const target = inspection.capabilityTarget;
  if (binary === undefined || (target !== null && target.path === binary)) {
    // A script's interpreter is a guess, and a capability on a shell would reach every script: name the binary.
    if (target === null || target.via === 'interpreter') return undefined;
    path = target.path;
    field = 'capabilityTarget.path';
    capability = target.fileCapabilities;
  } else {
    const reports = [inspection.executable, ...inspection.binaries];
    const index = reports.findIndex((entry) => entry.requested === binary || entry.path === binary);
    const report = index < 0 ? undefined : reports[index];
    if (report === undefined) {
      throw new RangeError(
        `the image inspection of ${image} does not cover ${binary}: read it with readImageInspection(location, { binaries: ['${binary}'] }) ` +
          `(or inspectImage(image, ['${binary}']))`,
      );
    }
    if (report.path === null || report.problem !== null) {
      throw new RangeError(`${binary} cannot run in ${image}: ${report.problem ?? 'it is not in the image'}`);
    }
    path = report.path;
    field = index === 0 ? 'executable.path' : `binaries[${index - 1}].path`;
    capability = report.fileCapabilities;
  }
  // The planner writes this path into the Dockerfile lines and remedies, as it writes a declared one.
  requireBinaryPath(`the image inspection of ${image}`, field, path);
  return { image, binary: path, ...netBindServiceOf(capability) };
}

function netBindServiceOf(capability: CapabilityReport | null): { hasNetBindService: boolean; found: string } {
  if (capability === null) return { hasNetBindService: false, found: 'no file capabilities' };
  if (!capability.honoredWithoutUserNamespace) {
    return {
      hasNetBindService: false,
      found: `${capability.text}, a revision-3 capability for the user namespace whose root is uid ${capability.rootId}, which the kernel ignores in a pod without a user namespace`,
    };
  }
  if (!capability.permitted.includes('NET_BIND_SERVICE')) return { hasNetBindService: false, found: `${capability.text}, without cap_net_bind_service` };
  if (!capability.effective) return { hasNetBindService: false, found: `${capability.text}, without the effective bit (the process gains it in its permitted set only)` };
  return { hasNetBindService: true, found: capability.text };
}

/**
 * The image's USER as the pod's `runAsUser`/`runAsGroup` when the intent gives none: only a
 * resolved, non-zero uid (a root image still runs as the default non-root id), and its gid
 * when that is non-zero.
 */
export function imageUserIds(inspection: ImageInspection): { runAsUser: number; runAsGroup: number | undefined } | undefined {
  const { uid, gid, problem } = inspection.user;
  if (problem !== null || uid === null || uid === 0) return undefined;
  return { runAsUser: uid, runAsGroup: gid === null || gid === 0 ? undefined : gid };
}

/**
 * An image inspection tells what the image's own Entrypoint/Cmd execute; a workload that
 * replaces them with `command` runs something else, so the binary must be named.
 *
 * @throws RangeError when `imageInspection` and a `command` are given but no `binary`
 */
export function requireBinaryWithCommand(
  who: string,
  intent: { readonly imageInspection?: ImageInspection; readonly binary?: string; readonly strategy?: BindStrategy },
  hasCommand: boolean,
): void {
  if (!hasCommand || intent.imageInspection === undefined || (intent.strategy?.binary ?? intent.binary) !== undefined) return;
  throw new RangeError(
    `${who}: command replaces the Entrypoint of ${imageLabelOf(intent.imageInspection)}, so its inspection cannot tell which binary runs: ` +
      'give binary (or BindStrategy.fileCapability({ binary })), and read the image with readImageInspection(location, { binaries: [binary] })',
  );
}
