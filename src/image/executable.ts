import type { ImageFile, ImageFilesystem } from './image-filesystem';
import type { VfsCapability } from './vfs-capability';
import { decodeVfsCapability } from './vfs-capability';

/** What a path or command name is in the image, as exec would find it. */
export interface Executable {
  /** The command name or path as given. */
  readonly requested: string;
  /** Its path in the image with every symlink resolved, when it exists. */
  readonly path: string | undefined;
  /** The symlinks followed, `link -> target`. */
  readonly symlinks: readonly string[];
  /**
   * `elf` (an ELF binary), `script` (`#!`), `other` (an executable of another kind),
   * `missing`, `not-executable` (no x bit), `directory`.
   */
  readonly kind: 'elf' | 'script' | 'other' | 'missing' | 'not-executable' | 'directory';
  /** Its `security.capability`, decoded, when it has one. */
  readonly capability: VfsCapability | undefined;
  /** Why its `security.capability` cannot be decoded, when it cannot (the kernel then refuses the exec). */
  readonly capabilityError: string | undefined;
  /** A script's `#!` line, without `#!`. */
  readonly shebang: string | undefined;
  /** A script's interpreter, as the kernel runs it (and `env`'s target, for `#!/usr/bin/env NAME`). */
  readonly interpreter: Executable | undefined;
  /** Why exec fails, when it does. */
  readonly problem: string | undefined;
}

/** Where exec looks for a command name. */
export interface ExecContext {
  /** The directories of PATH, in order. */
  readonly path: readonly string[];
  /** The working directory, for relative paths. */
  readonly workingDir: string;
}

/** containerd's default PATH when the image sets none (oci.WithDefaultPathEnv). */
export const DEFAULT_PATH = '/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin';
/** binfmt_script's nesting limit (BINPRM_MAX_RECURSION). */
const MAX_INTERPRETER_DEPTH = 4;
const SHELLS = new Set(['sh', 'bash', 'dash', 'ash', 'busybox', 'zsh', 'ksh', 'mksh', 'yash']);

/**
 * Finds what exec runs for `command` in the image: a name without `/` through PATH (runc
 * resolves it with the container's PATH before exec), a path as is; then, for a script,
 * its interpreter, as binfmt_script does.
 */
export function findExecutable(filesystem: ImageFilesystem, command: string, context: ExecContext, depth = 0): Executable {
  if (command.includes('/')) {
    const absolute = command.startsWith('/') ? command : `${context.workingDir.replace(/\/$/, '')}/${command}`;
    return describeFile(filesystem, command, absolute, context, depth);
  }
  let notExecutable: Executable | undefined;
  for (const directory of context.path) {
    if (directory === '') continue;
    const candidate = describeFile(filesystem, command, `${directory.replace(/\/$/, '')}/${command}`, context, depth);
    if (candidate.kind === 'missing' || candidate.kind === 'directory') continue;
    if (candidate.kind === 'not-executable') {
      notExecutable ??= candidate;
      continue;
    }
    return candidate;
  }
  return (
    notExecutable ?? {
      ...empty(command),
      kind: 'missing',
      problem: `"${command}" is not in any directory of the image's PATH (${context.path.join(':')}): exec fails (executable file not found in $PATH)`,
    }
  );
}

/** The binary a capability must be on for `argv` to bind with it, and how it was found. */
export interface CapabilityTarget {
  /** What `argv[0]` is. */
  readonly executable: Executable;
  /** The file whose file capabilities the listening process gets, when the image tells. */
  readonly target: Executable | undefined;
  /** How the target was found when it is not `argv[0]` itself. */
  readonly note: string | undefined;
  /**
   * `true` when the target is a guess: the container starts a script, and what a script runs
   * is not read. Then a target without the capability proves nothing (the script may run
   * another program): the verdict is `unknown`, not `denied`.
   */
  readonly assumed: boolean;
  /**
   * How the target was found: `argv[0]` itself, the command of an init wrapper, a script's
   * arguments (`exec "$@"`), or a script's interpreter.
   */
  readonly via: 'itself' | 'wrapper' | 'arguments' | 'interpreter' | 'none';
}

/**
 * Init wrappers that run their command as a child or exec it: the capability that matters is on
 * the command, not on the wrapper (a child's exec computes its capabilities from its own file).
 * The number is how many arguments after the options name something else (su-exec's user).
 */
