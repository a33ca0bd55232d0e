import type { ParseArgsConfig } from 'node:util';
import { parseArgs } from 'node:util';

/** Output formats of `check`. */
export type OutputFormat = 'human' | 'json' | 'sarif';

const FORMATS: readonly OutputFormat[] = ['human', 'json', 'sarif'];

/** The most threads `--jobs` may ask for: far beyond any machine's cores, where more only cost. */
const MAX_JOBS = 1024;

/** What the command line asks for. */
export type Command =
  | { readonly name: 'help'; readonly topic: 'main' | 'check' | 'post-render' | 'image' }
  | { readonly name: 'version' }
  | {
    readonly name: 'check';
    readonly paths: readonly string[];
    readonly format: OutputFormat;
    /** `--runtime-profile`, when given. */
    readonly runtimeProfile: string | undefined;
    /** `--pss-version`, when given. */
    readonly podSecurityVersion: string | undefined;
    /** `--config`, when given. */
    readonly configFile: string | undefined;
    /** `--images`, when given: a YAML/JSON map of image reference → local image. */
    readonly imagesFile?: string;
    /** `--platform`, when given: which image of a multi-platform index to read. */
    readonly platform?: string;
    /** `--image-facts`, when given: `registry`, `offline` or `assume-none`. */
    readonly imageFacts?: string;
    /** `--level`, when given: the Pod Security level every workload must meet. */
    readonly level?: string;
    /** `--jobs`, when given: how many threads check the input (default: one fewer than the cores). */
    readonly jobs?: number;
    /**
     * `post-render`: the check of standard input (`paths` is `-`) as a Helm post-renderer, the input
     * written on unchanged to standard output when nothing fails, and the report to standard error.
     * @default false: `check`
     */
    readonly postRender?: boolean;
    /**
     * `--report-file` (with `post-render`): where the report goes instead of standard error, which
     * Helm 4 does not show for a post-renderer plugin.
     * @default standard error
     */
    readonly reportFile?: string;
    /** `--fix`: rewrite the inputs with the least-privilege fixes the model confirms (docs/fix.md). @default false */
    readonly fix?: boolean;
    /** `--dry-run` (with `--fix`): print the fixes as a unified diff (or SARIF suggestions) and write nothing. @default false */
    readonly dryRun?: boolean;
    /** `--app-port-configurable` (with `--fix`): a port a Service of the input maps may move to a high port. @default false */
    readonly appPortConfigurable?: boolean;
  }
  | {
    readonly name: 'image-inspect';
    /** The image: `oci:DIR[:tag]`, `oci-archive:FILE[:tag]`, `docker-archive:FILE[:ref]` or a path. */
    readonly image: string;
    /** `--binary` paths whose file capabilities to show besides the entrypoint's. */
    readonly binaries: readonly string[];
    readonly format: 'human' | 'json';
    /** `--platform`, when given. */
    readonly platform: string | undefined;
    /** `--config`, when given: its `registry` settings reach `docker://` images. */
    readonly configFile?: string;
  };

/** A command line that cannot be run, with what to do. */
export class UsageError extends Error {}

/**
 * Node's own option parser, with its errors turned into usage errors that say what to do:
 * options take their value as the next word or after `=`; `--` ends the options.
 */
function parseOptions<T extends ParseArgsConfig['options']>(argv: readonly string[], options: T) {
  try {
    return parseArgs({ args: [...argv], options, allowPositionals: true, strict: true });
  } catch (error) {
    const { code, message } = error as { code?: string; message: string };
    const option = /'(-[^']*)'/.exec(message)?.[1];
    if (code === 'ERR_PARSE_ARGS_UNKNOWN_OPTION') throw new UsageError(`unknown option "${option?.split(' ')[0] ?? message}"`);
    if (code === 'ERR_PARSE_ARGS_INVALID_OPTION_VALUE') throw new UsageError(`${longNameIn(message) ?? option} needs a value`);
    throw error;
  }
}

/** `--format` out of Node's "Option '-f, --format <value>' argument missing". */
function longNameIn(message: string): string | undefined {
  return /(--[a-z-]+)/.exec(message)?.[1];
}

/**
 * Reads the command line (without `node` and the script). Options take their value
 * as the next word or after `=`; `--` ends the options.
 */
