import type { ImageFactsMode } from './image-facts-mode';
import { DEFAULT_IMAGE_FACTS_MODE, IMAGE_FACTS_MODES } from './image-facts-mode';
import type { ImageLoadError } from '../image/image-map';
import { imageMapOf, ImageMapError, loadImages } from '../image/image-map';
import { FactsCache } from '../image/registry/facts-cache';
import type { RegistryFactsOptions } from '../image/registry/registry-facts';
import { asArray, asObject, describeRaw } from '../model/json-value';
import type { PodSecurityLevel } from '../model/pod-security-types';
import { POD_SECURITY_LEVELS } from '../model/pod-security-types';
import { resolvePolicyVersion } from '../model/pss';
import { DEFAULT_REQUIRED_LEVEL, ruleIdSet } from '../rules';
import type { CheckOptions, ConfiguredSuppression } from './check-object';
import { DEFAULT_RUNTIME_PROFILE, findRuntimeProfile, runtimeProfileNames } from '../model/runtime-profile';

/**
 * What an enforcement point is configured with: the Pulumi policies' config, the cdk8s
 * plugin's `properties:` and the CLI's `--config` file and flags alike.
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
  /**
   * Suppressions, each with a reason: `{ rule, reason, kind?, name?, namespace?, container? }`.
   * @default []
   */
  readonly suppressions?: unknown;
  /**
   * Images on disk, by the reference the manifests use: `{ "nginx:1.27": "oci-archive:images/nginx.tar" }`
   * (`oci:DIR[:tag]`, `oci-archive:FILE[:tag]`, `docker-archive:FILE[:ref]`). Their USER and
   * their binary's file capabilities replace `unknown` and the file-capability annotation.
   * Read by {@link checkOptionsWithImages}; {@link checkOptionsOf} only validates the map.
   * @default {} — no image is read
   */
  readonly images?: unknown;
  /**
   * How image facts are found: `registry` (read the images a verdict depends on from their
   * registries), `offline` (read none: such a verdict is `unknown` with its question) or
   * `assume-none` (no file capability unless the annotation declares one).
   * @default 'registry'
   */
  readonly imageFacts?: unknown;
  /**
   * How registries are reached: `{ mirrors: { "docker.io": ["mirror:5000"] }, plainHttp: ["mirror:5000"],
   * timeoutSeconds, maxLayerBytes, concurrency, cacheDirectory, tagTtlSeconds }`.
   * @default {} — registries themselves, over HTTPS, with the defaults of each setting
   */
  readonly registry?: unknown;
  /**
   * The Pod Security level every workload must meet (`privileged`, `baseline`, `restricted`):
   * missing it is an error (LP020), missing a stricter one stays a warning. A workload's
   * `k8s-least-privilege.dev/pod-security-level` annotation can only raise it.
   * @default 'baseline'
   */
  readonly level?: unknown;
}

/** How the settings are called where they were given, for messages (`--runtime-profile` on the command line). */
export interface SettingNames {
  /** @default 'runtimeProfile' */
  readonly runtimeProfile?: string;
  /** @default 'podSecurityVersion' */
  readonly podSecurityVersion?: string;
  /** @default 'suppressions' */
  readonly suppressions?: string;
  /** @default 'images' */
  readonly images?: string;
  /** @default 'imageFacts' */
  readonly imageFacts?: string;
  /** @default 'registry' */
  readonly registry?: string;
  /** @default 'level' */
  readonly level?: string;
}

/** How image facts are found and registries reached, as configured. */
export interface ImageFactsSettings {
  /** The mode. */
  readonly mode: ImageFactsMode;
  /** How registries are reached (registry mode). */
  readonly registry: RegistryFactsOptions;
}

const REGISTRY_KEYS: Record<string, 'mirrors' | 'hosts' | 'seconds' | 'bytes' | 'count' | 'path'> = {
  mirrors: 'mirrors',
  plainHttp: 'hosts',
  timeoutSeconds: 'seconds',
  tagTtlSeconds: 'seconds',
  maxLayerBytes: 'bytes',
  concurrency: 'count',
  cacheDirectory: 'path',
};

