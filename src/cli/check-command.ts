import { checkInputs } from '../check/check-inputs';
import { CheckOptions } from '../check/check-object';
import { checkOptionsOf } from '../check/enforcement-config';
import { CheckReport, exitStatusOf, InputErrorReport } from '../check/report';
import { readSources } from '../input/read-sources';
import { ImageFactsLookup } from '../model/image-facts';
import { formatHuman } from '../report/human-format';
import { formatJson } from '../report/json-format';
import { formatSarif } from '../report/sarif-format';
import { Command } from './arguments';
import { ConfigFileError, readConfigFile } from './config-file';
import { CliOutput } from './main';
import { packageVersion } from './package-version';
import { startProgress } from './progress';

/** Runs `check` and returns its exit status; `images`: the facts of `--images`, read by image-command.ts. */
export function runCheck(
  command: Command & { name: 'check' },
  output: CliOutput,
  images?: { readonly imageFacts: ImageFactsLookup; readonly errors: readonly InputErrorReport[] },
): number {
  let options: CheckOptions;
  try {
    const config = command.configFile === undefined ? {} : readConfigFile(command.configFile);
    options = checkOptionsOf(
      {
        runtimeProfile: command.runtimeProfile ?? config.runtimeProfile,
        podSecurityVersion: command.podSecurityVersion ?? config.podSecurityVersion,
        suppressions: config.suppressions,
      },
      {
        runtimeProfile: command.runtimeProfile === undefined ? `${command.configFile}: runtimeProfile` : '--runtime-profile',
        podSecurityVersion: command.podSecurityVersion === undefined ? `${command.configFile}: podSecurityVersion` : '--pss-version',
        suppressions: `${command.configFile}: suppressions`,
      },
    );
  } catch (error) {
    if (error instanceof ConfigFileError) {
      output.stderr(`k8s-least-privilege: --config ${error.message}\n`);
      return 2;
    }
    if (!(error instanceof Error) || !error.message.startsWith('k8s-least-privilege: ')) throw error;
    output.stderr(`${error.message}\n`);
    return 2;
  }
  const progress = startProgress(output.progress);
  let checked: CheckReport;
  try {
    checked = checkInputs(progress.trackSources(readSources(command.paths)), images === undefined ? options : { ...options, imageFacts: images.imageFacts });
  } finally {
    progress.finish();
  }
  // An image that cannot be read is an input error (exit 2); every container is still checked.
  const report =
    images === undefined || images.errors.length === 0
      ? checked
      : { ...checked, errors: [...images.errors, ...checked.errors], summary: { ...checked.summary, errors: checked.summary.errors + images.errors.length } };
  const formatted =
    command.format === 'json' ? formatJson(report) : command.format === 'sarif' ? formatSarif(report, packageVersion()) : formatHuman(report);
  output.stdout(formatted);
  return exitStatusOf(report);
}
