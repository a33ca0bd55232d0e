/**
 * `k8s-least-privilege admission-policy`: prints the ValidatingAdmissionPolicies and bindings
 * (src/admission) as YAML, for `… admission-policy | kubectl apply -f -`. It reads its own options:
 * the shared parser (arguments.ts) knows `check` and `image`.
 */
import { parseArgs } from 'node:util';
import type { CliOutput } from './cli-output';
import { AdmissionPolicyOptionError, admissionPolicyYaml } from '../admission/admission-policy';
import type { AdmissionPolicyMode, AdmissionPolicyOptions } from '../admission/admission-policy';
import type { PodSecurityLevel } from '../model/pod-security-types';
import { runtimeProfileNames } from '../model/runtime-profile';

/** The text of `admission-policy --help`. */
export function admissionPolicyUsage(): string {
  return `Usage: k8s-least-privilege admission-policy [options]

Prints ValidatingAdmissionPolicies and their bindings (admissionregistration.k8s.io/v1,
Kubernetes >= 1.30) that enforce in the cluster what a manifest alone decides of check's
rules, for Pods and every kind with a pod template:
  k8s-least-privilege admission-policy | kubectl apply -f -

Options:
  --runtime-profile NAME     the runtime of the cluster's nodes; default strict, which assumes
                             no runtime help. One of: ${runtimeProfileNames().join(', ')}
  --level LEVEL              the Pod Security level the fixes named in messages meet:
                             baseline (default), restricted or privileged
  --mode MODE                what an object that cannot work meets: deny (default), warn or
                             audit; the advisory policies warn (audit with --mode audit)
  -h, --help                 show this help

Exit status: 0 printed; 2 a usage error.
`;
}

/** Runs `admission-policy` with the arguments after the command's name; returns the exit status. */
export function runAdmissionPolicy(argv: readonly string[], output: CliOutput): number {
  let values: { 'runtime-profile'?: string; 'level'?: string; 'mode'?: string; 'help'?: boolean };
  try {
    const parsed = parseArgs({
      args: [...argv],
      options: { 'runtime-profile': { type: 'string' }, 'level': { type: 'string' }, 'mode': { type: 'string' }, 'help': { type: 'boolean', short: 'h' } },
      allowPositionals: true,
      strict: true,
    });
    if (parsed.positionals.length > 0) return usageError(output, `admission-policy takes no arguments, got "${parsed.positionals[0]}"`);
    values = parsed.values;
  } catch (error) {
    const { code, message } = error as { code?: string; message: string };
    const option = /'(-[^' ,]*)/.exec(message)?.[1] ?? message;
    if (code === 'ERR_PARSE_ARGS_UNKNOWN_OPTION') return usageError(output, `unknown option "${option}" for admission-policy`);
    if (code === 'ERR_PARSE_ARGS_INVALID_OPTION_VALUE') return usageError(output, `${/(--[a-z-]+)/.exec(message)?.[1] ?? option} needs a value`);
    throw error;
  }
  if (values.help === true) {
    output.stdout(admissionPolicyUsage());
    return 0;
  }
  try {
    output.stdout(
      admissionPolicyYaml({
        runtimeProfile: values['runtime-profile'],
        level: values.level as PodSecurityLevel | undefined,
        mode: values.mode as AdmissionPolicyMode | undefined,
      }),
    );
    return 0;
  } catch (error) {
    if (!(error instanceof AdmissionPolicyOptionError)) throw error;
    return usageError(output, `${OPTION_FLAGS[error.option]} ${error.problem}`);
  }
}

/** The flag of each option. */
const OPTION_FLAGS: Record<keyof AdmissionPolicyOptions, string> = { runtimeProfile: '--runtime-profile', level: '--level', mode: '--mode' };

function usageError(output: CliOutput, message: string): number {
  output.stderr(`k8s-least-privilege: ${message}\nRun "k8s-least-privilege admission-policy --help" for usage.\n`);
  return 2;
}
