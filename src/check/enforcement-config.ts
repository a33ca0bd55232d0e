/**
 * The checker's options an enforcement configuration stands for, once validated against its
 * schema (`config-validation.ts`): the CLI, the cdk8s plugin and the policy pack all call these.
 */
import type { EnforcementConfig, SuppressionConfig } from './config-schema';
import type { ConfigSource } from './config-validation';
import { validEnforcementConfig } from './config-validation';
import type { ImageFactsMode } from './image-facts-mode';
import { DEFAULT_IMAGE_FACTS_MODE } from './image-facts-mode';
import type { ImageLoadError } from '../image/image-map';
import { imageMapOf, loadImages } from '../image/image-map';
import { FactsCache } from '../image/registry/facts-cache';
import type { RegistryFactsOptions } from '../image/registry/registry-facts';
import type { PodSecurityLevel } from '../model/pod-security-types';
import { DEFAULT_REQUIRED_LEVEL } from '../rules';
import type { CheckOptions, ConfiguredSuppression } from './check-object';
import { DEFAULT_RUNTIME_PROFILE, findRuntimeProfile } from '../model/runtime-profile';

export type { EnforcementConfig, RegistryConfig, SuppressionConfig } from './config-schema';
export type { ConfigSource } from './config-validation';

/** Settings whose source was not named: a program calling the checker itself. */
const UNNAMED_SOURCE: ConfigSource = { name: 'enforcement config' };

/** How image facts are found and registries reached, as configured. */
export interface ImageFactsSettings {
  /** The mode. */
  readonly mode: ImageFactsMode;
  /** How registries are reached (registry mode). */
  readonly registry: RegistryFactsOptions;
}

/**
 * The image-facts mode and registry settings a configuration stands for.
 * @throws ConfigError naming `source`, on settings that are not valid
 */
export function imageFactsSettingsOf(config: EnforcementConfig, source: ConfigSource = UNNAMED_SOURCE): ImageFactsSettings {
  const valid = validEnforcementConfig(config, source);
  const { cacheDirectory, tagTtlSeconds, ...registry } = valid.registry ?? {};
  const cached = cacheDirectory !== undefined || tagTtlSeconds !== undefined;
  const cache = cached ? { cache: new FactsCache({ directory: cacheDirectory, tagTtlSeconds }) } : {};
  // The schema accepts only the modes (`IMAGE_FACTS_MODES`).
  return { mode: (valid.imageFacts ?? DEFAULT_IMAGE_FACTS_MODE) as ImageFactsMode, registry: { ...registry, ...cache } };
}

/**
 * The check options a configuration stands for.
 * @param source what the settings came from, as a {@link ConfigError} names it
 * @throws ConfigError naming `source` and what is wrong, on settings that are not valid
 */
export function checkOptionsOf(config: EnforcementConfig, source: ConfigSource = UNNAMED_SOURCE): CheckOptions {
  return optionsOf(validEnforcementConfig(config, source));
}

function optionsOf(valid: EnforcementConfig): CheckOptions {
  // The schema accepts only names findRuntimeProfile knows, and only the levels (`POD_SECURITY_LEVELS`).
  const runtimeProfile = findRuntimeProfile(valid.runtimeProfile ?? DEFAULT_RUNTIME_PROFILE.name) ?? DEFAULT_RUNTIME_PROFILE;
  const level = (valid.level ?? DEFAULT_REQUIRED_LEVEL) as PodSecurityLevel;
  return { runtimeProfile, podSecurityVersion: valid.podSecurityVersion ?? 'latest', suppressions: (valid.suppressions ?? []).map(configuredSuppression), level };
}

/**
 * The check options a configuration stands for, with its `images` read from disk. An image
 * that cannot be read is one of `imageErrors` (naming the image and what is wrong), and
 * the containers of that image are checked as without it: the rest of the check still runs.
 * @param source what the settings came from, as a {@link ConfigError} names it
 * @param baseDirectory what relative image paths are relative to (the config file's directory)
 * @throws ConfigError as {@link checkOptionsOf}
 */
export async function checkOptionsWithImages(
  config: EnforcementConfig,
  source: ConfigSource = UNNAMED_SOURCE,
  baseDirectory: string = process.cwd(),
): Promise<{ readonly options: CheckOptions; readonly imageErrors: readonly ImageLoadError[] }> {
  const valid = validEnforcementConfig(config, source);
  const options = optionsOf(valid);
  // The schema has checked the map (every value a non-blank string), so reading it cannot fail.
  const entries = imageMapOf(valid.images, 'images', baseDirectory);
  if (entries.length === 0) return { options, imageErrors: [] };
  const loaded = await loadImages(entries);
  return { options: { ...options, imageFacts: loaded.lookup }, imageErrors: loaded.errors };
}

/** A configured suppression as the check applies it: the rule and the reason, trimmed, and the selectors given. */
function configuredSuppression({ rule, reason, ...selectors }: SuppressionConfig): ConfiguredSuppression {
  return { ruleId: rule, reason: reason.trim(), ...selectors };
}
