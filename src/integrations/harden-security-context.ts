/**
 * The hardening (src/check/security-context-hardening.ts) as the Pulumi pack applies it: the
 * unknown values of a preview keep their pod or container from being judged, and a remediation
 * returns the properties as received (unknown sentinels and `Secret` wrappers kept).
 */
import type { KubernetesResource } from './kubernetes-resource';
import { rawCopy, unknownScope } from './pulumi-properties';
import type { CheckOptions, ObjectCheck } from '../check/check-object';
import type { HardeningInput, SecurityContextChange } from '../check/security-context-hardening';
import { hardenSecurityContext, withChanges } from '../check/security-context-hardening';

/** The hardening of a resource whose check is `check`, its unknown values left alone. */
export function hardenResource(resource: KubernetesResource, check: ObjectCheck, options: CheckOptions): SecurityContextChange[] {
  return hardenSecurityContext({ object: resource.object, unseen: unseenOf(resource), secretPaths: resource.secretPaths, check }, options);
}

type Unseen = HardeningInput['unseen'];

const NOTHING_UNSEEN: Unseen = Object.freeze({ pod: false, containers: Object.freeze([]) });

/** What the resource's unknown values keep from being judged. */
function unseenOf(resource: KubernetesResource): Unseen {
  const pod = resource.object.pod;
  // Most resources hold no unknown value (every one but a preview's).
  if (pod === undefined || resource.unknownPaths.length === 0) return NOTHING_UNSEEN;
  const scopes = resource.unknownPaths.map((path) => unknownScope(pod, path));
  return {
    pod: scopes.some((scope) => scope.kind === 'pod'),
    containers: scopes.flatMap((scope) => (scope.kind === 'container' ? [scope.containerPath] : [])),
  };
}

/**
 * The properties as received (with unknown sentinels and `Secret` wrappers, which the engine
 * must get back unchanged) with the changes applied to a copy: what a remediation returns.
 */
export function hardenedProperties(rawProperties: unknown, changes: readonly SecurityContextChange[]): Record<string, unknown> {
  return withChanges(rawCopy(rawProperties), changes) as Record<string, unknown>;
}

