/**
 * Writes edits into a JSON manifest (kubectl's `-o json`, a `.json` file): parsed, edited and
 * written again as JSON with the file's own indentation and line breaks. Hand-written here
 * because the YAML splicer would write YAML flow syntax into it; JSON has no comments to keep,
 * so writing it again loses nothing.
 */
import type { FieldEdit } from './field-edits';
import { withEdits } from './field-edits';

/** Whether a file's text is JSON (what `kubectl get -o json` and `.json` manifests hold). */
export function isJsonText(text: string): boolean {
  const start = text.replace(/^\ufeff/, '').trimStart()[0];
  if (start !== '{' && start !== '[') return false;
  try {
    JSON.parse(text.replace(/^\ufeff/, ''));
    return true;
  } catch {
    return false;
  }
}

/** The JSON text with the edits (paths from its root) applied, in its own indentation, line breaks and final line break. */
export function rewriteJson(text: string, edits: readonly FieldEdit[]): string {
  const byteOrderMark = text.startsWith('\ufeff') ? '\ufeff' : '';
  const body = text.slice(byteOrderMark.length);
  const edited = withEdits(JSON.parse(body) as unknown, edits);
  const indentation = /\n([ \t]+)["{[\]}0-9tfn-]/.exec(body)?.[1] ?? '';
  const lineBreak = body.includes('\r\n') ? '\r\n' : '\n';
  const trailing = /\s*$/.exec(body)![0];
  return `${byteOrderMark}${JSON.stringify(edited, null, indentation).replace(/\n/g, lineBreak)}${trailing}`;
}
