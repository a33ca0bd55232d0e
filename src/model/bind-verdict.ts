import { canonicalCapabilityName, isAllCapabilities, NET_BIND_SERVICE } from './capabilities';
import { describeFileCapabilities } from './file-capabilities';
import type { PodNetwork, UnprivilegedPortStart } from './pod-network';
import { UNPRIVILEGED_PORT_START_SYSCTL } from './pod-network';
import type { RuntimeProfile } from './runtime-profile';
import { LOWERING_RUNTIMES } from './runtime-profile';
import type { EffectiveSecurityContext, EffectiveUser } from './security-context';

/** Whether the container's process can bind a port. */
export type BindVerdict = 'allowed' | 'denied' | 'unknown';

/** A bind verdict with the one sentence that explains it. */
export interface BindAssessment {
  /** The verdict. */
  readonly bind: BindVerdict;
  /** Why, in words a person acts on. */
  readonly reason: string;
  /** `true` when the verdict is `unknown` only because the container's image was not read: reading it decides. */
  readonly awaitsImage?: true;
}

/**
 * Why the container's binary is never executed or the container never starts, if so;
 * then no port binds, whatever its number. `profile` (default: Linux's exec) decides whether
 * no_new_privs leaves the binary's file capabilities to be checked at all.
 */
export function startFailure(context: EffectiveSecurityContext, network: PodNetwork, profile?: RuntimeProfile): string | undefined {
  if (network.unprivilegedPortStart.state === 'pod-fails') return network.unprivilegedPortStart.reason;
  if (context.apiServerRejection !== undefined) return context.apiServerRejection;
  if (context.kubeletRefusal !== undefined) return context.kubeletRefusal;
  if (context.imageStartFailure !== undefined) return context.imageStartFailure;
  const fileCapabilities = fileCapabilitiesAtExec(context, profile);
  if (fileCapabilities?.effective) {
    // security/commoncap.c bprm_caps_from_vfs_caps: with the file's effective bit set, exec
    // fails with EPERM unless every file-permitted capability survives the bounding set.
    const missing = [...fileCapabilities.permitted].filter((name) => !context.boundingSet.has(name));
    if (missing.length > 0) {
      return (
        `exec of its binary fails with EPERM: the file capability (${describeFileCapabilities(fileCapabilities)}) needs ` +
        `${missing.map((name) => `CAP_${name}`).join(', ')} in the bounding set, which the securityContext removes; ` +
        missing.map((name) => restoring(context, name)).join('; ')
      );
    }
  }
  return undefined;
}

/**
 * Whether the container's process can bind `port` (capabilities(7): a port below
 * `ip_unprivileged_port_start` needs CAP_NET_BIND_SERVICE in the effective set; the same
 * for TCP, UDP and SCTP). `port` is a valid port number and the manifest's fields are
 * of valid types; the caller answers `unknown` otherwise.
 */
export function assessBind(port: number, context: EffectiveSecurityContext, network: PodNetwork, profile: RuntimeProfile): BindAssessment {
  if (network.windows) return { bind: 'allowed', reason: 'Windows has no privileged port range: Linux capabilities do not apply.' };
  const failure = startFailure(context, network, profile);
  if (failure !== undefined) return { bind: 'denied', reason: `The container cannot bind port ${port}: ${failure}.` };
  const start = network.unprivilegedPortStart;
  if (start.state === 'unknown' || start.state === 'pod-fails') return { bind: 'unknown', reason: `${start.reason}.` };
  if (profile.privilegedPorts === 'unchecked') return { bind: 'allowed', reason: uncheckedPortReason(port, context, profile) };
  if (port >= start.value) return { bind: 'allowed', reason: unprivilegedPortReason(port, start, profile) };
  const portability =
    start.source === 'kernel-default'
      ? ` (It binds on runtimes that lower the start to 0 — ${LOWERING_RUNTIMES} — but not on containerd 1.x or CRI-O; set the sysctl to make that portable.)`
      : '';
  return withSuffix(privilegedPortAssessment(port, start.value, context, network), portability);
}

/**
 * The file capabilities exec applies: none under no_new_privs on a runtime that ignores them
 * there (gVisor since release-20260615.0, pkg/sentry/kernel/auth/capability_set.go
 * ComputeCredsForExec: `if noNewPrivs { f.HasCaps = false }`; observed, docs/verification.md).
 */
function fileCapabilitiesAtExec(context: EffectiveSecurityContext, profile: RuntimeProfile | undefined): EffectiveSecurityContext['fileCapabilities'] {
  const ignored = profile?.fileCapabilitiesUnderNoNewPrivs === 'ignored' && context.allowPrivilegeEscalation === false;
  return ignored ? undefined : context.fileCapabilities;
}

