import { ConfigError } from '../check/config-error';
import type { EnforcementConfig } from '../check/config-schema';
import { validEnforcementConfig } from '../check/config-validation';
import { loadYamlFile, YamlFileError } from '../input/load-yaml-file';

/**
 * Reads a `--config` file (YAML or JSON): the same settings as the Pulumi policy config and
 * the cdk8s plugin's properties: `{ runtimeProfile, podSecurityVersion, level, suppressions, images, imageFacts, registry }`,
 * validated against their schema.
 * @throws ConfigError naming `--config <file>`: a file that cannot be read or parsed, or settings that are not valid
 */
export function readConfigFile(file: string): EnforcementConfig {
  const source = `--config ${file}`;
  let parsed: unknown;
  try {
    parsed = loadYamlFile(file);
  } catch (error) {
    if (!(error instanceof YamlFileError)) throw error;
    throw new ConfigError(source, [error.message]);
  }
  return validEnforcementConfig(parsed, { name: source });
}

/** The settings the command-line flags give. */
export interface SettingFlags {
  /**
   * `--runtime-profile`.
   * @default not given: the config file's, else the default
   */
  readonly runtimeProfile?: string;
  /**
   * `--pss-version`.
   * @default not given: the config file's, else the default
   */
  readonly podSecurityVersion?: string;
  /**
   * `--level`.
   * @default not given: the config file's, else the default
   */
  readonly level?: string;
  /**
   * `--image-facts`.
   * @default not given: the config file's, else the default
   */
  readonly imageFacts?: string;
}

const FLAG_NAMES = { runtimeProfile: '--runtime-profile', podSecurityVersion: '--pss-version', level: '--level', imageFacts: '--image-facts' } as const;

/**
 * The settings of the flags given, validated as a config file's are, to override the config file's.
 * @throws ConfigError naming the flag, its value and what is accepted
 */
export function flagSettings(flags: SettingFlags): EnforcementConfig {
  const given = Object.fromEntries(Object.keys(FLAG_NAMES).flatMap((key) => {
    const value = flags[key as keyof SettingFlags];
    return value === undefined ? [] : [[key, value]];
  }));
  return validEnforcementConfig(given, { name: 'command line', settingNames: FLAG_NAMES });
}
