/**
 * The byte limits on untrusted input that a user may need to raise: one input file (a
 * manifest, standard input, `--config`, `--images`) and one image layer once decompressed.
 * They are environment variables rather than flags because every enforcement point reads
 * input — the CLI, the cdk8s plugin, the Pulumi policy pack — and only the CLI has flags; a
 * CI job sets a variable once for all of them. The other limits (tar entries, PAX records,
 * path lengths) are constants: nothing legitimate comes near them.
 */

/** A byte limit, its default and the variable that overrides it. */
export interface ByteLimit {
  /** The environment variable, e.g. `K8S_LEAST_PRIVILEGE_MAX_FILE_SIZE`. */
  readonly variable: string;
  /** The default in bytes. */
  readonly defaultBytes: number;
}

/** One input file, standard input included. */
export const MAX_FILE_SIZE: ByteLimit = { variable: 'K8S_LEAST_PRIVILEGE_MAX_FILE_SIZE', defaultBytes: 256 * 1024 ** 2 };

/** One image layer, decompressed (a tar stream of that many bytes). */
export const MAX_LAYER_SIZE: ByteLimit = { variable: 'K8S_LEAST_PRIVILEGE_MAX_LAYER_SIZE', defaultBytes: 8 * 1024 ** 3 };

const SIZE = /^(\d+)\s*(?:([KMGT])(?:i?B)?|B)?$/i;
const UNITS: Record<string, number> = { K: 1024, M: 1024 ** 2, G: 1024 ** 3, T: 1024 ** 4 };

/** The limit in force: the variable's value (`512MiB`, `2G`, `1048576`), else the default. */
export function limitBytes(limit: ByteLimit): number {
  return parseByteSize(process.env[limit.variable]) ?? limit.defaultBytes;
}

/**
 * The limit for a message: `256 MiB (set K8S_LEAST_PRIVILEGE_MAX_FILE_SIZE to raise it)`. A
 * variable set to something that is not a size is named, since its default then applies.
 */
export function describeLimit(limit: ByteLimit): string {
  const value = process.env[limit.variable];
  const ignored = value !== undefined && value !== '' && parseByteSize(value) === undefined ? `; ${limit.variable}=${JSON.stringify(value)} is not a size, so the default applies` : '';
  return `${formatBytes(limitBytes(limit))} (set ${limit.variable} to raise it${ignored})`;
}

/** `8 GiB`, `256 MiB`, `1536 bytes`. */
export function formatBytes(bytes: number): string {
  for (const unit of ['T', 'G', 'M', 'K']) {
    if (bytes >= UNITS[unit] && bytes % UNITS[unit] === 0) return `${bytes / UNITS[unit]} ${unit}iB`;
  }
  return `${bytes} bytes`;
}

function parseByteSize(text: string | undefined): number | undefined {
  const match = text === undefined ? null : SIZE.exec(text.trim());
  if (match === null) return undefined;
  const bytes = Number(match[1]) * (match[2] === undefined ? 1 : UNITS[match[2].toUpperCase()]);
  return Number.isSafeInteger(bytes) && bytes > 0 ? bytes : undefined;
}
