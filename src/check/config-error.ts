/** The one error of a configuration that is not valid, whichever enforcement point was given it. */
import { escapeControlCharacters } from '../input/untrusted-text';

/**
 * Settings that are not valid: a `--config` file, the cdk8s plugin's `properties:`, the Pulumi
 * policy config or command-line flags. The message names the source and, for each problem, the
 * setting (`suppressions[0].kind`), the value given and what is accepted. Control characters of
 * the input are escaped: a message goes to a terminal.
 */
export class ConfigError extends Error {
  /** What the settings came from: `--config app.yaml`, `cdk8s plugin properties`, `Pulumi policy config`. */
  public readonly source: string;
  /** Each problem, naming the setting, the value and what is accepted. */
  public readonly problems: readonly string[];

  constructor(source: string, problems: readonly string[]) {
    const lines = problems.map(escapeControlCharacters);
    const detail = lines.length === 1 ? lines[0] : `${lines.length} problems:${lines.map((line) => `\n  - ${line}`).join('')}`;
    super(`k8s-least-privilege: ${escapeControlCharacters(source)}: ${detail}`);
    this.name = 'ConfigError';
    this.source = source;
    this.problems = problems;
  }
}
