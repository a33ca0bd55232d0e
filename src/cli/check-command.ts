import { dirname, resolve } from 'node:path';
import { checkParsed, ParsedInputs, parseInputs } from '../check/check-inputs';
import { CheckOptions } from '../check/check-object';
import { checkOptionsOf, EnforcementConfig, ImageFactsSettings, imageFactsSettingsOf } from '../check/enforcement-config';
import { imageFactsLookup, readImageFacts } from '../check/image-facts-mode';
import { CheckReport, exitStatusOf, InputErrorReport } from '../check/report';
import { ImageMapEntry, ImageMapError, imageMapOf, loadImages, readImageMapFile } from '../image/image-map';
import { ImagePullReport } from '../image/registry/registry-facts';
import { readSources } from '../input/read-sources';
import { escapeControlCharacters } from '../input/untrusted-text';
import { ImageFactsLookup } from '../model/image-facts';
import { serviceTargetsOf } from '../model/service-selection';
import { formatHuman } from '../report/human-format';
import { formatJson } from '../report/json-format';
import { formatSarif } from '../report/sarif-format';
import { Command } from './arguments';
import { ConfigFileError, readConfigFile } from './config-file';
import type { CliOutput } from './cli-output';
import { packageVersion } from './package-version';
import { CheckProgress, startProgress } from './progress';

type CheckCommand = Command & { name: 'check' };

/** What a check runs with, from its flags and its config file. */
interface CheckSettings {
  readonly options: CheckOptions;
  readonly imageFacts: ImageFactsSettings;
  /** The image map (`--images`, or the config's `images`) and the file it came from. */
  readonly imageMap: { readonly file: string; readonly entries: readonly ImageMapEntry[] } | undefined;
}

/**
 * Runs `check` without reading any image (`--image-facts offline` or `assume-none`, no image
 * map) and returns its exit status. @throws Error when the check needs images: use {@link runCheckAsync}
 */
export function runCheck(command: CheckCommand, output: CliOutput): number {
  const settings = settingsOf(command, output);
  if (typeof settings === 'number') return settings;
  if (settings.imageMap !== undefined || settings.imageFacts.mode === 'registry') {
    throw new Error('check reads images (--images, or --image-facts registry, the default) asynchronously: call runCliAsync');
  }
  const parsed = parse(command, startProgress(output.progress));
  const lookup = imageFactsLookup(settings.imageFacts.mode, undefined, new Map(), command.platform);
  return report(command, output, checkParsed(parsed, lookup === undefined ? settings.options : { ...settings.options, imageFacts: lookup }), []);
}

/**
 * Runs `check` and returns its exit status: parses every input, reads the image facts the
 * verdicts depend on (an image map, then registries in `registry` mode), then checks. An image
 * that cannot be read leaves its verdicts `unknown` with the cause; the rest is still checked.
 */
export async function runCheckAsync(command: CheckCommand, output: CliOutput): Promise<number> {
  const settings = settingsOf(command, output);
  if (typeof settings === 'number') return settings;
  const progress = startProgress(output.progress);
  try {
    const parsed = parse(command, progress);
    const mapErrors: InputErrorReport[] = [];
    let known: ImageFactsLookup | undefined;
    if (settings.imageMap !== undefined && settings.imageMap.entries.length > 0) {
      const loaded = await loadImages(settings.imageMap.entries, { platform: command.platform });
      known = loaded.lookup;
      const file = settings.imageMap.file;
      mapErrors.push(...loaded.errors.map((error) => ({ file, document: null, line: null, message: error.message })));
    }
    const objects = parsed.objects.map((parsedObject) => parsedObject.object);
    // Matched once: the image requests and the check both judge the ports Services name.
    const serviceTargets = serviceTargetsOf(objects);
    const { lookup, images } = await readImageFacts(objects, settings.imageFacts.mode, settings.options.runtimeProfile, known, {
      ...settings.imageFacts.registry,
      platform: command.platform,
      serviceTargets,
      onImage: (done, total, pull) => progress.imageRead(done, total, pull.image),
    });
    progress.finish();
    const checked = checkParsed(parsed, { ...settings.options, serviceTargets, ...(lookup === undefined ? {} : { imageFacts: lookup }) });
    // An image of the map that cannot be read is an input error (exit 2); every container is still checked.
    const withMapErrors = mapErrors.length === 0 ? checked : { ...checked, errors: [...mapErrors, ...checked.errors], summary: { ...checked.summary, errors: checked.summary.errors + mapErrors.length } };
    return report(command, output, withMapErrors, images);
  } finally {
    progress.finish();
  }
}

function parse(command: CheckCommand, progress: CheckProgress): ParsedInputs {
  try {
    return parseInputs(progress.trackSources(readSources(command.paths)));
  } finally {
    progress.finish();
  }
}

function report(command: CheckCommand, output: CliOutput, checked: CheckReport, images: readonly ImagePullReport[]): number {
  const full: CheckReport = images.length === 0 ? checked : { ...checked, images };
  const formatted = command.format === 'json' ? formatJson(full) : command.format === 'sarif' ? formatSarif(full, packageVersion()) : formatHuman(full);
  output.stdout(formatted);
  return exitStatusOf(full);
}

/** The settings of a check, or the exit status of a usage error already reported. */
function settingsOf(command: CheckCommand, output: CliOutput): CheckSettings | number {
  try {
    const config: EnforcementConfig = command.configFile === undefined ? {} : readConfigFile(command.configFile);
    const given = {
      runtimeProfile: command.runtimeProfile ?? config.runtimeProfile,
      podSecurityVersion: command.podSecurityVersion ?? config.podSecurityVersion,
      suppressions: config.suppressions,
      imageFacts: command.imageFacts ?? config.imageFacts,
      registry: config.registry,
      level: command.level ?? config.level,
    };
    const names = {
      runtimeProfile: command.runtimeProfile === undefined ? `${command.configFile}: runtimeProfile` : '--runtime-profile',
      podSecurityVersion: command.podSecurityVersion === undefined ? `${command.configFile}: podSecurityVersion` : '--pss-version',
      suppressions: `${command.configFile}: suppressions`,
      imageFacts: command.imageFacts === undefined ? `${command.configFile}: imageFacts` : '--image-facts',
      registry: `${command.configFile}: registry`,
      level: command.level === undefined ? `${command.configFile}: level` : '--level',
    };
    return { options: checkOptionsOf(given, names), imageFacts: imageFactsSettingsOf(given, names), imageMap: imageMapFor(command, config) };
  } catch (error) {
    if (error instanceof ConfigFileError) {
      output.stderr(`k8s-least-privilege: --config ${error.message}\n`);
      return 2;
    }
    if (error instanceof ImageMapError) {
      output.stderr(`k8s-least-privilege: ${command.imagesFile === undefined ? '--config' : '--images'} ${error.message}\n`);
      return 2;
    }
    if (!(error instanceof Error) || !error.message.startsWith('k8s-least-privilege: ')) throw error;
    // A setting's value comes from input (a config file): shown, never obeyed by the terminal.
    output.stderr(`${escapeControlCharacters(error.message)}\n`);
    return 2;
  }
}

/** The image map of `--images`, else of the config file's `images`. @throws ImageMapError */
function imageMapFor(command: CheckCommand, config: EnforcementConfig): CheckSettings['imageMap'] {
  if (command.imagesFile !== undefined) return { file: command.imagesFile, entries: readImageMapFile(command.imagesFile) };
  if (command.configFile === undefined || config.images === undefined) return undefined;
  return { file: command.configFile, entries: imageMapOf(config.images, `${command.configFile}: images`, dirname(resolve(command.configFile))) };
}
