import { argvOf, execContextOf } from './container-facts';
import type { CapabilityTarget, Executable } from './executable';
import { capabilityTargetOf, findExecutable } from './executable';
import type { ResolvedUser } from './image-user';
import { resolveImageUser } from './image-user';
import type { Image, LayerSummary, ReadImageOptions } from './read-image';
import { readImage } from './read-image';
import type { VfsCapability } from './vfs-capability';
import { escapeControlCharacters } from '../input/untrusted-text';

/** A file's capabilities as `image inspect` reports them. */
export interface CapabilityReport {
  /** getcap text, e.g. `cap_net_bind_service=ep`. */
  readonly text: string;
  /** vfs_cap_data revision. */
  readonly revision: 1 | 2 | 3;
  /** The permitted set, canonical names (`NET_BIND_SERVICE`). */
  readonly permitted: readonly string[];
  /** The inheritable set, canonical names. */
  readonly inheritable: readonly string[];
  /** Whether the effective bit is set: the permitted set is raised at exec without the program asking. */
  readonly effective: boolean;
  /** Revision 3's namespace root uid. */
  readonly rootId: number | null;
  /** Whether the kernel applies it in a pod that shares the host user namespace (rootid 0 or revision 1/2). */
  readonly honoredWithoutUserNamespace: boolean;
}

/** One executable as `image inspect` reports it. */
export interface ExecutableReport {
  /** As given. */
  readonly requested: string;
  /** Resolved path, or `null` when it is not in the image. */
  readonly path: string | null;
  /** Symlinks followed. */
  readonly symlinks: readonly string[];
  /** What it is. */
  readonly kind: Executable['kind'];
  /** Its file capabilities, or `null` when it has none. */
  readonly fileCapabilities: CapabilityReport | null;
  /** Why its xattr cannot be decoded, or `null`. */
  readonly fileCapabilitiesError: string | null;
  /** A script's `#!` line. */
  readonly shebang: string | null;
  /** A script's interpreter. */
  readonly interpreter: ExecutableReport | null;
  /** Why exec fails, or `null`. */
  readonly problem: string | null;
}

/** What `k8s-least-privilege image inspect` prints with `--format json`. */
export interface ImageInspection {
  /** The image as given (`oci-archive:nginx.tar`, `docker://nginx:1.27`). */
  readonly image: string;
  /** The reference it carries (an OCI layout's `org.opencontainers.image.ref.name`, a registry reference), or `null`. */
  readonly reference: string | null;
  /** The digest of its manifest, or `null` for a `docker save` archive, which has none. */
  readonly manifestDigest: string | null;
  /** The digest of its config blob, or `null` when the archive does not name one. */
  readonly configDigest: string | null;
  /** The platform of the image read (`linux/amd64`). */
  readonly platform: string;
  /** Its layers, bottom first, with what reading each found. */
  readonly layers: readonly LayerSummary[];
  /** The config's `User`, and the uid and gid it resolves to in the image's /etc/passwd and /etc/group. */
  readonly user: {
    readonly configured: string;
    readonly uid: number | null;
    readonly gid: number | null;
    readonly name: string | null;
    readonly group: string | null;
    readonly numeric: boolean;
    readonly problem: string | null;
    /** Why this reader cannot tell the uid although the runtime may, or `null`. */
    readonly undetermined: string | null;
  };
  /** The config's `Entrypoint`. */
  readonly entrypoint: readonly string[];
  /** The config's `Cmd`. */
  readonly cmd: readonly string[];
  /** The directories of the config's `PATH` (from `Env`), where a bare command is looked up. */
  readonly path: readonly string[];
  /** The config's `WorkingDir`, where a relative command is looked up. */
  readonly workingDir: string;
  /** What `Entrypoint` + `Cmd` execs. */
  readonly executable: ExecutableReport;
  /** The binary a file capability must be on for the process that listens, or `null` when the image does not tell. */
  readonly capabilityTarget: {
    readonly path: string;
    readonly note: string | null;
    readonly fileCapabilities: CapabilityReport | null;
    /** `true` when it is a guess: the image starts a script, whose program is not read. */
    readonly assumed: boolean;
    /** How it was found: `itself`, an init `wrapper`'s command, a script's `arguments`, its `interpreter`. */
    readonly via: CapabilityTarget['via'];
  } | null;
  /** Every `--binary`. */
  readonly binaries: readonly ExecutableReport[];
}

