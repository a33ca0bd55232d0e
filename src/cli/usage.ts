/** The text of `--help`. */
export const MAIN_USAGE = `Usage: k8s-least-privilege <command> [options]

Commands:
  check PATH...   check Kubernetes manifests: can every container port bind, with
                  the least privilege, and which Pod Security level does each pod meet

Options:
  -h, --help      show this help (k8s-least-privilege check --help for the command's)
  -V, --version   print the version
`;

/** The text of `check --help`. */
export function checkUsage(runtimeProfiles: readonly string[]): string {
  return `Usage: k8s-least-privilege check [options] PATH...

PATH is a file, a directory (searched recursively for *.yaml, *.yml, *.json) or -
for standard input. Multi-document YAML, JSON and List objects are read.

Options:
  -f, --format FORMAT        human (default), json (the stable machine interface) or
                             sarif (SARIF 2.1.0, for code-scanning dashboards)
  --runtime-profile NAME     the container runtime the verdicts hold for; default
                             strict, which assumes no runtime help and so holds on all.
                             One of: ${runtimeProfiles.join(', ')}
  --pss-version VERSION      Pod Security Standards policy version: latest (default) or v1.N
  -c, --config FILE          a YAML/JSON config: runtimeProfile, podSecurityVersion and
                             suppressions [{rule, reason, kind?, name?, namespace?, container?}];
                             the flags above override it
  -h, --help                 show this help

Exit status: 0 no error finding; 1 at least one error finding; 2 an input or usage
error (every other document is still checked and reported).
`;
}
