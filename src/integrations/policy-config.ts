import type { PolicyConfigSchema, ResourceValidationArgs } from '@pulumi/policy';
import type { CheckOptions } from '../check/check-object';
import type { EnforcementConfig, ImageFactsSettings } from '../check/enforcement-config';
import { checkOptionsWithImages, imageFactsSettingsOf } from '../check/enforcement-config';
import { DEFAULT_IMAGE_FACTS_MODE, IMAGE_FACTS_MODES } from '../check/image-facts-mode';
import type { ImageLoadError } from '../image';
import { POD_SECURITY_LEVELS } from '../model/pod-security-types';
import { DEFAULT_RUNTIME_PROFILE, runtimeProfileNames } from '../model/runtime-profile';
import { DEFAULT_REQUIRED_LEVEL } from '../rules';

/** The JSON schema of {@link EnforcementConfig}: each policy's config (`pulumi preview --policy-pack-config`). */
export const POLICY_CONFIG_SCHEMA: PolicyConfigSchema = {
  properties: {
    runtimeProfile: {
      type: 'string',
      enum: runtimeProfileNames(),
      default: DEFAULT_RUNTIME_PROFILE.name,
      description:
        'The container runtime the verdicts hold for. strict (the default) assumes no runtime lowers ' +
        'net.ipv4.ip_unprivileged_port_start, so a verdict holds on every runtime.',
    },
    podSecurityVersion: {
      type: 'string',
      pattern: '^(latest|v1\\.(0|[1-9][0-9]*))$',
      default: 'latest',
      description: 'The Pod Security Standards policy version the pod is evaluated at.',
    },
    level: {
      type: 'string',
      enum: [...POD_SECURITY_LEVELS],
      default: DEFAULT_REQUIRED_LEVEL,
      description:
        'The Pod Security level every workload must meet: missing it is a mandatory violation (LP020), missing a stricter one ' +
        'stays advisory; a workload\'s k8s-least-privilege.dev/pod-security-level annotation can only raise it. privileged: no gate.',
    },
    images: {
      type: 'object',
      description:
        'Image reference → image on disk (oci:DIR[:tag], oci-archive:FILE[:tag], docker-archive:FILE; paths relative to ' +
        "the pack's working directory): their USER and file capabilities replace unknown verdicts and the file-capability annotation.",
      additionalProperties: { type: 'string' },
    },
    imageFacts: {
      type: 'string',
      enum: [...IMAGE_FACTS_MODES],
      default: DEFAULT_IMAGE_FACTS_MODE,
      description:
        'How image facts are found: registry (read the images a verdict depends on from their registries), offline ' +
        '(read none: such a verdict is unknown, with its question) or assume-none (no file capability unless annotated).',
    },
    registry: {
      type: 'object',
      description:
        'How registries are reached: mirrors ({"docker.io": ["host:port"]}), plainHttp (hosts reached over HTTP), timeoutSeconds, ' +
        'maxLayerBytes, concurrency, cacheDirectory, tagTtlSeconds.',
    },
    suppressions: {
      type: 'array',
      description: 'Findings to suppress, each with a reason; suppressed findings are not reported as violations.',
      items: {
        type: 'object',
        required: ['rule', 'reason'],
        additionalProperties: false,
        properties: {
          rule: { type: 'string', pattern: '^LP[0-9]{3}$' },
          reason: { type: 'string', minLength: 1 },
          kind: { type: 'string' },
          name: { type: 'string' },
          namespace: { type: 'string' },
          container: { type: 'string' },
        },
      },
    },
  },
};

/** One policy's config as @pulumi/policy hands it (`args.getConfig()`), and the key that tells configs apart. */
export interface PolicyConfig {
  /** The config's JSON: equal configs, equal keys. */
  readonly key: string;
  /** The config. */
  readonly config: EnforcementConfig;
}

/** The config a policy is called with. */
export function policyConfigOf(args: Pick<ResourceValidationArgs, 'getConfig'>): PolicyConfig {
  const config = args.getConfig<EnforcementConfig>() ?? {};
  return { key: JSON.stringify(config), config };
}

/** The check options of one policy config, with the images its map names read. */
export interface ConfiguredCheck {
  /** The check options, with the image map's facts. */
  readonly options: CheckOptions;
  /** The images of the map that could not be read. */
  readonly imageErrors: readonly ImageLoadError[];
  /** How image facts are found beyond the map. */
  readonly imageFacts: ImageFactsSettings;
}

// Images are read once per distinct config (reading streams their layers), not per resource.
const checksByConfig = new Map<string, Promise<ConfiguredCheck>>();

/**
 * The check options `config` stands for, read once per distinct config for the life of the pack.
 * Rejects, naming the setting, on a config that is not valid.
 */
export function configuredCheck({ key, config }: PolicyConfig): Promise<ConfiguredCheck> {
  let configured = checksByConfig.get(key);
  if (configured === undefined) {
    configured = (async () => {
      const imageFacts = imageFactsSettingsOf(config);
      const { options, imageErrors } = await checkOptionsWithImages(config);
      return { options, imageErrors, imageFacts };
    })();
    checksByConfig.set(key, configured);
  }
  return configured;
}