/** Options of {@link readImageInspection}. */
export interface ReadImageInspectionOptions extends ReadImageOptions {
  /**
   * Binaries whose file capabilities to report beside what the image executes (`--binary`).
   * @default [] — only what `Entrypoint` + `Cmd` execute
   */
  readonly binaries?: readonly string[];
}

/**
 * Reads an image from disk (`oci:DIR[:tag]`, `oci-archive:FILE[:tag]`, `docker-archive:FILE[:ref]`)
 * and inspects it: the plain object `image inspect --format json` prints, which the planner and
 * the constructs take as `imageInspection` (they are synchronous; reading is not).
 *
 * @throws ImageError when the image cannot be read, naming it and what is wrong
 */
export async function readImageInspection(location: string, options: ReadImageInspectionOptions = {}): Promise<ImageInspection> {
  const { binaries, ...readOptions } = options;
  return inspectImage(await readImage(location, readOptions), binaries ?? []);
}

/** Inspects a read image: its user, what it executes and the file capabilities of that and of `binaries`. */
export function inspectImage(image: Image, binaries: readonly string[] = []): ImageInspection {
  const config = image.config;
  const context = execContextOf(config);
  const user: ResolvedUser = resolveImageUser(config.user, image.filesystem);
  const { executable, target, note, assumed, via } = capabilityTargetOf(image.filesystem, argvOf(config), context);
  return {
    image: image.location.text,
    reference: image.reference ?? null,
    manifestDigest: image.manifestDigest ?? null,
    configDigest: image.configDigest ?? null,
    platform: config.platform,
    layers: image.layers,
    user: {
      configured: config.user,
      uid: user.uid ?? null,
      gid: user.gid ?? null,
      name: user.name ?? null,
      group: user.group ?? null,
      numeric: user.numeric,
      problem: user.problem ?? null,
      undetermined: user.undetermined ?? null,
    },
    entrypoint: config.entrypoint,
    cmd: config.cmd,
    path: context.path,
    workingDir: config.workingDir,
    executable: executableReport(executable),
    capabilityTarget:
      target?.path === undefined
        ? null
        : { path: target.path, note: note ?? null, fileCapabilities: capabilityReport(target.capability), assumed, via },
    binaries: binaries.map((binary) => executableReport(findExecutable(image.filesystem, binary, context))),
  };
}

function executableReport(executable: Executable): ExecutableReport {
  return {
    requested: executable.requested,
    path: executable.path ?? null,
    symlinks: executable.symlinks,
    kind: executable.kind,
    fileCapabilities: capabilityReport(executable.capability),
    fileCapabilitiesError: executable.capabilityError ?? null,
    shebang: executable.shebang ?? null,
    interpreter: executable.interpreter === undefined ? null : executableReport(executable.interpreter),
    problem: executable.problem ?? null,
  };
}

function capabilityReport(capability: VfsCapability | undefined): CapabilityReport | null {
  if (capability === undefined) return null;
  return {
    text: capability.text,
    revision: capability.revision,
    permitted: capability.permitted,
    inheritable: capability.inheritable,
    effective: capability.effective,
    rootId: capability.rootId ?? null,
    honoredWithoutUserNamespace: capability.rootId === undefined || capability.rootId === 0,
  };
}

/** The inspection as JSON, one object. */
export function formatInspectionJson(inspection: ImageInspection): string {
  return `${JSON.stringify(inspection, null, 2)}\n`;
}

