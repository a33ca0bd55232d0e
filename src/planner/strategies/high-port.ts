/**
 * The high-port strategy: the application listens on an unprivileged port as non-root with no
 * capability at all, and the Service maps the privileged port to it. Restricted; the
 * application's port must be configurable.
 */
import { imageCapabilityConflict } from './file-capability';
import type { StrategyDefinition } from './strategy-definition';
import { KERNEL_DEFAULT_UNPRIVILEGED_PORT_START } from '../../model/runtime-profile';
import { BindStrategy } from '../bind-strategy';
import type { BindRemedy } from '../bind-strategy-error';
import type { PlanFacts } from '../plan-facts';
import { describePort, describePorts, highContainerPorts, isPrivilegedPort } from '../port-requests';

/** The high-port strategy (`BindStrategy.highPort({ containerPort })`). */
export const highPort: StrategyDefinition<'highPort'> = {
  kind: 'highPort',
  runsAsRoot: false,
  summary: 'the application listens on an unprivileged port as non-root with no capability; the Service maps the privileged port to it.',
  maxLevel: () => ({ level: 'restricted' }),
  obstacle: (facts, explicit) => {
    if (facts.imageHasFileCapability) return imageCapabilityConflict(facts);
    const privileged = facts.ports.filter((request) => isPrivilegedPort(request.port));
    if (privileged.length > 0 && facts.containerPortsFixed) {
      return (
        `${facts.caller} cannot move the ports of the containers it is given (${describePorts(privileged)}): the application must listen on a port ≥ ` +
        `${KERNEL_DEFAULT_UNPRIVILEGED_PORT_START}, the container declare that port, and a Service map the privileged port to it`
      );
    }
    if (!explicit && !facts.appPortConfigurable && privileged.length > 0) return "the application's port is not declared configurable (appPortConfigurable)";
    return undefined;
  },
  autoReason: (facts) => {
    if (facts.lowestPrivileged === undefined) {
      const one = facts.ports.length === 1;
      return (
        `${one ? `Port ${facts.ports[0].port}` : capitalized(describePorts(facts.ports))} ${one ? 'is' : 'are'} not privileged ` +
        `(≥ ${KERNEL_DEFAULT_UNPRIVILEGED_PORT_START}): a non-root process with no capability binds ${one ? 'it' : 'them'}.`
      );
    }
    return (
      `The application's port is configurable: it listens on an unprivileged port as non-root with no capability and the Service maps ${mappedPorts(facts)} to it — ` +
      'no privilege at all, no pod-wide change, the same on every runtime and Kubernetes version.'
    );
  },
  render: (base, facts) => ({ ...base, containerPorts: highContainerPorts(facts.caller, facts.ports, facts.preferredHighPort) }),
  remedies: (facts, failed) => (failed !== 'highPort' && facts.lowestPrivileged !== undefined ? highPortRemedies(facts) : []),
};

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

/** The ports a high-port Service maps, as the reason names them: `80`, or `53/UDP and 53/TCP`. */
function mappedPorts(facts: PlanFacts): string {
  return facts.ports.length === 1 ? String(facts.ports[0].port) : describePorts(facts.ports).replace(/^ports /, '');
}

function capitalized(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}