/**
 * A bind on a runtime whose own network stack checks no privileged port (gVisor's netstack:
 * pkg/sentry/socket/netstack Bind checks no capability; observed, docs/verification.md).
 */
function uncheckedPortReason(port: number, context: EffectiveSecurityContext, profile: RuntimeProfile): string {
  const ignoredFileCapability =
    context.fileCapabilities !== undefined && fileCapabilitiesAtExec(context, profile) === undefined
      ? ` Under no_new_privs (allowPrivilegeEscalation: false) ${profile.name} ignores the binary's file capability (${describeFileCapabilities(context.fileCapabilities)}), ` +
        'so the process holds no capability after exec (gvisor#14878); binding does not need one there.'
      : '';
  return `Any uid binds port ${port} on ${profile.name} (${profile.describes}): no capability is needed, and the pod's ${UNPRIVILEGED_PORT_START_SYSCTL} is not read.${ignoredFileCapability}`;
}

function withSuffix(assessment: BindAssessment, suffix: string): BindAssessment {
  return assessment.bind === 'denied' && suffix !== '' ? { ...assessment, reason: assessment.reason + suffix } : assessment;
}

function unprivilegedPortReason(port: number, start: UnprivilegedPortStart & { state: 'known' }, profile: RuntimeProfile): string {
  switch (start.source) {
    case 'sysctl':
      return `Port ${port} ≥ ${UNPRIVILEGED_PORT_START_SYSCTL}=${start.value}, set by the pod's sysctl: any uid binds it without a capability.`;
    case 'runtime':
      return `Any uid binds port ${port} only because the runtime (${profile.name}: ${profile.describes}) sets ${UNPRIVILEGED_PORT_START_SYSCTL}=${start.value} in the pod's network namespace; containerd 1.x and CRI-O do not.`;
    case 'node':
      return `Port ${port} ≥ ${start.value}, the node's default ${UNPRIVILEGED_PORT_START_SYSCTL} (hostNetwork): any uid binds it.`;
    case 'kernel-default':
      return `Port ${port} is not privileged (≥ ${start.value}): any uid binds it without a capability.`;
  }
}

function describeUser(user: EffectiveUser): string {
  switch (user.kind) {
    case 'root':
      return user.image === undefined ? 'uid 0' : `uid 0 (${user.image})`;
    case 'non-root':
      return user.image === undefined ? `uid ${user.uid}` : `uid ${user.uid} (${user.image})`;
    case 'non-root-from-image':
      return "the image's non-root user (runAsNonRoot)";
    case 'from-image':
      return "the image's user";
  }
}

/**
 * The process, for messages: in a pod with its own user namespace, its uid is the one inside,
 * which the node sees as another (KEP-127), so the reason says which namespace it counts in.
 */
function describeProcess(user: EffectiveUser, network: PodNetwork): string {
  return network.ownUserNamespace === true ? `${describeUser(user)} inside the pod's own user namespace (hostUsers: false)` : describeUser(user);
}

