import { dirname, resolve } from 'node:path';
import { InputErrorReport } from '../check/report';
import { ImageError } from '../image/image-location';
import { ImageMapEntry, ImageMapError, imageMapOf, loadImages, readImageMapFile } from '../image/image-map';
import { formatInspectionHuman, formatInspectionJson, inspectImage } from '../image/inspect';
import { readImage } from '../image/read-image';
import { Command } from './arguments';
import { runCheck } from './check-command';
import { ConfigFileError, readConfigFile } from './config-file';
import { CliOutput } from './main';

/** Runs `image inspect` and returns its exit status: 0, or 2 when the image cannot be read. */
export async function runImageInspect(command: Command & { name: 'image-inspect' }, output: CliOutput): Promise<number> {
  try {
    const image = await readImage(command.image, { platform: command.platform });
    const inspection = inspectImage(image, command.binaries);
    output.stdout(command.format === 'json' ? formatInspectionJson(inspection) : formatInspectionHuman(inspection));
    return 0;
  } catch (error) {
    if (!(error instanceof ImageError)) throw error;
    output.stderr(`k8s-least-privilege: image ${error.message}\n`);
    return 2;
  }
}

/**
 * Runs `check` with `--images MAP` (or the config file's `images`): reads every image of
 * the map, then checks with their facts. An image that cannot be read is an input error
 * of the report (exit status 2) and every container is still checked.
 */
export async function runCheckWithImages(command: Command & { name: 'check' }, output: CliOutput): Promise<number> {
  let entries: ImageMapEntry[];
  let mapFile: string;
  try {
    if (command.imagesFile !== undefined) {
      mapFile = command.imagesFile;
      entries = readImageMapFile(command.imagesFile);
    } else {
      if (command.configFile === undefined) return runCheck(command, output);
      mapFile = command.configFile;
      entries = imageMapOf(readConfigFile(mapFile).images, `${mapFile}: images`, dirname(resolve(mapFile)));
    }
  } catch (error) {
    if (error instanceof ImageMapError) {
      output.stderr(`k8s-least-privilege: ${command.imagesFile === undefined ? '--config' : '--images'} ${error.message}\n`);
      return 2;
    }
    // runCheck reads the config file again and reports what is wrong with it.
    if (error instanceof ConfigFileError) return runCheck(command, output);
    throw error;
  }
  if (entries.length === 0) return runCheck(command, output);
  const loaded = await loadImages(entries, { platform: command.platform });
  const errors: InputErrorReport[] = loaded.errors.map((error) => ({ file: mapFile, document: null, line: null, message: error.message }));
  return runCheck(command, output, { imageFacts: loaded.lookup, errors });
}
