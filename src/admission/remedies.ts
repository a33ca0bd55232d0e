/**
 * The fixes the policy's messages name for a port that cannot bind, as CEL string expressions: only
 * changes after which the model says the port binds, and only those the Pod Security level allows.
 * Each starts with a fixed phrase (its marker), by which the tests find it in a message and check
 * it with the model (test/admission/remedies.test.ts).
 */
import { celString } from './cel-text';
import { FILE_CAPABILITIES_ANNOTATION_PREFIX } from '../model/file-capabilities';
import { UNPRIVILEGED_PORT_START_SYSCTL } from '../model/pod-network';
import type { PodSecurityLevel } from '../model/pod-security-types';

/** The fixed phrase each fix starts with. */
export const REMEDY_MARKERS = {
  /** Keep NET_BIND_SERVICE in the bounding set (a process running as uid 0 then has it). */
  restoreCapability: 'keep NET_BIND_SERVICE in the bounding set',
  /** A file capability on the binary, declared with the annotation, and NET_BIND_SERVICE kept in the bounding set. */
  fileCapability: 'give the binary the file capability cap_net_bind_service=+ep',
  /** The pod sysctl at the port. */
  sysctl: `set the pod sysctl ${UNPRIVILEGED_PORT_START_SYSCTL} to `,
  /** A port at or above the start, mapped by a Service. */
  highPort: 'listen on a port ≥ ',
  /** uid 0 with only NET_BIND_SERVICE (Pod Security baseline). */
  root: 'run as uid 0 with capabilities drop [ALL] and add [NET_BIND_SERVICE]',
} as const;

/** Which fix a remedy is. */
export type RemedyKind = keyof typeof REMEDY_MARKERS;

/** What the fixes of one port may depend on, as CEL expressions bound by the caller. */
export interface RemedyContext {
  /** The container's name. */
  readonly container: string;
  /** Whether the container has a file-capability annotation (the root fix then could fail exec: it is not offered). */
  readonly hasAnnotation: string;
}

/** The `{port}` placeholder each message replaces with the port's number. */
export const PORT_PLACEHOLDER = '{port}';

function fix(kind: RemedyKind, rest: string): string {
  return `${celString(REMEDY_MARKERS[kind])} + ${rest}`;
}

/** The fix that keeps NET_BIND_SERVICE in the bounding set: the whole fix for uid 0. */
export function restoreCapability(): string {
  return fix('restoreCapability', celString(': add it to capabilities.add, and remove it from capabilities.drop if it is listed there'));
}

/** The file-capability fix, for a process that is not root. */
export function fileCapability(context: RemedyContext): string {
  return fix(
    'fileCapability',
    `' (setcap in the image), declare it with the annotation ${FILE_CAPABILITIES_ANNOTATION_PREFIX}' + ${context.container} + ` +
      celString(': cap_net_bind_service=+ep, and keep NET_BIND_SERVICE in capabilities.add (not in capabilities.drop)'),
  );
}

/** The sysctl fix, offered only without hostNetwork (the kubelet refuses the sysctl there). */
export function sysctl(): string {
  return `(variables.hostNetwork ? '' : ${fix('sysctl', `${celString(`${PORT_PLACEHOLDER} (pod-wide: every container may then bind from there up)`)} + '; or '`)})`;
}

/** The high-port fix: at or above the pod's start, with the Service mapping the privileged port to it. */
export function highPort(): string {
  return fix('highPort', `string(variables.portStart) + ${celString(` and let the Service map port ${PORT_PLACEHOLDER} to it`)}`);
}

/** The root fix, offered below restricted and only to a container without a file-capability annotation. */
export function root(level: PodSecurityLevel, context: RemedyContext): string {
  if (level === 'restricted') return "''";
  return `(${context.hasAnnotation} ? '' : '; or ' + ${fix('root', celString(', without runAsNonRoot (Pod Security baseline, not restricted)'))})`;
}

/** The fixes for a port below the start that the process cannot bind, joined: `fix; or fix; or fix`. */
export function bindFixes(kind: 'root-needs-capability' | 'needs-file-capability' | 'user-unknown', level: PodSecurityLevel, context: RemedyContext): string {
  switch (kind) {
    case 'root-needs-capability':
      return `${restoreCapability()} + '; or ' + ${sysctl()} + ${highPort()}`;
    case 'needs-file-capability':
      return `${fileCapability(context)} + '; or ' + ${sysctl()} + ${highPort()} + ${root(level, context)}`;
    case 'user-unknown':
      return `${sysctl()} + ${highPort()} + '; or ' + ${fileCapability(context)} + ${root(level, context)}`;
  }
}
