import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

/** One TypeScript code block of README.md or docs/, with where it is. */
export interface DocSnippet {
  /** `README.md:42`: the file and the line of the opening fence. */
  readonly location: string;
  /** The code as written. */
  readonly code: string;
}

/** Every code block of README.md and docs/*.md in one of `languages` (`ts`, `sh` …), in file order. */
export function docSnippets(repository: string, languages: readonly string[] = ['ts', 'typescript']): DocSnippet[] {
  const fence = new RegExp(`^\`\`\`(${languages.join('|')})\\s*$`);
  const files = ['README.md', ...readdirSync(join(repository, 'docs')).filter((name) => name.endsWith('.md')).map((name) => `docs/${name}`)];
  const snippets: DocSnippet[] = [];
  for (const file of files) {
    const lines = readFileSync(join(repository, file), 'utf8').split('\n');
    let start: number | undefined;
    for (let index = 0; index < lines.length; index++) {
      if (start === undefined && fence.test(lines[index])) {start = index;} else if (start !== undefined && /^```\s*$/.test(lines[index])) {
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
    } else {body.push(line.replace(/^export const /, 'const '));}
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

/** Commands of shell snippets that need what a test cannot have: a Pulumi stack, skopeo, this repository's own scripts. */
const NOT_RUN = /^(npm (ci|install|run)|pulumi|skopeo) /m;

/**
 * The shell snippets a user of the installed package runs as they are: those that call the CLI
 * (`npx k8s-least-privilege …`) and need nothing else this test cannot provide.
 */
export function cliSnippets(repository: string): DocSnippet[] {
  return docSnippets(repository, ['sh', 'bash', 'shell']).filter((snippet) => /npx k8s-least-privilege /.test(snippet.code) && !NOT_RUN.test(snippet.code));
}

/**
 * `kubectl` in the shell snippets' PATH: there is no cluster here. `apply -f -` keeps what it is sent
 * in `kubectl-apply.yaml` (the test reads it back), `get` prints what `kubectl get -o yaml` prints
 * when no object matches (an empty List); anything else (a plugin such as `kubectl least-privilege`)
 * goes to the real kubectl, found on the PATH without this directory (`KUBECTL_REAL_PATH`).
 */
export const KUBECTL_STAND_IN = `#!/bin/sh
case "$1" in
  apply) cat >> kubectl-apply.yaml ;;
  get) printf 'apiVersion: v1\\nitems: []\\nkind: List\\nmetadata:\\n  resourceVersion: ""\\n' ;;
  *) PATH="$KUBECTL_REAL_PATH" exec kubectl "$@" ;;
esac
`;

/** What the CLI prints when it does not understand a documented command, or crashes. */
export const NOT_UNDERSTOOD = /unknown option|unknown command|needs a value|is not one of|^Usage:|\n\s+at .+:\d+:\d+\)?$/m;