const WRAPPERS: ReadonlyMap<string, { readonly valued: ReadonlySet<string>; readonly skip: number }> = new Map([
  ['tini', { valued: new Set(['-p', '-e']), skip: 0 }],
  ['tini-static', { valued: new Set(['-p', '-e']), skip: 0 }],
  ['docker-init', { valued: new Set(['-p', '-e']), skip: 0 }],
  ['dumb-init', { valued: new Set(['-r', '--rewrite']), skip: 0 }],
  ['catatonit', { valued: new Set(), skip: 0 }],
  ['su-exec', { valued: new Set(), skip: 1 }],
  ['gosu', { valued: new Set(), skip: 1 }],
]);

/**
 * Which file's capabilities the process that listens gets when the container runs `argv`.
 * An ELF binary: itself, or for an init wrapper (tini, dumb-init, su-exec, gosu …) the command
 * it runs. A script: a guess ({@link CapabilityTarget.assumed}) — a shell wrapper with arguments
 * after it (`/docker-entrypoint.sh nginx -g …`) is taken to `exec "$@"`, so its first argument
 * (through `sh -c "… && nginx …"`, the last command of the string) is what listens; else the
 * script's interpreter, since the kernel execs the interpreter and ignores a script's own xattr.
 */
export function capabilityTargetOf(filesystem: ImageFilesystem, argv: readonly string[], context: ExecContext): CapabilityTarget {
  if (argv.length === 0) {
    return { executable: { ...empty(''), kind: 'missing', problem: 'the image sets no Entrypoint or Cmd and the container no command' }, target: undefined, note: undefined, assumed: false, via: 'none' };
  }
  const executable = findExecutable(filesystem, argv[0], context);
  if (executable.problem !== undefined) return { executable, target: undefined, note: undefined, assumed: false, via: 'none' };
  if (executable.kind !== 'script') {
    const wrapped = wrappedCommand(executable, argv);
    if (wrapped === undefined) return { executable, target: executable, note: undefined, assumed: false, via: 'itself' };
    const inner = capabilityTargetOf(filesystem, wrapped, context);
    const note = `${executable.path} runs ${wrapped[0]}, whose own file capability counts`;
    return { ...inner, executable, note: inner.note === undefined ? note : `${note}; ${inner.note}`, via: inner.via === 'itself' ? 'wrapper' : inner.via };
  }
  const interpreter = finalInterpreter(executable);
  if (interpreter === undefined || interpreter.problem !== undefined) return { executable, target: undefined, note: undefined, assumed: true, via: 'none' };
  const shell = SHELLS.has(basename(interpreter.path ?? interpreter.requested));
  const command = shell ? commandAfterShell(filesystem, argv.slice(1), context) : undefined;
  if (command !== undefined) {
    return {
      executable,
      target: command.target,
      note: `assuming the entrypoint script ${executable.path} execs its arguments (exec "$@"), so ${command.name} is what listens`,
      assumed: true,
      via: 'arguments',
    };
  }
  return { executable, target: interpreter, note: `the interpreter of the script ${executable.path}`, assumed: true, via: 'interpreter' };
}

/** The command an init wrapper runs, when `executable` is one. */
function wrappedCommand(executable: Executable, argv: readonly string[]): string[] | undefined {
  const wrapper = WRAPPERS.get(basename(executable.path ?? executable.requested));
  if (wrapper === undefined) return undefined;
  let index = 1;
  while (index < argv.length && argv[index].startsWith('-')) {
    if (argv[index] === '--') {
      index++;
      break;
    }
    index += wrapper.valued.has(argv[index]) ? 2 : 1;
  }
  index += wrapper.skip;
  return index < argv.length ? argv.slice(index) : undefined;
}

/**
 * The program a shell wrapper's arguments run, when they name one: the first argument, or for
 * `sh -c STRING` the first word of STRING's last command (after `&&`, `;`, `||`, `|`), skipping
 * `exec` and variable assignments. A script again, or a word that is not a program: no answer.
 */
function commandAfterShell(
  filesystem: ImageFilesystem,
  args: readonly string[],
  context: ExecContext,
): { name: string; target: Executable } | undefined {
  if (args.length === 0) return undefined;
  let name = args[0];
  const shell = findExecutable(filesystem, name, context);
  if (shell.problem === undefined && SHELLS.has(basename(shell.path ?? name)) && args[1] === '-c' && args[2] !== undefined) {
    const words = lastCommandWords(args[2]).filter((word) => word !== 'exec' && !/^[A-Za-z_][A-Za-z0-9_]*=/.test(word));
    if (words[0] === undefined) return undefined;
    name = words[0];
  }
  const target = findExecutable(filesystem, name, context);
  return target.problem === undefined && target.kind !== 'script' ? { name, target } : undefined;
}

