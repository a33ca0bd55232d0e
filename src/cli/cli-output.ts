import type { ProgressStream } from './progress';

/** Where the CLI writes. */
export interface CliOutput {
  /** Where a long check shows its progress, when it is a terminal. @default none */
  readonly progress?: ProgressStream;
  /** Standard output. */
  stdout(text: string): void;
  /** Standard error. */
  stderr(text: string): void;
}
