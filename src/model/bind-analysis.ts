import type { BindAssessment, BindVerdict } from './bind-verdict';
import { assessBind } from './bind-verdict';
import type { ContainerType } from './containers';
import { listContainers } from './containers';
import type { ImageFactsLookup } from './image-facts';
import { asObject, objectField } from './json-value';
import type { PodNetwork } from './pod-network';
import { podNetwork } from './pod-network';
import type { PodInput } from './pod-security-types';
import type { PortDeclaration } from './ports';
import { listPorts } from './ports';
import type { RuntimeProfile } from './runtime-profile';
import { DEFAULT_RUNTIME_PROFILE } from './runtime-profile';
import type { EffectiveSecurityContext, PodSecurityDefaults } from './security-context';
import { effectiveSecurityContext } from './security-context';
import type { PortSource, ServiceTarget } from './undeclared-ports';
import { undeclaredPorts } from './undeclared-ports';

/** The verdict for one container port, declared or named by other evidence (see {@link PortSource}). */
export interface PortAnalysis {
  /**
   * The field path relative to the pod spec, e.g. `containers[0].ports[0]`; for a port the
   * container does not declare, the field that names it (`containers[0].livenessProbe.httpGet.port`)
   * or the container itself.
   */
  readonly path: string;
  /** The port's name, when it has one. */
  readonly name: string | undefined;
  /** `containerPort` as written (a number, or whatever wrong value the manifest holds). */
  readonly containerPort: unknown;
  /** `protocol` as written, `TCP` when omitted. */
  readonly protocol: string;
  /** Whether the process can bind it under the runtime profile. */
  readonly bind: BindVerdict;
  /** Why, in one sentence. */
  readonly reason: string;
  /**
   * `true` when it binds only because the profile's runtime lowers
   * `ip_unprivileged_port_start`: under `strict` it would not.
   */
  readonly bindsOnlyOnLoweringRuntimes: boolean;
  /** `true` when the verdict is `unknown` only because the container's image was not read. */
  readonly awaitsImage: boolean;
  /** Where the port comes from: `declared` in the container's `ports`, else the evidence that names it. */
  readonly source: PortSource;
  /** For a port not declared, what names it: `the Service web's targetPort`; `undefined` for a declared one. */
  readonly origin: string | undefined;
}

/** The model's view of one container. */
export interface ContainerAnalysis {
  /** The container's name (`containers[0]`-style when unnamed). */
  readonly name: string;
  /** Its kind of container. */
  readonly type: ContainerType;
  /** The field path relative to the pod spec. */
  readonly path: string;
  /** The merged security context and bounding set. */
  readonly securityContext: EffectiveSecurityContext;
  /** A verdict for every declared port, then for every port it listens on without declaring it. */
  readonly ports: readonly PortAnalysis[];
}

/** Bind verdicts for every container of a pod. */
export interface BindingAnalysis {
  /** The pod-wide network facts. */
  readonly network: PodNetwork;
  /** Every container, init containers first. */
  readonly containers: readonly ContainerAnalysis[];
}

/**
 * For every container and port of a pod: can its process bind it, and why. The ports are the
 * declared ones, then those its probes, `serviceTargets` (the numbers the Services selecting the
 * pod target) and its image's `ExposedPorts` name without a declaration ({@link undeclaredPorts}),
 * each judged the same way. Never throws: fields of the wrong type give `unknown` with the field
 * named.
 */
export function analyzeBinding(
  pod: PodInput,
  profile: RuntimeProfile = DEFAULT_RUNTIME_PROFILE,
  imageFacts?: ImageFactsLookup,
  serviceTargets: readonly ServiceTarget[] = [],
): BindingAnalysis {
  const spec = asObject(pod.spec);
  const defaults: PodSecurityDefaults = {
    podSecurityContext: objectField(spec, 'securityContext'),
    annotations: objectField(asObject(pod.metadata), 'annotations'),
  };
  const network = podNetwork(spec, profile);
  const strictNetwork = profile === DEFAULT_RUNTIME_PROFILE ? network : podNetwork(spec, DEFAULT_RUNTIME_PROFILE);
  const entries = listContainers(spec);
  const facts = entries.map((container) => imageFacts?.(container, spec));
  const declared = entries.map(listPorts);
  const undeclared = undeclaredPorts(entries, declared, facts, serviceTargets);
  const containers = entries.map((container, index): ContainerAnalysis => {
    const context = effectiveSecurityContext(container, defaults, profile.capabilityNames, facts[index], profile);
    const strictContext =
      profile === DEFAULT_RUNTIME_PROFILE
        ? context
        : effectiveSecurityContext(container, defaults, DEFAULT_RUNTIME_PROFILE.capabilityNames, facts[index], DEFAULT_RUNTIME_PROFILE);
    const judge = (port: JudgedPort, name: string | undefined, source: PortSource, origin: string | undefined): PortAnalysis => {
      const assessment = assessPort(port, context, network, profile);
      const strict = profile === DEFAULT_RUNTIME_PROFILE ? assessment : assessPort(port, strictContext, strictNetwork, DEFAULT_RUNTIME_PROFILE);
      return {
        path: port.path,
        name,
        containerPort: port.containerPort.state === 'valid' ? port.containerPort.value : port.containerPort.state === 'invalid' ? port.containerPort.raw : undefined,
        protocol: port.protocol,
        bind: assessment.bind,
        reason: assessment.reason,
        bindsOnlyOnLoweringRuntimes: assessment.bind === 'allowed' && strict.bind !== 'allowed',
        awaitsImage: assessment.awaitsImage === true,
        source,
        origin,
      };
    };
    const ports = [
      ...declared[index].map((port) => judge(port, port.name, 'declared', undefined)),
      ...undeclared[index].map((port) =>
        judge({ path: port.path, containerPort: { state: 'valid', value: port.containerPort }, protocol: port.protocol, invalid: undefined }, undefined, port.source, port.origin),
      ),
    ];
    return { name: container.name, type: container.type, path: container.path, securityContext: context, ports };
  });
  return { network, containers };
}

/** What a verdict is made from: a declaration, or an undeclared port read as a valid one. */
type JudgedPort = Pick<PortDeclaration, 'path' | 'containerPort' | 'protocol' | 'invalid'>;

function assessPort(port: JudgedPort, context: EffectiveSecurityContext, network: PodNetwork, profile: RuntimeProfile): BindAssessment {
  if (port.invalid !== undefined || port.containerPort.state !== 'valid') {
    return { bind: 'unknown', reason: `The API server rejects this port: ${port.invalid ?? 'containerPort is not valid'}.` };
  }
  const invalid = context.invalidFields[0];
  if (invalid !== undefined) {
    return {
      bind: 'unknown',
      reason: `The API server rejects this manifest: ${invalid.path} is ${invalid.found}, not ${invalid.expected}.`,
    };
  }
  return assessBind(port.containerPort.value, context, network, profile);
}