/**
 * The image-facts mode and registry settings a configuration stands for.
 * @throws Error naming the setting and the accepted values
 */
export function imageFactsSettingsOf(config: EnforcementConfig, names: SettingNames = {}): ImageFactsSettings {
  const name = names.imageFacts ?? 'imageFacts';
  const mode = config.imageFacts ?? DEFAULT_IMAGE_FACTS_MODE;
  if (typeof mode !== 'string' || !(IMAGE_FACTS_MODES as readonly string[]).includes(mode)) {
    throw new Error(`k8s-least-privilege: ${name} ${JSON.stringify(mode)} is not one of ${IMAGE_FACTS_MODES.join(', ')}`);
  }
  return { mode: mode as ImageFactsMode, registry: registryOptionsOf(config.registry, names.registry ?? 'registry') };
}

function registryOptionsOf(raw: unknown, name: string): RegistryFactsOptions {
  if (raw === undefined || raw === null) return {};
  const settings = asObject(raw);
  if (settings === undefined) throw new Error(`k8s-least-privilege: ${name} must be a map with ${Object.keys(REGISTRY_KEYS).join(', ')}`);
  const options: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(settings)) {
    const kind = REGISTRY_KEYS[key];
    const where = `k8s-least-privilege: ${name}.${key}`;
    if (kind === undefined) throw new Error(`k8s-least-privilege: ${name}: unknown key "${key}"; the keys are ${Object.keys(REGISTRY_KEYS).join(', ')}`);
    if (kind === 'mirrors') {options.mirrors = mirrorsOf(value, where);} else if (kind === 'hosts') {options.plainHttp = hostsOf(value, where);} else if (kind === 'path' && (typeof value !== 'string' || value === '')) {throw new Error(`${where} must be a directory path`);} else if (kind !== 'path' && (typeof value !== 'number' || !Number.isInteger(value) || value < (kind === 'seconds' ? 0 : 1))) {
      throw new Error(`${where} must be a whole number${kind === 'seconds' ? ' of seconds' : kind === 'bytes' ? ' of bytes' : ' ≥ 1'}, not ${JSON.stringify(value)}`);
    } else {options[key] = value;}
  }
  const { cacheDirectory, tagTtlSeconds, ...rest } = options as { cacheDirectory?: string; tagTtlSeconds?: number };
  const cache =
    cacheDirectory === undefined && tagTtlSeconds === undefined ? {} : { cache: new FactsCache({ directory: cacheDirectory, tagTtlSeconds }) };
  return { ...rest, ...cache } as RegistryFactsOptions;
}

function mirrorsOf(value: unknown, where: string): Record<string, string[]> {
  const map = asObject(value);
  if (map === undefined) throw new Error(`${where} must be a map from registry to a list of mirrors (host[:port])`);
  return Object.fromEntries(Object.entries(map).map(([registry, mirrors]) => [registry, hostsOf(mirrors, `${where}["${registry}"]`)]));
}

function hostsOf(value: unknown, where: string): string[] {
  const list = asArray(value);
  if (list === undefined || list.some((host) => typeof host !== 'string' || !/^[A-Za-z0-9.-]+(:\d+)?$/.test(host))) {
    throw new Error(`${where} must be a list of hosts (host[:port])`);
  }
  return list as string[];
}

function requiredLevelOf(raw: unknown, name: string): PodSecurityLevel {
  if (raw === undefined || raw === null) return DEFAULT_REQUIRED_LEVEL;
  if (typeof raw !== 'string' || !(POD_SECURITY_LEVELS as readonly string[]).includes(raw)) {
    throw new Error(`k8s-least-privilege: ${name} ${describeRaw(raw)} is not one of ${POD_SECURITY_LEVELS.join(', ')}`);
  }
  return raw as PodSecurityLevel;
}

const SUPPRESSION_KEYS = new Set(['rule', 'reason', 'kind', 'name', 'namespace', 'container']);

/**
 * The check options a configuration stands for.
 * @throws Error naming the accepted values, on a profile or policy version that does not exist.
 */
