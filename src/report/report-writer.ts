/**
 * Reports written as they are made: a writer gets what is known before the first resource, then
 * each resource in input order, then the counts, and writes its format piece by piece, so that
 * neither the report nor its text is ever held whole. Each format's `format…` function is its
 * writer fed a whole report: the two cannot differ.
 */
import type { CheckReport, ReportWriter } from '../check/report';

/** Makes a writer that writes its text through `write`. */
export type ReportWriterFactory = (write: (text: string) => void) => ReportWriter;

/** The whole text a writer makes of a whole report. */
export function formatWhole(report: CheckReport, writerOf: ReportWriterFactory): string {
  const chunks: string[] = [];
  const writer = writerOf((text) => chunks.push(text));
  writer.start(report);
  for (const resource of report.resources) writer.resource(resource);
  writer.finish(report);
  return chunks.join('');
}

/**
 * `write`, with the small pieces writers make gathered into chunks of about `chunkChars`
 * characters (a write to a pipe or a file is a system call). Call `flush` at the end.
 */
export function chunkedOutput(write: (text: string) => void, chunkChars = 1 << 16): { write: (text: string) => void; flush: () => void } {
  let pending: string[] = [];
  let pendingChars = 0;
  const flush = () => {
    if (pending.length === 0) return;
    write(pending.length === 1 ? pending[0] : pending.join(''));
    pending = [];
    pendingChars = 0;
  };
  return {
    write(text) {
      pending.push(text);
      pendingChars += text.length;
      if (pendingChars >= chunkChars) flush();
    },
    flush,
  };
}
