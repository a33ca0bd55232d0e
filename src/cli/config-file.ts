import type { EnforcementConfig } from '../check/enforcement-config';
import { loadYamlFile, YamlFileError } from '../input/load-yaml-file';
import { escapeControlCharacters } from '../input/untrusted-text';
import { asObject, describeRaw } from '../model/json-value';

/** A config file that cannot be read, with what to fix; control characters escaped, as it goes to a terminal. */
export class ConfigFileError extends Error {
  constructor(message: string) {
    super(escapeControlCharacters(message));
  }
}

const KEYS = new Set(['runtimeProfile', 'podSecurityVersion', 'level', 'suppressions', 'images', 'imageFacts', 'registry']);

/**
 * Reads a `--config` file (YAML or JSON): the same settings as the Pulumi policy config and
 * the cdk8s plugin's properties: `{ runtimeProfile, podSecurityVersion, level, suppressions, images, imageFacts, registry }`.
 * Values are checked where every enforcement point checks them (`checkOptionsOf`); this only
 * refuses what is not a settings map, so that a misspelt key does not pass unnoticed.
 */
export function readConfigFile(file: string): EnforcementConfig {
  let parsed: unknown;
  try {
    parsed = loadYamlFile(file);
  } catch (error) {
    if (!(error instanceof YamlFileError)) throw error;
    throw new ConfigFileError(`${file}: ${error.message}`);
  }
  const config = parsed === null || parsed === undefined ? {} : asObject(parsed);
  if (config === undefined) throw new ConfigFileError(`${file}: expected a map with ${[...KEYS].join(', ')}`);
  for (const key of Object.keys(config)) {
    if (!KEYS.has(key)) throw new ConfigFileError(`${file}: unknown key ${describeRaw(key)}; the keys are ${[...KEYS].join(', ')}`);
  }
  for (const key of ['runtimeProfile', 'podSecurityVersion']) {
    if (config[key] !== undefined && config[key] !== null && typeof config[key] !== 'string') throw new ConfigFileError(`${file}: ${key} must be a string`);
  }
  return config as EnforcementConfig;
}
