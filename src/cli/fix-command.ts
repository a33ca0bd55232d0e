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
import { lookupWithoutRegistries, readCheckImages } from './check-images';
import type { CliOutput } from './cli-output';
import { packageVersion } from './package-version';
import type { CheckOptions } from '../check/check-object';
import { readInput } from '../check/parsed-input';
import type { CheckReport, InputErrorReport } from '../check/report';
import { exitStatusOf } from '../check/report';
import type { FixMode, InputFix } from '../fix';
import { fixInput, fixJson, formatFixes, inputDiff, sarifFixesOf } from '../fix';
import type { ImagePullReport } from '../image/registry/registry-facts';
import type { InputSource } from '../input/read-sources';
import { readSources, STDIN_NAME } from '../input/read-sources';
import { formatHuman } from '../report/human-format';
import { formatJson } from '../report/json-format';
import { formatWhole } from '../report/report-writer';
import { sarifReportWriter } from '../report/sarif-format';

type CheckCommand = Command & { name: 'check' };

/** Runs `check --fix` with images read as `check` reads them (an image map, then registries) and returns the exit status. */
export async function runFixAsync(command: CheckCommand, settings: CheckSettings, output: CliOutput): Promise<number> {
  const sources = [...readSources(command.paths, output.readStandardInput)];
  const images = await readCheckImages(readInput(sources), settings, command.platform);
  return runFix(command, sources, { ...settings.options, imageFacts: images.lookup }, images.images, output);
}

/** Runs `check --fix` without reading any image (`--image-facts offline` or `assume-none`, no image map) and returns the exit status. */
export function runFixWithoutImages(command: CheckCommand, settings: CheckSettings, output: CliOutput): number {
  const sources = [...readSources(command.paths, output.readStandardInput)];
  return runFix(command, sources, { ...settings.options, imageFacts: lookupWithoutRegistries(settings, command.platform) }, [], output);
}

/**
 * Runs `check --fix` over `sources` with `options` (image facts final) and returns the exit
 * status: the check's of the fixed input, or with `--dry-run` of the input as it is. The report
 * lists `images`, how the input's images were read, as `check` of the input lists them.
 */
function runFix(
  command: CheckCommand,
  sources: readonly InputSource[],
  options: CheckOptions,
  images: readonly ImagePullReport[],
  output: CliOutput,
): number {
  const mode: FixMode = command.dryRun === true ? 'dry-run' : 'written';
  const fix = fixInput(sources, { check: options, appPortConfigurable: command.appPortConfigurable });
  const problems = [...fix.problems, ...(mode === 'written' ? writeFiles(fix) : [])];
  const checked = mode === 'written' ? fix.after : fix.before;
  const report: CheckReport = { ...checked, errors: [...checked.errors, ...problems], ...(images.length === 0 ? {} : { images }) };
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