function privilegedPortAssessment(port: number, start: number, context: EffectiveSecurityContext, network: PodNetwork): BindAssessment {
  const needs = `Port ${port} < ${start} needs CAP_NET_BIND_SERVICE`;
  if (!context.boundingSet.has(NET_BIND_SERVICE)) {
    return { bind: 'denied', reason: `${needs}, which is not in the container's bounding set${boundingSetCause(context)}.` };
  }
  const user = context.user;
  const who = describeProcess(user, network);
  if (user.kind === 'root') {
    // The runtime creates the pod's network namespace inside the pod's user namespace, so a
    // capability held there counts for binds in that network namespace (ns_capable on the network
    // namespace's owning user namespace, net/ipv4/af_inet.c __inet_bind), and nowhere else.
    const where =
      network.ownUserNamespace === true
        ? ", an unprivileged uid on the node, keeps its bounding set on exec, and the set includes it; its capabilities count in the pod's own network namespace, which that user namespace owns, and nowhere on the node."
        : ' keeps its bounding set on exec, and the set includes it.';
    return { bind: 'allowed', reason: `${needs}: ${who}${where}` };
  }
  if (context.fileCapabilitiesSource !== 'image' && context.fileCapabilitiesError !== undefined) {
    return { bind: 'unknown', reason: `${needs}: whether ${who} gains it depends on the binary's file capability, and its annotation cannot be read: ${context.fileCapabilitiesError}.` };
  }
  const fileCapabilities = context.fileCapabilities;
  if (fileCapabilities?.permitted.has(NET_BIND_SERVICE)) {
    if (!fileCapabilities.effective) {
      return {
        bind: 'unknown',
        reason: `${needs}: the binary's file capability (${describeFileCapabilities(fileCapabilities)}) puts it in the permitted set only, without +e; it binds only if the program raises it itself.`,
      };
    }
    const noNewPrivs =
      context.allowPrivilegeEscalation === false
        ? ' no_new_privs (allowPrivilegeEscalation: false) does not stop it, because the runtime already put the capability in the permitted set.'
        : '';
    return {
      bind: 'allowed',
      reason: `${needs}: ${who} gains it on exec from the binary's file capability (${describeFileCapabilities(fileCapabilities)}), which the bounding set allows.${noNewPrivs}`,
    };
  }
  const unread = context.unreadImage;
  const guessed = context.fileCapabilitiesSource === 'image' ? context.imageFacts?.binary : undefined;
  if (guessed?.assumed === true) {
    return {
      bind: 'unknown',
      reason:
        `${needs}: ${who} has it after exec only if the program that listens carries the file capability cap_net_bind_service=+ep; ` +
        `the container starts a script, and ${guessed.path} (${guessed.note ?? 'a guess'}) has none — the script may run another program. ` +
        'Declare the listening binary\'s file capability with the annotation, or start the program directly.',
    };
  }
  if (user.kind === 'from-image') {
    const question = unread === undefined ? '' : ` Which uid ${unread.image} runs as is not known: ${unread.why}.`;
    return {
      bind: 'unknown',
      reason: `${needs}: the uid comes from the image's USER — as root it binds, as non-root it cannot; set runAsUser (and runAsNonRoot) to decide.${question}`,
      ...(unread === undefined ? {} : { awaitsImage: true as const }),
    };
  }
  if (unread !== undefined && context.fileCapabilitiesSource === undefined) {
    return {
      bind: 'unknown',
      reason:
        `${needs}: ${who} has it after exec only if ${unread.binary} in ${unread.image} carries the file capability cap_net_bind_service=+ep ` +
        `(Kubernetes sets no ambient capabilities); ${unread.why}.`,
      awaitsImage: true,
    };
  }
  return {
    bind: 'denied',
    reason:
      `${needs}: ${who} has none after exec, because Kubernetes sets no ambient capabilities (kubernetes#56374), so capabilities.add does not reach a non-root process; ` +
      `give the binary a file capability (setcap cap_net_bind_service=+ep), listen on a port ≥ 1024, or set the pod sysctl ${UNPRIVILEGED_PORT_START_SYSCTL}=${port}.`,
  };
}

function boundingSetCause(context: EffectiveSecurityContext): string {
  const prefixed = context.ineffectiveAdds.filter((name) => name.toUpperCase() === `CAP_${NET_BIND_SERVICE}`);
  const cause = prefixed.length > 0
    ? `add: [${prefixed[0]}] grants nothing on containerd, which reads it as CAP_${prefixed[0].toUpperCase()}; write NET_BIND_SERVICE`
    : `capabilities.drop removes it; ${restoring(context, NET_BIND_SERVICE)}`;
  return ` (${cause}${addingIsEnough(context)})`;
}

/**
 * How to keep `capability` in the bounding set: the runtime applies the named adds before the named
 * drops (containerd's WithCapabilities), so a drop that names it wins over any add and must go; after
 * `drop: [ALL]` it must be added.
 */
function restoring(context: EffectiveSecurityContext, capability: string): string {
  const namedDrops = context.drop.filter((name) => !isAllCapabilities(name) && canonicalCapabilityName(name) === capability);
  const dropsAll = context.drop.some(isAllCapabilities);
  const steps = [
    ...(namedDrops.length > 0 ? [`remove ${namedDrops.join(', ')} from capabilities.drop`] : []),
    ...(dropsAll || namedDrops.length === 0 ? [`add ${capability} to capabilities.add`] : []),
  ];
  return steps.join(' and ');
}

/**
 * What adding NET_BIND_SERVICE achieves for this process: for root, or a binary whose file capability
 * raises it, binding; for a non-root process without one, nothing (Kubernetes sets no ambient
 * capabilities), so the advice names what must come with it. Never advice the model itself denies.
 */
function addingIsEnough(context: EffectiveSecurityContext): string {
  const file = context.fileCapabilities;
  if (context.user.kind === 'root' || (file?.permitted.has(NET_BIND_SERVICE) === true && file.effective)) return '';
  const alternatives =
    'also give the binary the file capability (setcap cap_net_bind_service=+ep), or instead set the pod sysctl ' +
    `${UNPRIVILEGED_PORT_START_SYSCTL} to the port (not with hostNetwork), or listen on a port ≥ 1024`;
  return context.user.kind === 'from-image'
    ? `, which is enough only if the image's user is root; for a non-root user, ${alternatives}`
    : `, which alone is not enough for ${describeUser(context.user)}: Kubernetes sets no ambient capabilities, so ${alternatives}`;
}
