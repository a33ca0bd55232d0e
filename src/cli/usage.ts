/** The text of `--help`. */
export const MAIN_USAGE = `Usage: k8s-least-privilege <command> [options]

Commands:
  check PATH...   check Kubernetes manifests: can every container port bind, with
                  the least privilege, and which Pod Security level does each pod meet
  post-render     check manifests on standard input and pass them on unchanged, the
                  report on standard error: a Helm post-renderer, or a filter in a pipe
  image inspect IMAGE
                  read an image (docker://, oci:, oci-archive:, docker-archive:): its
                  USER's uid and the file capabilities of the binary it runs
  admission-policy
                  print ValidatingAdmissionPolicies that enforce the same in the
                  cluster (| kubectl apply -f -)

Options:
  -h, --help      show this help (k8s-least-privilege check --help for the command's)
  -V, --version   print the version
`;

/** The text of `image --help`. */
export const IMAGE_USAGE = `Usage: k8s-least-privilege image inspect [options] IMAGE

IMAGE is an image in its registry, or on disk, read offline:
  docker://REF               from its registry (credentials as docker and podman keep them)
  oci:DIR[:tag]              an OCI image layout directory
  oci-archive:FILE[:tag]     an OCI archive (a tar of a layout)
  docker-archive:FILE[:ref]  a docker save / podman save archive
  PATH                       any of these, recognized by what it holds
Get one from a registry with: skopeo copy docker://nginx:1.27 oci-archive:nginx.tar

Prints the config's USER resolved through the image's /etc/passwd and /etc/group,
what Entrypoint/Cmd executes (through the image's PATH and symlinks; for a script,
the binary the capability must be on) and its file capabilities (security.capability).

Options:
  -b, --binary PATH          also show this file's capabilities (repeatable)
  -c, --config FILE          a config whose registry key (mirrors, plainHttp, timeoutSeconds …)
                             reaches docker:// images, as check's does
  -f, --format FORMAT        human (default) or json
  --platform OS/ARCH         the image of a multi-platform index (default linux/<this machine> on disk,
                             linux/amd64 from a registry)
  -h, --help                 show this help

Exit status: 0 read; 2 the image cannot be read (named, with what is wrong).
`;

/** The text of `check --help`. */
export function checkUsage(runtimeProfiles: readonly string[]): string {
  return `Usage: k8s-least-privilege check [options] PATH...

PATH is a file, a directory (searched recursively for *.yaml, *.yml, *.json) or -
for standard input. Multi-document YAML, JSON and List objects are read.

${checkOptions(runtimeProfiles)}
Fixing (docs/fix.md):
  --fix                      rewrite the files in place with the least-privilege fixes the
                             model confirms: a port that does not bind gets the planner's
                             plan for the workload's level (--level or its annotation), and
                             drop ALL, allowPrivilegeEscalation false and seccomp
                             RuntimeDefault are added where every port still binds. Comments,
                             key order, quoting and indentation are kept. With - the fixed
                             stream goes to standard output and the report to standard
                             error. Runs on one thread, whatever --jobs
  --dry-run                  with --fix: write nothing; print the fixes as a unified diff
                             (json: each fix with its diff; sarif: as the results' fixes)
  --app-port-configurable    with --fix: the applications can be told which port to listen
                             on, so a port that a Service of the input maps may move to a
                             high port (the Service's targetPort follows)

Exit status: 0 no error finding; 1 at least one error finding; 2 an input or usage
error (every other document is still checked and reported). With --fix, of the
check of the fixed input (with --dry-run, of the input as it is).
`;
}

/** The text of `post-render --help`. */
export function postRenderUsage(runtimeProfiles: readonly string[]): string {
  return `Usage: k8s-least-privilege post-render [options]

Checks the manifests on standard input as "check -" does and writes them on to
standard output unchanged, byte for byte, when no error is found; the report goes to
standard error. With an error finding or an input error, nothing goes to standard
output. A Helm 3 post-renderer:

  helm template CHART --post-renderer k8s-least-privilege --post-renderer-args post-render

${checkOptions(runtimeProfiles, `  --report-file FILE         write the report to FILE instead of standard error (Helm 4
                             does not show a post-renderer plugin's standard error)
`)}
Exit status: 0 no error finding (the manifests are on standard output); 1 at least one
error finding; 2 an input or usage error.
`;
}

/** The options `check` and `post-render` share, for their help, with the command's own (`extra`) before `--help`. */
function checkOptions(runtimeProfiles: readonly string[], extra = ''): string {
  return `Options:
  -f, --format FORMAT        human (default), json (the stable machine interface) or
                             sarif (SARIF 2.1.0, for code-scanning dashboards)
  --runtime-profile NAME     the container runtime the verdicts hold for; default
                             strict, which assumes no runtime help and so holds on all.
                             One of: ${runtimeProfiles.join(', ')}
  --pss-version VERSION      Pod Security Standards policy version: latest (default) or v1.N
  --level LEVEL              the Pod Security level every workload must meet: baseline
                             (default), restricted or privileged (no gate). Missing it is an
                             error (LP020); missing a stricter one stays a warning
  -c, --config FILE          a YAML/JSON config: runtimeProfile, podSecurityVersion, level,
                             suppressions [{rule, reason, kind?, name?, namespace?, container?}],
                             images, imageFacts and registry {mirrors, plainHttp, timeoutSeconds,
                             maxLayerBytes, concurrency, cacheDirectory, tagTtlSeconds};
                             the flags override it
  --image-facts MODE         where the image's USER and file capabilities come from:
                             registry (default: read the images the verdicts need from their
                             registries, cached), offline (read none: such verdicts are unknown,
                             with the question) or assume-none (no file capability unless annotated)
  --platform OS/ARCH         the image of a multi-platform index (default: the pod's
                             kubernetes.io/arch nodeSelector, else linux/amd64)
  --images MAP               a YAML/JSON map of image reference to image on disk
                             (nginx:1.27: oci-archive:nginx.tar): the images' USER and
                             file capabilities replace unknown and the annotations
  -j, --jobs N               threads that check the input: by default one fewer than the
                             cores (V8's own threads take most of one); an input under 4 MiB,
                             or one checked with an image map, uses one. The report is the
                             same, byte for byte, whatever N
${extra}  -h, --help                 show this help
`;
}
