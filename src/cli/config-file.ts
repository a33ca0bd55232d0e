import { readFileSync } from 'node:fs';
import * as jsYaml from 'js-yaml';
import { EnforcementConfig } from '../check/enforcement-config';
import { asObject } from '../model/json-value';

/** A config file that cannot be read, with what to fix. */
export class ConfigFileError extends Error {}

const KEYS = new Set(['runtimeProfile', 'podSecurityVersion', 'suppressions', 'images']);

/**
 * Reads a `--config` file (YAML or JSON): the same settings as the Pulumi policy config and
 * the cdk8s plugin's properties, `{ runtimeProfile, podSecurityVersion, suppressions }`.
 * Values are checked where every enforcement point checks them (`checkOptionsOf`); this only
 * refuses what is not a settings map, so that a misspelt key does not pass unnoticed.
 */
export function readConfigFile(file: string): EnforcementConfig {
  let parsed: unknown;
  try {
    parsed = jsYaml.load(readFileSync(file, 'utf8'));
  } catch (error) {
    const reason =
      error instanceof jsYaml.YAMLException
        ? `invalid YAML: ${error.message}`
        : (error as NodeJS.ErrnoException).code === 'ENOENT'
          ? 'no such file'
          : (error as Error).message;
    throw new ConfigFileError(`${file}: ${reason}`);
  }
  const config = parsed === null || parsed === undefined ? {} : asObject(parsed);
  if (config === undefined) throw new ConfigFileError(`${file}: expected a map with ${[...KEYS].join(', ')}`);
  for (const key of Object.keys(config)) {
    if (!KEYS.has(key)) throw new ConfigFileError(`${file}: unknown key "${key}"; the keys are ${[...KEYS].join(', ')}`);
  }
  for (const key of ['runtimeProfile', 'podSecurityVersion']) {
    if (config[key] !== undefined && config[key] !== null && typeof config[key] !== 'string') throw new ConfigFileError(`${file}: ${key} must be a string`);
  }
  return config as EnforcementConfig;
}
