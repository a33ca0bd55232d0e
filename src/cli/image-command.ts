import type { Command } from './arguments';
import type { CliOutput } from './cli-output';
import { readConfigFile } from './config-file';
import { ConfigError } from '../check/config-error';
import { imageFactsSettingsOf } from '../check/enforcement-config';
import { ImageError } from '../image/image-location';
import { formatInspectionHuman, formatInspectionJson, inspectImage } from '../image/inspect';
import { readImage } from '../image/read-image';
import type { RegistryClientOptions } from '../image/registry/registry-client';

/** Runs `image inspect` and returns its exit status: 0, or 2 when the image cannot be read. */
export async function runImageInspect(command: Command & { name: 'image-inspect' }, output: CliOutput): Promise<number> {
  let registry: RegistryClientOptions;
  try {
    registry = command.configFile === undefined ? {} : imageFactsSettingsOf(readConfigFile(command.configFile)).registry;
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    output.stderr(`${error.message}\n`);
    return 2;
  }
  try {
    const image = await readImage(command.image, { platform: command.platform, registry });
    const inspection = inspectImage(image, command.binaries);
    output.stdout(command.format === 'json' ? formatInspectionJson(inspection) : formatInspectionHuman(inspection));
    return 0;
  } catch (error) {
    if (!(error instanceof ImageError)) throw error;
    output.stderr(`k8s-least-privilege: image ${error.message}\n`);
    return 2;
  }
}
