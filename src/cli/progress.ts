/**
 * A one-line progress indication for long `check` runs on a terminal: how many files and
 * documents are done and which file is being read, rewritten in place. Nothing is written
 * unless the stream is a TTY (CI logs and pipes stay clean, and stdout — the report — is
 * never touched), and nothing before `delayMs`, so a run that ends quickly prints nothing.
 */

import { escapeControlCharacters } from '../input/untrusted-text';

/** Where progress goes: `process.stderr`, or a fake in tests. */
export interface ProgressStream {
  /** Only a TTY gets progress. */
  readonly isTTY?: boolean;
  /** The terminal's width; the line is cut to fit. */
  readonly columns?: number;
  /** Writes the progress line (with its carriage return). */
  write(text: string): unknown;
}

/** When progress appears and how often it is redrawn. */
export interface ProgressOptions {
  /** How long a run must last before anything is shown. @default 1000 */
  readonly delayMs?: number;
  /** The least time between two redraws. @default 200 */
  readonly intervalMs?: number;
  /** The clock, in milliseconds. @default Date.now */
  readonly now?: () => number;
}

/** Counts what the checker has done and draws it. */
export interface CheckProgress {
  /**
   * The same sources, counted as they are taken: the line names the file being read. Works
   * with `readSources`, which yields one file at a time.
   */
  trackSources<T extends { readonly file: string }>(sources: Iterable<T>): Iterable<T>;
  /** One more document checked (for a per-document hook; a single large file shows movement only through it). */
  documentChecked(): void;
  /** One more image read from its registry (or its cache), `done` of `total`. */
  imageRead(done: number, total: number, image: string): void;
  /** Clears the line, if one was drawn. Call it before printing anything else to the stream. */
  finish(): void;
}

const NO_PROGRESS: CheckProgress = {
  trackSources: (sources) => sources,
  documentChecked: () => undefined,
  imageRead: () => undefined,
  finish: () => undefined,
};

// Carriage return, then erase the whole line (ECMA-48 EL 2): the next draw replaces this one.
const CLEAR_LINE = '\r\x1b[2K';

/**
 * Progress on `stream` when it is a terminal (`TERM=dumb` excepted: it cannot erase a line),
 * a no-op otherwise.
 */
export function startProgress(stream: ProgressStream | undefined, options: ProgressOptions = {}): CheckProgress {
  if (stream === undefined || stream.isTTY !== true || process.env.TERM === 'dumb') return NO_PROGRESS;
  const now = options.now ?? Date.now;
  const delayMs = options.delayMs ?? 1000;
  const intervalMs = options.intervalMs ?? 200;
  const startedAt = now();
  let lastDrawnAt: number | undefined;
  let files = 0;
  let documents = 0;
  let currentFile = '';
  let images: { done: number; total: number } | undefined;

  const draw = (force: boolean) => {
    const time = now();
    if (time - startedAt < delayMs) return;
    if (!force && lastDrawnAt !== undefined && time - lastDrawnAt < intervalMs) return;
    lastDrawnAt = time;
    const seconds = Math.floor((time - startedAt) / 1000);
    const status =
      images === undefined
        ? `checking: ${count(files, 'file')}, ${count(documents, 'document')}, ${seconds}s`
        : `reading images: ${images.done} of ${images.total}, ${seconds}s`;
    // A file or image name is input: its control characters are shown, not obeyed.
    stream.write(CLEAR_LINE + fit(status, escapeControlCharacters(currentFile), (stream.columns ?? 80) - 1));
  };

  return {
    *trackSources<T extends { readonly file: string }>(sources: Iterable<T>): Iterable<T> {
      for (const source of sources) {
        files++;
        currentFile = source.file;
        draw(false);
        yield source;
      }
    },
    documentChecked() {
      documents++;
      draw(false);
    },
    imageRead(done, total, image) {
      images = { done, total };
      currentFile = image;
      draw(false);
    },
    finish() {
      if (lastDrawnAt !== undefined) stream.write(CLEAR_LINE);
      lastDrawnAt = undefined;
    },
  };
}

function count(n: number, noun: string): string {
  return `${n.toLocaleString('en-US')} ${noun}${n === 1 ? '' : 's'}`;
}

/**
 * The status and the file name in the terminal's width: a line that wrapped could not be
 * erased in place. The file name loses its start first; its end is its most telling part.
 */
function fit(status: string, file: string, width: number): string {
  const room = width - status.length - 3;
  if (file === '' || room < 8) return status.slice(0, Math.max(width, 0));
  return `${status} — ${file.length <= room ? file : `…${file.slice(file.length - room + 1)}`}`;
}
