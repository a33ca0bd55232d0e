/**
 * The one rule for the path of a binary in an image, wherever the planner takes one: the intent's
 * `binary`, `BindStrategy.fileCapability({ binary })`, the faces' `binary` props (through
 * intent-rules' `binary` rule), `fileCapabilityDockerfileLines`, and the binary an image inspection
 * says the container runs.
 *
 * The path ends up as one word of a Dockerfile line, `RUN … && setcap cap_net_bind_service=+ep <path>`,
 * which the image's `/bin/sh -c` reads, and in remedies as a quoted string. So it is accepted when it
 * is absolute (starts with `/`) and holds only ASCII letters, digits and `/ . _ - + @ , : =`:
 * characters that the shell, and Docker's line continuation, take as they are. Refused are
 * whitespace (a space splits the word: setcap marks `/usr/bin/my` and fails on `server`), control
 * characters (a newline ends the `RUN` line), quotes, `\` (escape and line continuation), `$` and
 * backquotes (expansion), `; & | < > ( )` (separators and redirections), `* ? [ ] { } ~ # !`
 * (globs, tilde, comment, history), `%` and every non-ASCII character (invisible or look-alike
 * characters have no place in a privileged `RUN` line). A binary at such a path can be linked or
 * moved to one that fits.
 */
import type { InputProblem, ValueRule } from './input-validation';
import { inputError } from './input-validation';

/** What the rule accepts, as errors say for a value of the wrong type or a relative path. */
const ACCEPTED = 'an absolute path in the image without whitespace, e.g. "/usr/local/bin/server"';

/** What the rule accepts, as errors say for a path with a character it refuses. */
const ACCEPTED_CHARACTERS =
  'an absolute path in the image of ASCII letters, digits and / . _ - + @ , : = only (no whitespace, quotes, control or other characters ' +
  'that the shell of a Dockerfile RUN setcap line reads specially), e.g. "/usr/local/bin/server"';

/** An absolute path of the accepted characters. */
const BINARY_PATH_PATTERN = /^\/[A-Za-z0-9/._+@,:=-]*$/;

/**
 * A binary `setcap` marks: an absolute path in the image of ASCII letters, digits and
 * `/ . _ - + @ , : =` (a word of a Dockerfile `RUN` line). A value of another type is a
 * `TypeError`; a relative path, or one with another character, a `RangeError`.
 */
export const BINARY_PATH: ValueRule = {
  accepted: ACCEPTED,
  problems: (value): readonly InputProblem[] => {
    if (typeof value !== 'string') return [{ path: '', value, accepted: ACCEPTED, wrongType: true }];
    if (BINARY_PATH_PATTERN.test(value)) return [];
    return [{ path: '', value, accepted: value.startsWith('/') ? ACCEPTED_CHARACTERS : ACCEPTED, wrongType: false }];
  },
};

/**
 * Checks one binary path with {@link BINARY_PATH}.
 *
 * @param entry who takes the path, as messages name it: `planPrivilegedPort`, `the image inspection of oci:app.tar`
 * @param prop where the path is, as messages name it: `binary`, `capabilityTarget.path`
 * @throws TypeError when `path` is not a string
 * @throws RangeError when it is not an absolute path of the accepted characters
 */
export function requireBinaryPath(entry: string, prop: string, path: unknown): void {
  const [problem] = BINARY_PATH.problems(path);
  if (problem !== undefined) throw inputError(entry, { ...problem, path: `.${prop}` });
}
