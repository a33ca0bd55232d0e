/**
 * What the planner recommends when it refuses an intent. Every candidate is tried before it is
 * recommended: the intent with the candidate's change applied is planned again, and only a plan
 * that succeeds — verified by the capability model, every port binding under the strict runtime
 * profile at the level it declares — makes the candidate a remedy. So no recommendation of ours
 * leads into the trap this library exists to catch (a non-root `add: [NET_BIND_SERVICE]`).
 */
import type { BindStrategyKind } from './bind-strategy';
import { BindStrategy } from './bind-strategy';
import type { BindRemedy } from './bind-strategy-error';
import { formatKubernetesVersion, isAtLeast, UNPRIVILEGED_PORT_SYSCTL_SAFE_SINCE } from './kubernetes-version';
import type { PlanFacts } from './plan-facts';
import type { PrivilegedPortIntent } from './plan-privileged-port';
import { describePort, describePorts, highContainerPorts, isPrivilegedPort } from './port-requests';

/** What stands for the binary's path in a remedy when none was declared. */
export const BINARY_PLACEHOLDER = '/path/to/binary';

/** The intent with a remedy's change applied (a prop set to `undefined` is removed). */
export function withChange(intent: PrivilegedPortIntent, change: Partial<PrivilegedPortIntent>): PrivilegedPortIntent {
  return { ...intent, ...change };
}

/**
 * The remedies for a refused intent: the candidates for what failed whose change, applied to the
 * intent, `plans` (the planner itself, without remedies of its own) accepts.
 */
export function remediesFor(
  intent: PrivilegedPortIntent,
  facts: PlanFacts,
  failed: BindStrategyKind,
  plans: (intent: PrivilegedPortIntent) => boolean,
): BindRemedy[] {
  return candidates(facts, failed).filter((remedy) => plans(withChange(intent, remedy.change)));
}

function candidates(facts: PlanFacts, failed: BindStrategyKind): BindRemedy[] {
  const privileged = facts.ports.filter((request) => isPrivilegedPort(request.port));
  return [
    ...hostNetworkRemedies(facts),
    ...(facts.declaredCapabilityContradicted
      ? [{ text: `remove ${facts.propName('imageHasFileCapability')}, which the image contradicts`, change: { imageHasFileCapability: undefined } }]
      : []),
    ...(failed !== 'highPort' && privileged.length > 0 ? highPortRemedies(facts) : []),
    ...(privileged.length > 0 ? sysctlRemedies(facts, failed) : []),
    ...fileCapabilityRemedies(facts, failed),
    ...rootRemedies(facts, failed),
  ];
}

function hostNetworkRemedies(facts: PlanFacts): BindRemedy[] {
  if (!facts.hostNetwork || facts.level === 'privileged') return [];
  return [
    { text: "drop hostNetwork (a hostNetwork pod fails baseline's host_namespaces check whatever else it does)", change: { hostNetwork: false } },
    { text: "declare level: 'privileged' (the only level a hostNetwork pod meets)", change: { level: 'privileged' } },
  ];
}

function highPortRemedies(facts: PlanFacts): BindRemedy[] {
  const privileged = describePorts(facts.ports.filter((request) => isPrivilegedPort(request.port)));
  if (!facts.containerPortsFixed) {
    return [
      {
        text:
          `BindStrategy.highPort({ containerPort }): make the application listen on a port ≥ 1024 and let the Service map ${privileged} to it ` +
          '(restricted, no privilege at all; appPortConfigurable: true lets auto choose it)',
        change: { strategy: BindStrategy.highPort() },
      },
    ];
  }
  // The container's ports are its own: the remedy is to declare the high ports there instead.
  let moved: number[];
  try {
    moved = highContainerPorts(facts.caller, facts.ports, undefined);
  } catch {
    return [];
  }
  const ports = facts.ports.map((request, index) => ({ port: moved[index], protocol: request.protocol }));
  const mapping = facts.ports.flatMap((request, index) => (moved[index] === request.port ? [] : [`${describePort(request)} → ${moved[index]}`])).join(', ');
  return [
    {
      text: `make the application listen on ports ≥ 1024 and declare those on the container instead (${mapping}), with a Service that maps the privileged ports to them`,
      change: { port: undefined, protocol: undefined, portName: undefined, containerPort: undefined, ports, strategy: BindStrategy.auto() },
    },
  ];
}

