/** Output formats of `check`. */
export type OutputFormat = 'human' | 'json' | 'sarif';

const FORMATS: readonly OutputFormat[] = ['human', 'json', 'sarif'];

/** What the command line asks for. */
export type Command =
  | { readonly name: 'help'; readonly topic: 'main' | 'check' | 'image' }
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
 * Reads the command line (without `node` and the script). Options take their value
 * as the next word or after `=`; `--` ends the options.
 */
export function parseArguments(argv: readonly string[]): Command {
  const [command, ...rest] = argv;
  if (command === undefined || command === '--help' || command === '-h' || command === 'help') return { name: 'help', topic: 'main' };
  if (command === '--version' || command === '-V') return { name: 'version' };
  if (command === 'image') return parseImageArguments(rest);
  if (command !== 'check') throw new UsageError(`unknown command "${command}"; the commands are "check" and "image inspect"`);
  const paths: string[] = [];
  let format: string = 'human';
  let runtimeProfile: string | undefined;
  let podSecurityVersion: string | undefined;
  let configFile: string | undefined;
  let imagesFile: string | undefined;
  let platform: string | undefined;
  let imageFacts: string | undefined;
  let level: string | undefined;
  for (let i = 0; i < rest.length; i++) {
    const word = rest[i];
    if (word === '--') {
      paths.push(...rest.slice(i + 1));
      break;
    }
    if (word === '-' || !word.startsWith('-')) {
      paths.push(word);
      continue;
    }
    const [flag, inlineValue] = word.includes('=') ? [word.slice(0, word.indexOf('=')), word.slice(word.indexOf('=') + 1)] : [word, undefined];
    if (flag === '--help' || flag === '-h') return { name: 'help', topic: 'check' };
    const value = () => {
      if (inlineValue !== undefined) return inlineValue;
      const next = rest[++i];
      if (next === undefined) throw new UsageError(`${flag} needs a value`);
      return next;
    };
    if (flag === '--format' || flag === '-f') format = value();
    else if (flag === '--runtime-profile') runtimeProfile = value();
    else if (flag === '--pss-version') podSecurityVersion = value();
    else if (flag === '--config' || flag === '-c') configFile = value();
    else if (flag === '--images') imagesFile = value();
    else if (flag === '--platform') platform = value();
    else if (flag === '--image-facts') imageFacts = value();
    else if (flag === '--level') level = value();
    else throw new UsageError(`unknown option "${flag}"`);
  }
  if (!FORMATS.includes(format as OutputFormat)) throw new UsageError(`--format must be one of ${FORMATS.join(', ')}, not "${format}"`);
  if (paths.length === 0) throw new UsageError('name at least one file or directory to check (or - for standard input)');
  return {
    name: 'check',
    paths,
    format: format as OutputFormat,
    runtimeProfile,
    podSecurityVersion,
    configFile,
    ...(imagesFile === undefined ? {} : { imagesFile }),
    ...(platform === undefined ? {} : { platform }),
    ...(imageFacts === undefined ? {} : { imageFacts }),
    ...(level === undefined ? {} : { level }),
  };
}

/** `image inspect IMAGE [--binary PATH]… [--format human|json] [--platform OS/ARCH]`. */
function parseImageArguments(argv: readonly string[]): Command {
  const [subcommand, ...rest] = argv;
  if (subcommand === undefined || subcommand === '--help' || subcommand === '-h') return { name: 'help', topic: 'image' };
  if (subcommand !== 'inspect') throw new UsageError(`unknown command "image ${subcommand}"; the command is "image inspect"`);
  const images: string[] = [];
  const binaries: string[] = [];
  let format = 'human';
  let platform: string | undefined;
  let configFile: string | undefined;
  for (let i = 0; i < rest.length; i++) {
    const word = rest[i];
    if (!word.startsWith('-')) {
      images.push(word);
      continue;
    }
    const [flag, inlineValue] = word.includes('=') ? [word.slice(0, word.indexOf('=')), word.slice(word.indexOf('=') + 1)] : [word, undefined];
    if (flag === '--help' || flag === '-h') return { name: 'help', topic: 'image' };
    const value = () => {
      if (inlineValue !== undefined) return inlineValue;
      const next = rest[++i];
      if (next === undefined) throw new UsageError(`${flag} needs a value`);
      return next;
    };
    if (flag === '--binary' || flag === '-b') binaries.push(value());
    else if (flag === '--format' || flag === '-f') format = value();
    else if (flag === '--platform') platform = value();
    else if (flag === '--config' || flag === '-c') configFile = value();
    else throw new UsageError(`unknown option "${flag}"`);
  }
  if (format !== 'human' && format !== 'json') throw new UsageError(`--format must be human or json, not "${format}"`);
  if (images.length !== 1) throw new UsageError('name one image: oci:DIR[:tag], oci-archive:FILE[:tag] or docker-archive:FILE');
  return { name: 'image-inspect', image: images[0], binaries, format, platform, ...(configFile === undefined ? {} : { configFile }) };
}