/** The last interpreter of a chain of scripts (the binary the kernel finally runs). */
export function finalInterpreter(executable: Executable): Executable | undefined {
  let current = executable.interpreter;
  while (current?.interpreter !== undefined) current = current.interpreter;
  return current;
}

function describeFile(filesystem: ImageFilesystem, requested: string, path: string, context: ExecContext, depth: number): Executable {
  const found = filesystem.lookup(path);
  if (!found.ok) return { ...empty(requested), kind: 'missing', problem: `${found.reason}: exec fails (no such file or directory)` };
  const file = found.file;
  const base = { ...empty(requested), path: found.path, symlinks: found.symlinks };
  if (file.type === 'directory') return { ...base, kind: 'directory', problem: `${found.path} is a directory: exec fails (permission denied)` };
  if (file.type !== 'file' || (file.mode & 0o111) === 0) {
    return { ...base, kind: 'not-executable', problem: `${found.path} has no execute permission (mode ${(file.mode & 0o7777).toString(8)}): exec fails (permission denied)` };
  }
  const { capability, capabilityError } = capabilityOf(file);
  const head = file.head ?? Buffer.alloc(0);
  if (head[0] === 0x7f && head.toString('latin1', 1, 4) === 'ELF') return { ...base, kind: 'elf', capability, capabilityError };
  if (head[0] !== 0x23 || head[1] !== 0x21) return { ...base, kind: 'other', capability, capabilityError };
  const newline = head.indexOf(0x0a);
  const shebang = head.toString('utf8', 2, newline < 0 ? head.length : newline).trim();
  const script = { ...base, kind: 'script' as const, capability, capabilityError, shebang };
  if (depth >= MAX_INTERPRETER_DEPTH) return { ...script, problem: `${found.path}: scripts nest deeper than the kernel allows (ELOOP)` };
  const [interpreterPath, ...args] = shebang.split(/[ \t]+/).filter((word) => word !== '');
  if (interpreterPath === undefined) return { ...script, problem: `${found.path} starts with an empty #! line: exec fails (ENOEXEC)` };
  let interpreter = describeFile(filesystem, interpreterPath, interpreterPath.startsWith('/') ? interpreterPath : `${context.workingDir}/${interpreterPath}`, context, depth + 1);
  // `#!/usr/bin/env NAME` (or `env -S NAME ARGS`): env execs NAME through PATH, and the
  // capability must be on NAME — a capability on env would not survive its exec of NAME.
  if (interpreter.problem === undefined && basename(interpreter.path ?? '') === 'env') {
    const name = args.join(' ').replace(/^-S\s*/, '').split(/\s+/)[0];
    if (name !== undefined && name !== '') interpreter = { ...interpreter, interpreter: findExecutable(filesystem, name, context, depth + 1) };
  }
  const failed = interpreter.problem ?? finalInterpreter(interpreter)?.problem;
  return { ...script, interpreter, problem: failed === undefined ? undefined : `the interpreter of ${found.path} (#!${shebang}) fails: ${failed}` };
}

function capabilityOf(file: ImageFile): { capability: VfsCapability | undefined; capabilityError: string | undefined } {
  if (file.capability === undefined) return { capability: undefined, capabilityError: undefined };
  const decoded = decodeVfsCapability(file.capability);
  return typeof decoded === 'string' ? { capability: undefined, capabilityError: decoded } : { capability: decoded, capabilityError: undefined };
}

function empty(requested: string): Executable {
  return {
    requested,
    path: undefined,
    symlinks: [],
    kind: 'missing',
    capability: undefined,
    capabilityError: undefined,
    shebang: undefined,
    interpreter: undefined,
    problem: undefined,
  };
}

/**
 * The words of the last command of a `sh -c` string: split on `&&`, `||`, `;`, `|` and newlines
 * outside quotes, then on blanks, quotes removed. Enough to name the program a wrapper ends with;
 * not a shell (no expansions: a word with `$` is returned as written and names no file).
 */
function lastCommandWords(script: string): string[] {
  let words: string[] = [];
  let word = '';
  let quote: string | undefined;
  const endWord = () => {
    if (word !== '') words.push(word);
    word = '';
  };
  for (let i = 0; i < script.length; i++) {
    const char = script[i];
    if (quote !== undefined) {
      if (char === quote) quote = undefined;
      else word += char;
    } else if (char === '"' || char === "'") {quote = char;} else if (char === ';' || char === '|' || char === '&' || char === '\n') {
      endWord();
      words = [];
    } else if (char === ' ' || char === '\t') {endWord();} else {word += char;}
  }
  endWord();
  return words;
}

function basename(path: string): string {
  return path.slice(path.lastIndexOf('/') + 1);
}
