/**
 * `check --fix`: the input read once (standard input cannot be read twice), the image facts its
 * verdicts need read as `check` reads them, the fixes decided and verified by src/fix, then either
 * written (files in place; a fixed standard input to standard output, the report to standard
 * error) or, with `--dry-run`, shown (a unified diff; JSON and SARIF carry them in the report).
 * One thread, whatever `--jobs`: the files are rewritten as a whole.
 */
import { writeFileSync } from 'node:fs';
import type { Command } from './arguments';
import type { CheckSettings } from './check-command';
import type { CliOutput } from './cli-output';
import { packageVersion } from './package-version';
import type { CheckOptions } from '../check/check-object';
import { lookBeforeImages, readWantedImages } from '../check/check-run';
import { imageFactsLookup, ImageRequests } from '../check/image-facts-mode';
import { readInput } from '../check/parsed-input';
import type { CheckReport, InputErrorReport } from '../check/report';
import { exitStatusOf } from '../check/report';
import type { FixMode, InputFix } from '../fix';
import { fixInput, fixJson, formatFixes, inputDiff, sarifFixesOf } from '../fix';
import { loadImages } from '../image/image-map';
import type { InputSource } from '../input/read-sources';
import { readSources, STDIN_NAME } from '../input/read-sources';
import type { ImageFacts, ImageFactsLookup, UnreadImage } from '../model/image-facts';
import { formatHuman } from '../report/human-format';
import { formatJson } from '../report/json-format';
import { formatWhole } from '../report/report-writer';
import { sarifReportWriter } from '../report/sarif-format';

type CheckCommand = Command & { name: 'check' };

/** Runs `check --fix` with images read as `check` reads them (an image map, then registries) and returns the exit status. */
export async function runFixAsync(command: CheckCommand, settings: CheckSettings, output: CliOutput): Promise<number> {
  const sources = [...readSources(command.paths, output.readStandardInput)];
  let known: ImageFactsLookup | undefined;
  if (settings.imageMap !== undefined && settings.imageMap.entries.length > 0) {
    known = (await loadImages(settings.imageMap.entries, { platform: command.platform })).lookup;
  }
  const { mode } = settings.imageFacts;
  const answers = mode === 'registry' ? await readImagesWanted(command, settings, sources, known) : new Map();
  return runFix(command, sources, { ...settings.options, imageFacts: imageFactsLookup(mode, known, answers, command.platform) }, output);
}

/** What the registries answer for the images the input's verdicts need (registry mode), as `check` reads them. */
async function readImagesWanted(
  command: CheckCommand,
  settings: CheckSettings,
  sources: readonly InputSource[],
  known: ImageFactsLookup | undefined,
): Promise<ReadonlyMap<string, ImageFacts | UnreadImage>> {
  const input = readInput(sources);
  const requests = new ImageRequests(known, command.platform);
  lookBeforeImages(input.objects(), 0, input.index.contexts(), settings.options, requests, false);
  return (await readWantedImages(requests.all(), settings.imageFacts.registry)).answers;
}

/** Runs `check --fix` without reading any image (`--image-facts offline` or `assume-none`, no image map) and returns the exit status. */
export function runFixWithoutImages(command: CheckCommand, settings: CheckSettings, output: CliOutput): number {
  const sources = [...readSources(command.paths, output.readStandardInput)];
  const imageFacts = imageFactsLookup(settings.imageFacts.mode, undefined, new Map(), command.platform);
  return runFix(command, sources, { ...settings.options, imageFacts }, output);
}

/**
 * Runs `check --fix` over `sources` with `options` (image facts final) and returns the exit
 * status: the check's of the fixed input, or with `--dry-run` of the input as it is.
 */
function runFix(command: CheckCommand, sources: readonly InputSource[], options: CheckOptions, output: CliOutput): number {
  const mode: FixMode = command.dryRun === true ? 'dry-run' : 'written';
  const fix = fixInput(sources, { check: options, appPortConfigurable: command.appPortConfigurable });
  const problems = [...fix.problems, ...(mode === 'written' ? writeFiles(fix) : [])];
  const checked = mode === 'written' ? fix.after : fix.before;
  const report: CheckReport = { ...checked, errors: [...checked.errors, ...problems] };
  // A fixed standard input is the output; the report then goes to standard error.
  const stdin = sources.find((source) => source.file === STDIN_NAME);
  const streamsInput = mode === 'written' && stdin !== undefined;
  if (streamsInput && stdin.ok) output.stdout(fix.files.find((file) => file.file === STDIN_NAME)?.after ?? stdin.text);
  const write = (text: string) => (streamsInput || (mode === 'dry-run' && command.format === 'human') ? output.stderr(text) : output.stdout(text));
  if (command.format === 'json') {
    const json = JSON.parse(formatJson(report)) as Record<string, unknown>;
    write(`${JSON.stringify({ ...json, fixes: fix.fixes.map((resource) => fixJson(resource, mode)) }, null, 2)}\n`);
  } else if (command.format === 'sarif') {
    write(formatWhole(report, sarifReportWriter(packageVersion(), mode === 'dry-run' ? sarifFixesOf(fix) : undefined)));
  } else {
    if (mode === 'dry-run') output.stdout(inputDiff(fix));
    write(formatFixes(fix, mode) + formatHuman(report));
  }
  return exitStatusOf(report);
}

/** Writes each fixed file in place (standard input goes to standard output instead); a file that cannot be written is an input error. */
function writeFiles(fix: InputFix): InputErrorReport[] {
  const problems: InputErrorReport[] = [];
  for (const file of fix.files) {
    if (file.file === STDIN_NAME) continue;
    try {
      writeFileSync(file.file, file.after);
    } catch (error) {
      problems.push({ file: file.file, document: null, line: null, message: `--fix cannot write the fixed file: ${(error as Error).message}` });
    }
  }
  return problems;
}
