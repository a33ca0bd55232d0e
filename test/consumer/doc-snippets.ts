import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

/** One TypeScript code block of README.md or docs/, with where it is. */
export interface DocSnippet {
  /** `README.md:42`: the file and the line of the opening fence. */
  readonly location: string;
  /** The code as written. */
  readonly code: string;
}

/** Every ```ts / ```typescript block of README.md and docs/*.md, in file order. */
export function docSnippets(repository: string): DocSnippet[] {
  const files = ['README.md', ...readdirSync(join(repository, 'docs')).filter((name) => name.endsWith('.md')).map((name) => `docs/${name}`)];
  const snippets: DocSnippet[] = [];
  for (const file of files) {
    const lines = readFileSync(join(repository, file), 'utf8').split('\n');
    let start: number | undefined;
    for (let index = 0; index < lines.length; index++) {
      if (start === undefined && /^```(ts|typescript)\s*$/.test(lines[index])) start = index;
      else if (start !== undefined && /^```\s*$/.test(lines[index])) {
        snippets.push({ location: `${file}:${start + 1}`, code: lines.slice(start + 1, index).join('\n') });
        start = undefined;
      }
    }
  }
  return snippets;
}

/**
 * A snippet as a module that type-checks: its imports at the top, the rest in an async function
 * (snippets use top-level `await`), `export const` made local. The names a snippet takes from its
 * surroundings (`chart`, `ns`, `pod` …) are declared in {@link SNIPPET_CONTEXT}.
 */
export function snippetModule(snippet: DocSnippet): string {
  const lines = snippet.code.split('\n');
  const imports: string[] = [];
  const body: string[] = [];
  let inImport = false;
  for (const line of lines) {
    if (inImport || /^import\s/.test(line)) {
      imports.push(line);
      inImport = !/;\s*$/.test(line);
    } else body.push(line.replace(/^export const /, 'const '));
  }
  return [`// ${snippet.location}`, ...imports, '', 'export async function snippet(): Promise<void> {', ...body, '}', ''].join('\n');
}

/** The surroundings the documentation's snippets assume, declared for the compiler. */
export const SNIPPET_CONTEXT = [
  '// What the snippets of README.md and docs/ take from their surroundings.',
  "declare const chart: import('constructs').Construct;",
  'declare const metadata: { name?: string; annotations?: Record<string, string> };',
  'declare const spec: { containers: { name: string; image: string }[] };',
  'declare const pod: { metadata: typeof metadata; spec: typeof spec };',
  'declare const image: string;',
  "declare const ns: import('@pulumi/kubernetes').core.v1.Namespace;",
  "declare const app: { imageRef: import('@pulumi/pulumi').Output<string> };",
  "declare const provider: import('@pulumi/kubernetes').Provider;",
  '',
].join('\n');
