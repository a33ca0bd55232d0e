import type { ProgressStream } from './progress';

/** Where the CLI writes, and where it reads standard input. */
export interface CliOutput {
  /** Where a long check shows its progress, when it is a terminal. @default none */
  readonly progress?: ProgressStream;
  /**
   * Reads standard input whole, for `-` (`post-render` keeps what it read, to write it on).
   * @default the process's standard input, within the file-size limit
   */
  readonly readStandardInput?: () => Buffer;
  /** Standard output. */
  stdout(text: string): void;
  /** Standard error. */
  stderr(text: string): void;
}
