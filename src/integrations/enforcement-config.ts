import { CheckOptions } from '../check/check-object';
import { resolvePolicyVersion } from '../model/pss';
import { DEFAULT_RUNTIME_PROFILE, findRuntimeProfile, runtimeProfileNames } from '../model/runtime-profile';

/**
 * What an enforcement point is configured with: the Pulumi policies' config and the cdk8s
 * plugin's `properties:` alike (the CLI's `--runtime-profile` and its PSS version).
 */
export interface EnforcementConfig {
  /**
   * The runtime the bind verdicts hold for: `strict`, `containerd-1`, `cri-o`, `containerd-2`,
   * `docker` (aliases `kind`, `k3s`, `minikube`).
   * @default 'strict' — no runtime help assumed, so a verdict holds on every runtime
   */
  readonly runtimeProfile?: string;
  /**
   * The Pod Security Standards policy version (`latest`, `v1.25` …).
   * @default 'latest'
   */
  readonly podSecurityVersion?: string;
}

/**
 * The check options a configuration stands for.
 * @throws Error naming the accepted values, on a profile or policy version that does not exist.
 */
export function checkOptionsOf(config: EnforcementConfig): CheckOptions {
  const profileName = config.runtimeProfile ?? DEFAULT_RUNTIME_PROFILE.name;
  const runtimeProfile = findRuntimeProfile(profileName);
  if (runtimeProfile === undefined) {
    throw new Error(`k8s-least-privilege: runtimeProfile ${JSON.stringify(profileName)} is not one of ${runtimeProfileNames().join(', ')}`);
  }
  const podSecurityVersion = config.podSecurityVersion ?? 'latest';
  try {
    resolvePolicyVersion(podSecurityVersion);
  } catch (error) {
    throw new Error(`k8s-least-privilege: podSecurityVersion: ${(error as Error).message}`);
  }
  return { runtimeProfile, podSecurityVersion };
}
