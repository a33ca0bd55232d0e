import type { BindingAnalysis } from './bind-analysis';
import { analyzeBinding } from './bind-analysis';
import type { ImageFactsLookup } from './image-facts';
import type { PodInput, PodSecurityEvaluation } from './pod-security-types';
import { evaluatePodSecurity } from './pss';
import type { RuntimeProfile, RuntimeProfileName } from './runtime-profile';
import { DEFAULT_RUNTIME_PROFILE, findRuntimeProfile } from './runtime-profile';
import type { ServiceTarget } from './undeclared-ports';

/** Options of {@link analyzePod}. */
export interface AnalyzeOptions {
  /**
   * The runtime the pod will run on, by profile or name.
   * @default 'strict' — no runtime lowers ip_unprivileged_port_start: the portable verdict
   */
  readonly runtimeProfile?: RuntimeProfile | RuntimeProfileName;
  /**
   * The Pod Security Standards policy version to evaluate at (`v1.25`, `latest`).
   * @default 'latest'
   */
  readonly podSecurityVersion?: string;
  /**
   * What the containers' images say (their USER and their binary's file capabilities),
   * read by `src/image/` (`loadImages`); used instead of `unknown` and instead of the
   * file-capability annotation.
   * @default none — the image's user is unknown and the annotation is trusted
   */
  readonly imageFacts?: ImageFactsLookup;
  /**
   * The numbers the Services that select the pod send traffic to (`serviceTargetsOf`): a port
   * the pod does not declare is judged too, when the pod has one container to give it to.
   * @default none
   */
  readonly serviceTargets?: readonly ServiceTarget[];
}

/** Everything the model says about one pod. */
export interface PodAnalysis extends BindingAnalysis {
  /** The runtime profile the bind verdicts hold for. */
  readonly runtimeProfile: RuntimeProfile;
  /** The Pod Security Standards verdict. */
  readonly podSecurity: PodSecurityEvaluation;
}

/**
 * The capability model's answer for a pod (or pod template): for every container port
 * whether it binds and why, the effective security contexts, and the Pod Security
 * Standards level. Pure; never throws on malformed pods (a PSS version that does not
 * exist is a usage error and throws a RangeError).
 */
export function analyzePod(pod: PodInput, options: AnalyzeOptions = {}): PodAnalysis {
  const runtimeProfile = resolveProfile(options.runtimeProfile);
  const binding = analyzeBinding(pod, runtimeProfile, options.imageFacts, options.serviceTargets);
  return withPodSecurity(pod, binding, runtimeProfile, options.podSecurityVersion);
}

/**
 * {@link analyzePod} from bind verdicts already made for `pod` under `runtimeProfile` (a check that
 * judged the ports first, to learn which images it needs, does not judge them twice).
 */
export function withPodSecurity(pod: PodInput, binding: BindingAnalysis, runtimeProfile: RuntimeProfile, podSecurityVersion?: string): PodAnalysis {
  return { runtimeProfile, ...binding, podSecurity: evaluatePodSecurity(pod, { version: podSecurityVersion }) };
}

function resolveProfile(profile: AnalyzeOptions['runtimeProfile']): RuntimeProfile {
  if (profile === undefined) return DEFAULT_RUNTIME_PROFILE;
  if (typeof profile !== 'string') return profile;
  const found = findRuntimeProfile(profile);
  if (found === undefined) throw new RangeError(`unknown runtime profile "${profile}"`);
  return found;
}