function sysctlRemedies(facts: PlanFacts, failed: BindStrategyKind): BindRemedy[] {
  const old = !isAtLeast(facts.kubernetes, UNPRIVILEGED_PORT_SYSCTL_SAFE_SINCE);
  const since = formatKubernetesVersion(UNPRIVILEGED_PORT_SYSCTL_SAFE_SINCE);
  const newer = `declare ${facts.propName('minKubernetesVersion')}: '${since}' if every cluster runs Kubernetes ≥ ${since}`;
  if (failed === 'unprivilegedPortSysctl') {
    return old ? [{ text: newer, change: { minKubernetesVersion: since } }] : [];
  }
  return [
    {
      text: `BindStrategy.unprivilegedPortSysctl() (restricted, no capability and no image change${old ? `; ${newer}` : ''})`,
      change: { strategy: BindStrategy.unprivilegedPortSysctl(), ...(old ? { minKubernetesVersion: since } : {}) },
    },
  ];
}

function fileCapabilityRemedies(facts: PlanFacts, failed: BindStrategyKind): BindRemedy[] {
  if (facts.imageLacksCapability !== undefined && facts.imageCheck !== undefined) {
    return [
      {
        text: `add those Dockerfile lines to the image's final stage and read the rebuilt image again (${facts.propName('imageInspection')})`,
        change: { imageInspection: undefined, imageHasFileCapability: true, binary: facts.imageCheck.binary },
      },
    ];
  }
  if (failed === 'fileCapability') return [];
  if (facts.imageHasFileCapability && facts.binary === undefined) {
    return failed === 'auto'
      ? []
      : [{ text: "BindStrategy.auto(), which keeps NET_BIND_SERVICE for the file capability the image's binary carries (restricted)", change: { strategy: BindStrategy.auto() } }];
  }
  const binary = facts.binary ?? BINARY_PLACEHOLDER;
  const text = facts.imageHasFileCapability
    ? `BindStrategy.fileCapability({ binary: '${binary}' }) (restricted: the image's binary already carries the capability)`
    : facts.binary !== undefined
      ? `BindStrategy.fileCapability({ binary: '${binary}' }) (restricted; setcap it in the image's final stage: the plan's Dockerfile lines)`
      : "BindStrategy.fileCapability({ binary }) with the path of the program that listens (restricted; setcap it in the image's final stage: the plan's Dockerfile lines)";
  return [{ text, change: { strategy: BindStrategy.fileCapability({ binary, imageBase: facts.imageBase }) } }];
}

function rootRemedies(facts: PlanFacts, failed: BindStrategyKind): BindRemedy[] {
  const restricted = facts.level === 'restricted';
  const uid = facts.contradictsRoot;
  const removeUid = uid === undefined ? undefined : `remove ${facts.propName('runAsUser')} (${uid}): this strategy runs the binding container as uid 0`;
  const change: Partial<PrivilegedPortIntent> = {
    ...(failed !== 'rootWithNetBindService' ? { strategy: BindStrategy.rootWithNetBindService() } : {}),
    ...(restricted ? { level: 'baseline' as const } : {}),
    ...(uid !== undefined ? { runAsUser: undefined } : {}),
  };
  if (Object.keys(change).length === 0) return [];
  const steps = [restricted ? "declare level: 'baseline' (uid 0 meets baseline at most)" : undefined, removeUid].filter((step) => step !== undefined);
  const text =
    failed !== 'rootWithNetBindService'
      ? `BindStrategy.rootWithNetBindService() (uid 0 with only NET_BIND_SERVICE${steps.length > 0 ? `; ${steps.join('; ')}` : ', baseline'})`
      : steps.join(', and ');
  return [{ text, change }];
}
