import type { Dirent } from 'node:fs';
import { readdirSync, realpathSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { describeSystemError, FileReadError, isInsideDirectory, readRegularFile, readStandardInput } from './read-regular-file';

/**
 * One input file's text, or why it could not be read. `reread` reads the file again as it was
 * read (a checker that cannot keep a large input reads it twice); standard input has none.
 */
export type InputSource =
  | { readonly file: string; readonly ok: true; readonly text: string; readonly reread?: () => InputSource }
  | { readonly file: string; readonly ok: false; readonly message: string };

/** The file name under which standard input is reported. */
export const STDIN_NAME = '<stdin>';

const MANIFEST_FILE = /\.(ya?ml|json)$/i;
/**
 * What `cdk8s synth` writes beside the manifests when validations are configured: its construct
 * metadata, not a Kubernetes object. Skipped in a directory (named on its own, it is read).
 */
const CDK8S_CONSTRUCT_METADATA = 'construct-metadata.json';
const UTF8 = new TextDecoder('utf-8', { fatal: true });

/**
 * The inputs named on the command line, one file at a time, so memory holds one
 * file's text at once: files as given, directories walked recursively for
 * `*.yaml`, `*.yml` and `*.json` (sorted), `-` for standard input (read by `readStdin`). Only regular files are
 * read, each up to the file-size limit (`K8S_LEAST_PRIVILEGE_MAX_FILE_SIZE`). In a directory,
 * symbolic links to directories are not followed, and a symbolic link to a file is followed
 * only when the file is inside the directory given: one that leads outside is an error entry,
 * never read (a repository under review must not make the checker read the host's files).
 */
export function* readSources(paths: readonly string[], readStdin: () => Buffer = readStandardInput): Generator<InputSource> {
  for (const path of paths) {
    if (path === '-') {
      yield decode(STDIN_NAME, readStdin, '', false);
      continue;
    }
    let isDirectory: boolean;
    try {
      isDirectory = statSync(path).isDirectory();
    } catch (error) {
      yield unreadable(path, describeSystemError(error));
      continue;
    }
    if (isDirectory) yield* walkGiven(path);
    else yield decode(path, () => readRegularFile(path), '; pipe manifests to standard input and name it -');
  }
}

function* walkGiven(directory: string): Generator<InputSource> {
  let root: string;
  try {
    root = realpathSync(directory);
  } catch (error) {
    yield { file: directory, ok: false, message: `cannot read the directory: ${describeSystemError(error)}` };
    return;
  }
  yield* walk(directory, { given: directory, root });
}

/** The directory given on the command line: as written, and resolved. */
interface WalkRoot {
  readonly given: string;
  readonly root: string;
}

function* walk(directory: string, walkRoot: WalkRoot): Generator<InputSource> {
  let entries: Dirent[];
  try {
    entries = readdirSync(directory, { withFileTypes: true }).sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  } catch (error) {
    yield { file: directory, ok: false, message: `cannot read the directory: ${describeSystemError(error)}` };
    return;
  }
  for (const entry of entries) {
    const path = join(directory, entry.name);
    if (entry.isDirectory()) yield* walk(path, walkRoot);
    else if (!MANIFEST_FILE.test(entry.name) || entry.name === CDK8S_CONSTRUCT_METADATA) continue;
    else if (entry.isSymbolicLink()) yield followLink(path, walkRoot);
    // Not followed even if it became a link since the listing; a FIFO or a device is refused unopened.
    else yield decode(path, () => readRegularFile(path, { noFollow: true }));
  }
}

/** A `*.yaml` symbolic link met in a walk: read only if it resolves inside the directory given. */
function followLink(path: string, { given, root }: WalkRoot): InputSource {
  let target: string;
  try {
    target = realpathSync(path);
  } catch (error) {
    return unreadable(path, `a symbolic link to nothing readable (${describeSystemError(error)})`);
  }
  if (!isInsideDirectory(root, target)) {
    return unreadable(path, `a symbolic link that leads outside ${given}, the directory given; not followed (name its target on the command line to check it)`);
  }
  return decode(path, () => readRegularFile(target, { noFollow: true }));
}

function decode(file: string, read: () => Buffer, pipeHint = '', rereadable = true): InputSource {
  let bytes: Buffer;
  try {
    bytes = read();
  } catch (error) {
    const irregular = error instanceof FileReadError && error.code === 'EFTYPE';
    return unreadable(file, `${describeSystemError(error)}${irregular ? pipeHint : ''}`);
  }
  try {
    const text = UTF8.decode(bytes);
    return rereadable ? { file, ok: true, text, reread: () => decode(file, read, pipeHint) } : { file, ok: true, text };
  } catch {
    return { file, ok: false, message: 'not UTF-8 text (Kubernetes manifests are UTF-8): is it a binary file?' };
  }
}

function unreadable(file: string, problem: string): InputSource {
  return { file, ok: false, message: `cannot read: ${problem}` };
}
