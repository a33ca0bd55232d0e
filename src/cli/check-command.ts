import { checkInputs } from '../check/check-inputs';
import { exitStatusOf } from '../check/report';
import { readSources } from '../input/read-sources';
import { resolvePolicyVersion } from '../model/pss';
import { findRuntimeProfile, runtimeProfileNames } from '../model/runtime-profile';
import { formatHuman } from '../report/human-format';
import { formatJson } from '../report/json-format';
import { formatSarif } from '../report/sarif-format';
import { Command } from './arguments';
import { CliOutput } from './main';
import { packageVersion } from './package-version';

/** Runs `check` and returns its exit status. */
export function runCheck(command: Command & { name: 'check' }, output: CliOutput): number {
  const runtimeProfile = findRuntimeProfile(command.runtimeProfile);
  if (runtimeProfile === undefined) {
    output.stderr(`k8s-least-privilege: unknown runtime profile "${command.runtimeProfile}"; one of: ${runtimeProfileNames().join(', ')}\n`);
    return 2;
  }
  try {
    resolvePolicyVersion(command.podSecurityVersion);
  } catch (error) {
    output.stderr(`k8s-least-privilege: --pss-version: ${(error as Error).message}\n`);
    return 2;
  }
  const report = checkInputs(readSources(command.paths), { runtimeProfile, podSecurityVersion: command.podSecurityVersion });
  const formatted =
    command.format === 'json' ? formatJson(report) : command.format === 'sarif' ? formatSarif(report, packageVersion()) : formatHuman(report);
  output.stdout(formatted);
  return exitStatusOf(report);
}