/** The inspection for a person: what runs, as whom, with which capabilities, and what to add. */
export function formatInspectionHuman(inspection: ImageInspection): string {
  const lines: string[] = [];
  const { user } = inspection;
  lines.push(`image       ${inspection.image}${inspection.reference === null ? '' : ` (${inspection.reference})`}`);
  if (inspection.manifestDigest !== null) lines.push(`manifest    ${inspection.manifestDigest}`);
  lines.push(`platform    ${inspection.platform || 'unspecified'}`);
  lines.push(`layers      ${inspection.layers.length} (${inspection.layers.map((l) => l.compression).join(', ')}), digests verified`);
  const who =
    user.undetermined !== null
      ? `not determined: ${user.undetermined}`
      : user.problem !== null
        ? `cannot be resolved: ${user.problem} — the container fails to start unless the pod sets runAsUser`
        : `uid ${user.uid}${user.name === null ? '' : ` (${user.name})`}, gid ${user.gid}${user.group === null ? '' : ` (${user.group})`}${user.uid === 0 ? ' — root' : ''}`;
  lines.push(`user        ${user.configured === '' ? '(unset)' : JSON.stringify(user.configured)}: ${who}`);
  if (!user.numeric && user.problem === null) lines.push('            a name, not a number: with runAsNonRoot the kubelet refuses it unless the pod sets runAsUser');
  lines.push(`entrypoint  ${JSON.stringify(inspection.entrypoint)}  cmd ${JSON.stringify(inspection.cmd)}`);
  lines.push(...describeExecutable('executes', inspection.executable, '  '));
  if (inspection.capabilityTarget !== null) {
    const target = inspection.capabilityTarget;
    if (inspection.executable.kind === 'script') {
      lines.push(`the capability must be on ${target.path}${target.note === null ? '' : ` (${target.note})`}, not on the script: the kernel ignores a script's file capabilities`);
    }
    if (target.fileCapabilities === null && target.via === 'interpreter') {
      // A capability on a shell or an interpreter would reach every script it runs: never advise it.
      lines.push(`to bind a port < 1024 as non-root with a file capability, set it on the program the script runs (setcap cap_net_bind_service=+ep PROGRAM), not on ${target.path}`);
    } else if (target.fileCapabilities === null) {
      lines.push('to bind a port < 1024 as non-root with a file capability, add to the Dockerfile:');
      lines.push(`  RUN setcap cap_net_bind_service=+ep ${target.path}`);
    }
  }
  for (const binary of inspection.binaries) lines.push(...describeExecutable('binary', binary, '  '));
  // Names, reasons and messages come from input: shown, never obeyed by the terminal.
  return `${lines.map(escapeControlCharacters).join('\n')}\n`;
}

function describeExecutable(label: string, executable: ExecutableReport, indent: string): string[] {
  const lines: string[] = [];
  const where = executable.path === null ? executable.requested : executable.path === executable.requested ? executable.path : `${executable.requested} → ${executable.path}`;
  lines.push(`${label.padEnd(11)} ${where} (${executable.kind})`);
  if (executable.problem !== null) lines.push(`${indent}${executable.problem}`);
  if (executable.kind !== 'missing' && executable.kind !== 'directory') lines.push(`${indent}file capabilities: ${capabilityLine(executable)}`);
  if (executable.interpreter !== null) {
    lines.push(`${indent}#!${executable.shebang}`);
    lines.push(...describeExecutable('interpreter', executable.interpreter, indent).map((line) => `${indent}${line}`));
  }
  return lines;
}

function capabilityLine(executable: ExecutableReport): string {
  if (executable.fileCapabilitiesError !== null) return `unreadable: ${executable.fileCapabilitiesError}`;
  const capability = executable.fileCapabilities;
  if (capability === null) return 'none';
  const revision = capability.rootId === null ? `v${capability.revision}` : `v${capability.revision}, rootid ${capability.rootId}`;
  const honored = capability.honoredWithoutUserNamespace ? '' : ' — ignored by the kernel in a pod sharing the host user namespace';
  return `${capability.text} (${revision})${honored}`;
}
