/**
 * Loads a YAML or JSON settings file — `--config`, an `--images` map — as untrusted input: a
 * regular file read within the file-size limit, and a parse error located by its line without
 * quoting the file (js-yaml's own message would print its lines).
 */
import * as jsYaml from 'js-yaml';
import { describeSystemError, readRegularFile } from './read-regular-file';
import { boundMessage } from './untrusted-text';

/** A settings file that cannot be read or parsed; the message says why, and the caller names the file. */
export class YamlFileError extends Error {}

/** The file's value (`undefined` when it is empty). @throws YamlFileError */
export function loadYamlFile(file: string): unknown {
  let text: string;
  try {
    text = readRegularFile(file).toString('utf8');
  } catch (error) {
    throw new YamlFileError(describeSystemError(error));
  }
  try {
    return jsYaml.load(text);
  } catch (error) {
    if (error instanceof jsYaml.YAMLException) {
      const line = error.mark?.line === undefined ? '' : ` at line ${error.mark.line + 1}`;
      throw new YamlFileError(`invalid YAML${line}: ${boundMessage(error.reason)}`);
    }
    if (error instanceof RangeError) throw new YamlFileError('invalid YAML: it nests too deeply to parse');
    throw error;
  }
}
