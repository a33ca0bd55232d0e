/**
 * The file-capability strategy: non-root; the image gives the binary `cap_net_bind_service=+ep`
 * (the plan carries the Dockerfile lines) and the container keeps NET_BIND_SERVICE, and nothing
 * else, in its bounding set. Restricted.
 */
import type { StrategyDefinition } from './strategy-definition';
import { netBindServiceOnly } from './strategy-definition';
import { FILE_CAPABILITIES_ANNOTATION_PREFIX } from '../../model/file-capabilities';
import type { BindStrategyKind } from '../bind-strategy';
import { BindStrategy } from '../bind-strategy';
import type { BindRemedy } from '../bind-strategy-error';
import { fileCapabilityDockerfileLines, NET_BIND_SERVICE_FILE_CAPABILITY } from '../dockerfile';
import type { PlanFacts } from '../plan-facts';
import { describePorts } from '../port-requests';

/** What stands for the binary's path in a remedy when none was declared. */
export const BINARY_PLACEHOLDER = '/path/to/binary';

/** The file-capability strategy (`BindStrategy.fileCapability({ binary })`). */
export const fileCapability: StrategyDefinition<'fileCapability'> = {
  kind: 'fileCapability',
  runsAsRoot: false,
  summary: 'non-root; the binary has cap_net_bind_service=+ep and the bounding set keeps only NET_BIND_SERVICE.',
  maxLevel: () => ({ level: 'restricted' }),
  obstacle: (facts) => {
    if (facts.imageLacksCapability !== undefined) return facts.imageLacksCapability;
    if (!facts.imageHasFileCapability && facts.binary === undefined) return 'the binary to setcap is not known (give binary, or BindStrategy.fileCapability({ binary }))';
    return undefined;
  },
  autoReason: (facts, passedOver) => {
    // An image's capped binary rules out every strategy that drops NET_BIND_SERVICE (their obstacle), so this comes first then.
    if (facts.imageHasFileCapability) {
      return (
        "The image's binary carries cap_net_bind_service=+ep, so the container must keep NET_BIND_SERVICE in its bounding set (restricted allows exactly that add) or its exec fails with EPERM; " +
        `non-root, it gains the capability on exec and binds ${describePorts(facts.ports)}.`
      );
    }
    const sysctl = passedOver.find((strategy) => strategy.kind === 'unprivilegedPortSysctl');
    return (
      `The port is fixed and the sysctl is not available (${sysctl?.why ?? 'not at this level'}): the image gives ${facts.binary} the file capability cap_net_bind_service=+ep ` +
      '(see the Dockerfile lines) and the container keeps only NET_BIND_SERVICE in its bounding set.'
    );
  },
  render: (base, facts) => {
    const { binary, imageBase, runAsUser, runAsGroup } = facts;
    return {
      ...base,
      containerSecurityContext: { ...base.containerSecurityContext, capabilities: netBindServiceOnly() },
      podAnnotations: { ...base.podAnnotations, [`${FILE_CAPABILITIES_ANNOTATION_PREFIX}${facts.containerName}`]: NET_BIND_SERVICE_FILE_CAPABILITY },
      // An image whose binary carries the capability already needs no line.
      dockerfileLines:
        binary !== undefined && !facts.imageHasFileCapability ? fileCapabilityDockerfileLines({ binary, imageBase, runAsUser, runAsGroup }) : [],
    };
  },
  remedies: (facts, failed) => fileCapabilityRemedies(facts, failed),
};

/**
 * Why a strategy that drops NET_BIND_SERVICE breaks the image's binary: it carries the file
 * capability, and its exec fails with EPERM when the bounding set lacks it.
 */
export function imageCapabilityConflict(facts: PlanFacts): string {
  const carrier =
    facts.imageCheck?.hasNetBindService === true
      ? `${facts.imageCheck.binary} in the image ${facts.imageCheck.image} carries ${facts.imageCheck.found}`
      : "the image's binary carries cap_net_bind_service=+ep (imageHasFileCapability)";
  return `${carrier}, and with drop [ALL] and no NET_BIND_SERVICE in the bounding set its exec fails with EPERM`;
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
