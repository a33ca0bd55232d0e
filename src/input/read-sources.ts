import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';

/** One input file's text, or why it could not be read. */
export type InputSource =
  | { readonly file: string; readonly ok: true; readonly text: string }
  | { readonly file: string; readonly ok: false; readonly message: string };

/** The file name under which standard input is reported. */
export const STDIN_NAME = '<stdin>';

const MANIFEST_FILE = /\.(ya?ml|json)$/i;
const UTF8 = new TextDecoder('utf-8', { fatal: true });

/**
 * The inputs named on the command line, one file at a time, so memory holds one
 * file's text at once: files as given, directories walked recursively for
 * `*.yaml`, `*.yml` and `*.json` (sorted, symbolic links to directories not followed),
 * `-` for standard input.
 */
export function* readSources(paths: readonly string[]): Generator<InputSource> {
  for (const path of paths) {
    if (path === '-') {
      yield decode(STDIN_NAME, () => readFileSync(0));
      continue;
    }
    let isDirectory: boolean;
    try {
      isDirectory = statSync(path).isDirectory();
    } catch (error) {
      yield { file: path, ok: false, message: `cannot read: ${systemMessage(error)}` };
      continue;
    }
    if (isDirectory) yield* walk(path);
    else yield decode(path, () => readFileSync(path));
  }
}

function* walk(directory: string): Generator<InputSource> {
  let entries;
  try {
    entries = readdirSync(directory, { withFileTypes: true }).sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  } catch (error) {
    yield { file: directory, ok: false, message: `cannot read the directory: ${systemMessage(error)}` };
    return;
  }
  for (const entry of entries) {
    const path = join(directory, entry.name);
    if (entry.isDirectory()) yield* walk(path);
    else if ((entry.isFile() || entry.isSymbolicLink()) && MANIFEST_FILE.test(entry.name)) yield decode(path, () => readFileSync(path));
  }
}

function decode(file: string, read: () => Buffer): InputSource {
  let bytes: Buffer;
  try {
    bytes = read();
  } catch (error) {
    return { file, ok: false, message: `cannot read: ${systemMessage(error)}` };
  }
  try {
    return { file, ok: true, text: UTF8.decode(bytes) };
  } catch {
    return { file, ok: false, message: 'not UTF-8 text (Kubernetes manifests are UTF-8): is it a binary file?' };
  }
}

function systemMessage(error: unknown): string {
  const code = (error as NodeJS.ErrnoException).code;
  if (code === 'ENOENT') return 'no such file or directory';
  if (code === 'EACCES') return 'permission denied';
  if (code === 'EISDIR') return 'is a directory';
  return error instanceof Error ? error.message : String(error);
}
