import { dirname, resolve } from 'node:path';
import type { Command } from './arguments';
import { lookupWithoutRegistries, readCheckImages } from './check-images';
import type { CliOutput } from './cli-output';
import { flagSettings, readConfigFile } from './config-file';
import { runFixAsync, runFixWithoutImages } from './fix-command';
import { packageVersion } from './package-version';
import type { CheckProgress } from './progress';
import { startProgress } from './progress';
import type { CheckOptions } from '../check/check-object';
import type { CheckOutcome } from '../check/check-run';
import { writeCheck } from '../check/check-run';
import { ConfigError } from '../check/config-error';
import type { EnforcementConfig, ImageFactsSettings } from '../check/enforcement-config';
import { checkOptionsOf, imageFactsSettingsOf } from '../check/enforcement-config';
import type { InputForJobs } from '../check/parallel-check';
import { defaultJobs, inputForJobs, writeCheckInParallel } from '../check/parallel-check';
import type { ParsedInput } from '../check/parsed-input';
import { InputChangedError, readInput } from '../check/parsed-input';
import type { ReportWriter } from '../check/report';
import { exitStatusOf } from '../check/report';
import type { ImageMapEntry } from '../image/image-map';
import { ImageMapError, imageMapOf, readImageMapFile } from '../image/image-map';
import type { ImagePullReport } from '../image/registry/registry-facts';
import type { InputSource } from '../input/read-sources';
import { readSources } from '../input/read-sources';
import { escapeControlCharacters } from '../input/untrusted-text';
import { humanReportWriter } from '../report/human-format';
import { jsonReportWriter } from '../report/json-format';
import { chunkedOutput } from '../report/report-writer';
import { sarifReportWriter } from '../report/sarif-format';

type CheckCommand = Command & { name: 'check' };

/** What a check runs with, from its flags and its config file. */
export interface CheckSettings {
  /** The check's options (runtime profile, policy version, level, suppressions). */
  readonly options: CheckOptions;
  /** Where the images' facts come from, and how registries are reached. */
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
  if (command.fix === true) return runFixWithoutImages(command, settings, output);
  const progress = startProgress(output.progress);
  const input = read(progress.trackSources(readSources(command.paths, output.readStandardInput)), progress);
  const out = reportOutput(command, output);
  try {
    return out.done(writeCheck(input, { ...settings.options, imageFacts: lookupWithoutRegistries(settings, command.platform) }, out.writer()));
  } catch (error) {
    return out.failed(error);
  }
}

/**
 * Runs `check` and returns its exit status: reads and parses every input, reads the image facts
 * the verdicts depend on (an image map, then registries in `registry` mode), and writes the
 * report as the objects are checked. An image that cannot be read leaves its verdicts `unknown`
 * with the cause; the rest is still checked.
 */
export async function runCheckAsync(command: CheckCommand, output: CliOutput): Promise<number> {
  const settings = settingsOf(command, output);
  if (typeof settings === 'number') return settings;
  if (command.fix === true) return runFixAsync(command, settings, output);
  const progress = startProgress(output.progress);
  try {
    const sources = inputForJobs(progress.trackSources(readSources(command.paths, output.readStandardInput)), jobsOf(command, settings));
    if (sources.threads > 1) return await runInParallel(command, settings, sources, output, progress);
    const input = read(sources.sources, progress);
    const out = reportOutput(command, output);
    try {
      const onImage = (done: number, total: number, pull: ImagePullReport) => progress.imageRead(done, total, pull.image);
      const images = await readCheckImages(input, settings, command.platform, onImage);
      // The report starts once the images are read, and the progress line is gone.
      progress.finish();
      return out.done(writeCheck(input, { ...settings.options, imageFacts: images.lookup }, out.writer(), images.images, images.reusable));
    } catch (error) {
      return out.failed(error);
    }
  } finally {
    progress.finish();
  }
}

