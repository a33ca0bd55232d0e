/**
 * A fix's change of a file, as people and tools read changes: a unified diff (`git apply`,
 * `patch -p1`) and SARIF 2.1.0 replacements (code scanning shows them as suggested fixes). Both
 * come from jsdiff's line diff of the text before and after, so the two always agree.
 */
import { createTwoFilesPatch, diffLines } from 'diff';
import type * as Sarif from 'sarif';
import type { FileChange } from './fix-input';

/** The change as a unified diff, with `a/` and `b/` paths as git writes them (an absolute path without its leading `/`). */
export function unifiedDiff(change: FileChange): string {
  const path = change.file.replace(/\\/g, '/').replace(/^\/+/, '');
  return createTwoFilesPatch(`a/${path}`, `b/${path}`, change.before, change.after, undefined, undefined, { context: 3 });
}

/**
 * The change as SARIF replacements: each run of changed lines is a region of the text before
 * (lines and columns, one-based, and character offsets) and the text that takes its place.
 */
export function sarifReplacements(change: FileChange): Sarif.Replacement[] {
  const replacements: Sarif.Replacement[] = [];
  let offset = 0;
  let pending: { start: number; deleted: number; inserted: string } | undefined;
  const flush = () => {
    if (pending === undefined) return;
    const start = positionOf(change.before, pending.start);
    const end = positionOf(change.before, pending.start + pending.deleted);
    replacements.push({
      deletedRegion: {
        startLine: start.line,
        startColumn: start.column,
        endLine: end.line,
        endColumn: end.column,
        charOffset: pending.start,
        charLength: pending.deleted,
      },
      insertedContent: { text: pending.inserted },
    });
    pending = undefined;
  };
  for (const part of diffLines(change.before, change.after)) {
    if (!part.added && !part.removed) {
      flush();
      offset += part.value.length;
      continue;
    }
    pending ??= { start: offset, deleted: 0, inserted: '' };
    if (part.removed) {
      pending.deleted += part.value.length;
      offset += part.value.length;
    } else {
      pending.inserted += part.value;
    }
  }
  flush();
  return replacements;
}

/** The one-based line and column of a character offset. */
function positionOf(text: string, offset: number): { line: number; column: number } {
  let line = 1;
  let lineStart = 0;
  for (let at = text.indexOf('\n'); at !== -1 && at < offset; at = text.indexOf('\n', at + 1)) {
    line++;
    lineStart = at + 1;
  }
  return { line, column: offset - lineStart + 1 };
}