export function parseArguments(argv: readonly string[]): Command {
  const [command, ...rest] = argv;
  if (command === undefined || command === '--help' || command === '-h' || command === 'help') return { name: 'help', topic: 'main' };
  if (command === '--version' || command === '-V') return { name: 'version' };
  if (command === 'image') return parseImageArguments(rest);
  const postRender = command === 'post-render';
  if (command !== 'check' && !postRender) throw new UsageError(`unknown command "${command}"; the commands are "check", "post-render" and "image inspect"`);
  const { values, positionals } = parseOptions(rest, {
    'help': { type: 'boolean', short: 'h' },
    'format': { type: 'string', short: 'f', default: 'human' },
    'runtime-profile': { type: 'string' },
    'pss-version': { type: 'string' },
    'level': { type: 'string' },
    'config': { type: 'string', short: 'c' },
    'images': { type: 'string' },
    'platform': { type: 'string' },
    'image-facts': { type: 'string' },
    'jobs': { type: 'string', short: 'j' },
    'fix': { type: 'boolean' },
    'dry-run': { type: 'boolean' },
    'app-port-configurable': { type: 'boolean' },
    'report-file': { type: 'string' },
  });
  if (values.help === true) return { name: 'help', topic: postRender ? 'post-render' : 'check' };
  const format = values.format;
  if (!FORMATS.includes(format as OutputFormat)) throw new UsageError(`--format must be one of ${FORMATS.join(', ')}, not "${format}"`);
  if (postRender && positionals.length > 0) throw new UsageError(`post-render reads the manifests from standard input and takes no PATH, not "${positionals[0]}"`);
  if (!postRender && positionals.length === 0) throw new UsageError('name at least one file or directory to check (or - for standard input)');
  const fix = fixFlags(values, postRender);
  const reportFile = values['report-file'];
  if (reportFile !== undefined && !postRender) throw new UsageError('--report-file goes with post-render, whose standard output is the manifests; check writes its report to standard output');
  if (reportFile === '') throw new UsageError('--report-file needs a file name');
  const jobs = values.jobs;
  if (jobs !== undefined && !(/^[1-9][0-9]{0,3}$/.test(jobs) && Number(jobs) <= MAX_JOBS)) {
    throw new UsageError(`--jobs must be a whole number from 1 to ${MAX_JOBS}, not "${jobs}"`);
  }
  return {
    name: 'check',
    paths: postRender ? ['-'] : positionals,
    format: format as OutputFormat,
    runtimeProfile: values['runtime-profile'],
    podSecurityVersion: values['pss-version'],
    configFile: values.config,
    ...(values.images === undefined ? {} : { imagesFile: values.images }),
    ...(values.platform === undefined ? {} : { platform: values.platform }),
    ...(values['image-facts'] === undefined ? {} : { imageFacts: values['image-facts'] }),
    ...(values.level === undefined ? {} : { level: values.level }),
    ...(jobs === undefined ? {} : { jobs: Number(jobs) }),
    ...(postRender ? { postRender } : {}),
    ...(reportFile === undefined ? {} : { reportFile }),
    ...fix,
  };
}

/** `--fix` and the flags that only go with it: `--dry-run`, `--app-port-configurable`. */
function fixFlags(values: { 'fix'?: boolean; 'dry-run'?: boolean; 'app-port-configurable'?: boolean }, postRender: boolean) {
  const fix = values.fix === true;
  for (const flag of ['dry-run', 'app-port-configurable'] as const) {
    if (values[flag] === true && !fix) throw new UsageError(`--${flag} goes with --fix: add --fix, or leave --${flag} out`);
  }
  if (fix && postRender) throw new UsageError('post-render passes the manifests on unchanged and takes no --fix: run "check --fix" instead');
  return {
    ...(fix ? { fix } : {}),
    ...(values['dry-run'] === true ? { dryRun: true } : {}),
    ...(values['app-port-configurable'] === true ? { appPortConfigurable: true } : {}),
  };
}

/** `image inspect IMAGE [--binary PATH]… [--format human|json] [--platform OS/ARCH]`. */
function parseImageArguments(argv: readonly string[]): Command {
  const [subcommand, ...rest] = argv;
  if (subcommand === undefined || subcommand === '--help' || subcommand === '-h') return { name: 'help', topic: 'image' };
  if (subcommand !== 'inspect') throw new UsageError(`unknown command "image ${subcommand}"; the command is "image inspect"`);
  const { values, positionals } = parseOptions(rest, {
    help: { type: 'boolean', short: 'h' },
    binary: { type: 'string', short: 'b', multiple: true, default: [] },
    format: { type: 'string', short: 'f', default: 'human' },
    platform: { type: 'string' },
    config: { type: 'string', short: 'c' },
  });
  if (values.help === true) return { name: 'help', topic: 'image' };
  const format = values.format;
  if (format !== 'human' && format !== 'json') throw new UsageError(`--format must be human or json, not "${format}"`);
  if (positionals.length !== 1) throw new UsageError('name one image: oci:DIR[:tag], oci-archive:FILE[:tag] or docker-archive:FILE');
  return {
    name: 'image-inspect',
    image: positionals[0],
    binaries: values.binary,
    format,
    platform: values.platform,
    ...(values.config === undefined ? {} : { configFile: values.config }),
  };
}