export function checkOptionsOf(config: EnforcementConfig, names: SettingNames = {}): CheckOptions {
  const profileName = config.runtimeProfile ?? DEFAULT_RUNTIME_PROFILE.name;
  const runtimeProfile = findRuntimeProfile(profileName);
  if (runtimeProfile === undefined) {
    throw new Error(
      `k8s-least-privilege: ${names.runtimeProfile ?? 'runtimeProfile'} ${JSON.stringify(profileName)} is not one of ${runtimeProfileNames().join(', ')}`,
    );
  }
  const podSecurityVersion = config.podSecurityVersion ?? 'latest';
  try {
    resolvePolicyVersion(podSecurityVersion);
  } catch (error) {
    throw new Error(`k8s-least-privilege: ${names.podSecurityVersion ?? 'podSecurityVersion'}: ${(error as Error).message}`);
  }
  const suppressions = configuredSuppressions(config.suppressions, names.suppressions ?? 'suppressions');
  imageMapEntries(config, names, process.cwd());
  imageFactsSettingsOf(config, names);
  return { runtimeProfile, podSecurityVersion, suppressions, level: requiredLevelOf(config.level, names.level ?? 'level') };
}

/**
 * The check options a configuration stands for, with its `images` read from disk. An image
 * that cannot be read is one of `imageErrors` (naming the image and what is wrong), and
 * the containers of that image are checked as without it: the rest of the check still runs.
 * @param baseDirectory what relative image paths are relative to (the config file's directory)
 * @throws Error as {@link checkOptionsOf}, and on an `images` value that is not a map of strings
 */
export async function checkOptionsWithImages(
  config: EnforcementConfig,
  names: SettingNames = {},
  baseDirectory: string = process.cwd(),
): Promise<{ readonly options: CheckOptions; readonly imageErrors: readonly ImageLoadError[] }> {
  const options = checkOptionsOf(config, names);
  const entries = imageMapEntries(config, names, baseDirectory);
  if (entries.length === 0) return { options, imageErrors: [] };
  const loaded = await loadImages(entries);
  return { options: { ...options, imageFacts: loaded.lookup }, imageErrors: loaded.errors };
}

function imageMapEntries(config: EnforcementConfig, names: SettingNames, baseDirectory: string) {
  try {
    return imageMapOf(config.images, names.images ?? 'images', baseDirectory);
  } catch (error) {
    if (error instanceof ImageMapError) throw new Error(`k8s-least-privilege: ${error.message}`);
    throw error;
  }
}

/**
 * Reads configured suppressions. Every mistake is an error naming the entry: a config that
 * silently suppressed nothing, or everything, would be worse than none.
 */
function configuredSuppressions(raw: unknown, name: string): ConfiguredSuppression[] {
  if (raw === undefined || raw === null) return [];
  const list = asArray(raw);
  if (list === undefined) throw new Error(`k8s-least-privilege: ${name} must be a list`);
  return list.map((entry, index) => {
    const where = `k8s-least-privilege: ${name}[${index}]`;
    const suppression = asObject(entry);
    if (suppression === undefined) throw new Error(`${where} must be a map with rule and reason`);
    for (const key of Object.keys(suppression)) {
      if (!SUPPRESSION_KEYS.has(key)) throw new Error(`${where}: unknown key "${key}"; the keys are ${[...SUPPRESSION_KEYS].join(', ')}`);
    }
    const { rule, reason } = suppression;
    if (typeof rule !== 'string' || !ruleIdSet().has(rule)) throw new Error(`${where}: rule ${JSON.stringify(rule)} names no rule`);
    if (typeof reason !== 'string' || reason.trim() === '') throw new Error(`${where}: a suppression of ${rule} needs a reason`);
    const selector = (key: string) => {
      const value = suppression[key];
      if (value === undefined || value === null) return {};
      if (typeof value !== 'string') throw new Error(`${where}: ${key} must be a string`);
      return { [key]: value };
    };
    return { ruleId: rule, reason: reason.trim(), ...selector('kind'), ...selector('name'), ...selector('namespace'), ...selector('container') };
  });
}
