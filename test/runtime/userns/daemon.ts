/**
 * containerd 2.x for the user-namespace proof: the binaries test/runtime/userns/setup.sh
 * builds from the Go module proxy (containerd, its runc shim, runc), started by the harness's
 * own `Containerd` (containerd.ts) with them first on its PATH — a private root, state, socket
 * and CNI configuration under test/.work/runtime/userns/containerd-<profile>[-jest<worker>]/,
 * inside a network namespace of its own, with the harness's very configuration (schema
 * version 2, which containerd 2.x migrates on start). The probe image is imported with
 * Debian's `ctr` 1.6, which speaks containerd 2.x's image API (observed).
 */
import { execFileSync } from 'node:child_process';
import { existsSync, realpathSync } from 'node:fs';
import { release } from 'node:os';
import { join } from 'node:path';
import type { RuntimeProfile } from '../containerd';
import { Containerd } from '../containerd';
import { runtimeWorkDir } from '../paths';

/** The binaries setup.sh builds; the test needs every one. */
const BINARIES = ['containerd', 'containerd-shim-runc-v2', 'runc'] as const;

/** test/.work/runtime/userns: the built binaries and the daemons' directories. */
export function usernsWorkDir(): string {
  return join(runtimeWorkDir(), 'userns');
}

/** The directory of the binaries the test runs (setup.sh's `current` link). */
export function usernsBinDir(): string {
  return join(usernsWorkDir(), 'current');
}

/** `true` when setup.sh has built every binary, else what is missing. */
export function usernsBinariesAvailability(): true | string {
  const missing = BINARIES.filter((binary) => !existsSync(join(usernsBinDir(), binary)));
  return missing.length === 0 ? true : `containerd 2.x is not built (${missing.join(', ')} missing in ${usernsBinDir()}): run test/runtime/userns/setup.sh`;
}

/** What the proof ran on: versions as the binaries and the kernel report them. */
export interface UsernsStack {
  /** `containerd --version`'s version field, e.g. `2.2.9+unknown`. */
  readonly containerd: string;
  /** `runc --version`'s first line's version, e.g. `1.3.7`. */
  readonly runc: string;
  /** `uname -r`. */
  readonly kernel: string;
  /** The directory the binaries were run from (setup.sh's build of one version pair). */
  readonly binDir: string;
}

/** The versions of the built binaries and of the running kernel. */
export function usernsStack(): UsernsStack {
  const bin = usernsBinDir();
  const containerd = execFileSync(join(bin, 'containerd'), ['--version'], { encoding: 'utf8' }).trim().split(/\s+/)[2] ?? '?';
  const runc = /runc version (\S+)/.exec(execFileSync(join(bin, 'runc'), ['--version'], { encoding: 'utf8' }))?.[1] ?? '?';
  return { containerd, runc, kernel: release(), binDir: realpathSync(bin) };
}

/** `[major, minor]` of a version such as `2.2.9+unknown` or `v2.4.2`. */
export function majorMinor(version: string): [number, number] {
  const match = /^v?(\d+)\.(\d+)/.exec(version);
  if (!match) throw new Error(`userns: not a version: ${version}`);
  return [Number(match[1]), Number(match[2])];
}

/** Starts the built containerd 2.x for `profile` as the harness starts 1.6, with its directories under {@link usernsWorkDir}. */
export function startUsernsContainerd(profile: RuntimeProfile): Promise<Containerd> {
  return Containerd.start(profile, { binDir: realpathSync(usernsBinDir()), workDir: usernsWorkDir() });
}
