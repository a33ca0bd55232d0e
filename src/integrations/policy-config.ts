import type { PolicyConfigSchema, ResourceValidationArgs } from '@pulumi/policy';
import type { CheckOptions } from '../check/check-object';
import type { ConfigSchemaNode } from '../check/config-schema';
import { ENFORCEMENT_CONFIG_SCHEMA } from '../check/config-schema';
import type { ConfigSource, EnforcementConfig, ImageFactsSettings } from '../check/enforcement-config';
import { checkOptionsWithImages, imageFactsSettingsOf } from '../check/enforcement-config';

const POLICY_CONFIG: ConfigSource = { name: 'Pulumi policy config' };

type PolicyConfigJsonSchema = PolicyConfigSchema['properties'][string];

// The keywords the schema uses that @pulumi/policy's PolicyConfigJSONSchema has; `nullable`
// (ajv's), `title` and `accepts` (the words of our messages) are not JSON Schema for Pulumi.
const POLICY_KEYWORDS: ReadonlySet<string> = new Set(['type', 'enum', 'default', 'pattern', 'minLength', 'minimum', 'description', 'additionalProperties']);

/** A node of the schema in the keywords the Pulumi policy config schema speaks. */
function policySchemaOf(node: ConfigSchemaNode): PolicyConfigJsonSchema {
  const schema: Record<string, unknown> = {};
  for (const [keyword, value] of Object.entries(node)) {
    if (POLICY_KEYWORDS.has(keyword)) schema[keyword] = value;
  }
  if (typeof node.additionalProperties === 'object') schema.additionalProperties = policySchemaOf(node.additionalProperties);
  if (node.items !== undefined) schema.items = policySchemaOf(node.items);
  if (node.properties !== undefined) schema.properties = policyPropertiesOf(node.properties);
  if (node.required !== undefined && node.required.length > 0) schema.required = node.required;
  return schema as PolicyConfigJsonSchema;
}

function policyPropertiesOf(properties: Readonly<Record<string, ConfigSchemaNode>>): Record<string, PolicyConfigJsonSchema> {
  return Object.fromEntries(Object.entries(properties).map(([key, node]) => [key, policySchemaOf(node)]));
}

/**
 * The JSON schema of {@link EnforcementConfig}: each policy's config (`pulumi preview --policy-pack-config`),
 * derived from the one schema every enforcement point validates with (`check/config-schema.ts`).
 */
export const POLICY_CONFIG_SCHEMA: PolicyConfigSchema = { properties: policyPropertiesOf(ENFORCEMENT_CONFIG_SCHEMA.properties ?? {}) };

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
  const last = lastScalarConfig;
  if (last !== undefined && hasEntries(config, last.entries)) return { key: last.key, config };
  const key = JSON.stringify(config);
  const entries = scalarEntriesOf(config);
  lastScalarConfig = entries === undefined ? undefined : { entries, key };
  return { key, config };
}

type Scalar = string | number | boolean | null;

/**
 * The last config of scalars only that a policy was called with, as its entries were then, and
 * its key. @pulumi/policy's `getConfig` returns a new copy of the config on each call, for every
 * policy on every resource; one equal to this one, entry by entry, has its key without being
 * stringified again. Configs with an object inside are stringified each time: what is inside may
 * have changed in place.
 */
let lastScalarConfig: { readonly entries: readonly (readonly [string, Scalar])[]; readonly key: string } | undefined;

/** The entries of a plain object whose values are all scalars, in order; `undefined` for any other value. */
function scalarEntriesOf(config: object): [string, Scalar][] | undefined {
  if (Object.getPrototypeOf(config) !== Object.prototype) return undefined;
  const entries = Object.entries(config);
  return entries.every(([, value]) => isScalar(value)) ? (entries as [string, Scalar][]) : undefined;
}

function isScalar(value: unknown): value is Scalar {
  return value === null || typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean';
}

/** Whether `config` is a plain object with these entries, in this order: then it has their JSON. */
function hasEntries(config: object, entries: readonly (readonly [string, Scalar])[]): boolean {
  if (Object.getPrototypeOf(config) !== Object.prototype) return false;
  const keys = Object.keys(config);
  if (keys.length !== entries.length) return false;
  const values = config as Record<string, unknown>;
  return keys.every((key, index) => key === entries[index][0] && values[key] === entries[index][1]);
}

/** The check options of one policy config, with the images its map names read. */
export interface ConfiguredCheck {
  /** The check options, with the image map's facts (an image that could not be read is the lookup's answer for its containers). */
  readonly options: CheckOptions;
  /** How image facts are found beyond the map. */
  readonly imageFacts: ImageFactsSettings;
}

// Images are read once per distinct config (reading streams their layers), not per resource.
const checksByConfig = new Map<string, Promise<ConfiguredCheck>>();

/**
 * The check options `config` stands for, read once per distinct config for the life of the pack.
 * Rejects with a ConfigError naming `Pulumi policy config` and each setting that is not valid.
 */
export function configuredCheck({ key, config }: PolicyConfig): Promise<ConfiguredCheck> {
  let configured = checksByConfig.get(key);
  if (configured === undefined) {
    configured = (async () => {
      const imageFacts = imageFactsSettingsOf(config, POLICY_CONFIG);
      const { options } = await checkOptionsWithImages(config, POLICY_CONFIG);
      return { options, imageFacts };
    })();
    checksByConfig.set(key, configured);
  }
  return configured;
}