/** Reads and parses the inputs (tracked by the progress line, which is gone once they are read). */
function read(sources: Iterable<InputSource>, progress: CheckProgress): ParsedInput {
  try {
    return readInput(sources);
  } finally {
    progress.finish();
  }
}

/** The threads asked for (`--jobs`, else one fewer than the cores); one when the check reads an image map, whose images live on this thread. */
function jobsOf(command: CheckCommand, settings: CheckSettings): number {
  return settings.imageMap !== undefined && settings.imageMap.entries.length > 0 ? 1 : (command.jobs ?? defaultJobs());
}

/** Checks an input large enough to share on several threads, and writes the report as one thread writes it. */
async function runInParallel(
  command: CheckCommand,
  settings: CheckSettings,
  input: InputForJobs,
  output: CliOutput,
  progress: CheckProgress,
): Promise<number> {
  const out = reportOutput(command, output);
  const { mode, registry } = settings.imageFacts;
  const onImage = (done: number, total: number, pull: ImagePullReport) => progress.imageRead(done, total, pull.image);
  const check = { jobs: input.threads, options: settings.options, imageFacts: mode, platform: command.platform, registry: { ...registry, onImage } };
  // The report starts once the input is read (and the images): the progress line is gone.
  const writer = () => {
    progress.finish();
    return out.writer();
  };
  try {
    return out.done(await writeCheckInParallel(input.sources, check, writer));
  } catch (error) {
    return out.failed(error);
  }
}

/** Where a check writes its report, and how it ends. */
interface ReportOutput {
  /** Makes the writer of the command's format, on stdout. */
  writer(): ReportWriter;
  /** The exit status of a check written. */
  done(outcome: CheckOutcome): number;
  /**
   * The exit status of a check stopped by a file that changed between its two readings (a
   * large input is read twice): 2, with the message. @throws anything else
   */
  failed(error: unknown): number;
}

function reportOutput(command: CheckCommand, output: CliOutput): ReportOutput {
  const stdout = chunkedOutput((text) => output.stdout(text));
  const writerOf = command.format === 'json' ? jsonReportWriter : command.format === 'sarif' ? sarifReportWriter(packageVersion()) : humanReportWriter;
  return {
    writer: () => writerOf(stdout.write),
    done(outcome) {
      stdout.flush();
      return exitStatusOf(outcome);
    },
    failed(error) {
      if (!(error instanceof InputChangedError)) throw error;
      stdout.flush();
      output.stderr(`k8s-least-privilege: ${escapeControlCharacters(error.message)}\n`);
      return 2;
    },
  };
}

/** The settings of a check, or the exit status of a usage error already reported. */
function settingsOf(command: CheckCommand, output: CliOutput): CheckSettings | number {
  try {
    const config: EnforcementConfig = command.configFile === undefined ? {} : readConfigFile(command.configFile);
    // The flags override the file; each is validated where it was given, so an error names the file or the flag.
    const given: EnforcementConfig = { ...config, ...flagSettings(command) };
    return { options: checkOptionsOf(given), imageFacts: imageFactsSettingsOf(given), imageMap: imageMapFor(command, config) };
  } catch (error) {
    if (error instanceof ConfigError) {
      output.stderr(`${error.message}\n`);
      return 2;
    }
    if (error instanceof ImageMapError) {
      output.stderr(`k8s-least-privilege: ${command.imagesFile === undefined ? '--config' : '--images'} ${error.message}\n`);
      return 2;
    }
    throw error;
  }
}

/** The image map of `--images`, else of the config file's `images`. @throws ImageMapError */
function imageMapFor(command: CheckCommand, config: EnforcementConfig): CheckSettings['imageMap'] {
  if (command.imagesFile !== undefined) return { file: command.imagesFile, entries: readImageMapFile(command.imagesFile) };
  if (command.configFile === undefined || config.images === undefined) return undefined;
  return { file: command.configFile, entries: imageMapOf(config.images, `${command.configFile}: images`, dirname(resolve(command.configFile))) };
}
