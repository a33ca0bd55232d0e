import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import * as ts from 'typescript';

/** One exported declaration (or member of one) whose documentation is missing something. */
export interface DocProblem {
  /** `src/model/analyze.ts:42`. */
  readonly location: string;
  /** `PodAnalysis.containers`. */
  readonly symbol: string;
  /** What is missing. */
  readonly problem: 'no TSDoc' | 'optional without @default';
}

function sourceFiles(directory: string): string[] {
  return readdirSync(directory).flatMap((name) => {
    const path = join(directory, name);
    if (statSync(path).isDirectory()) return sourceFiles(path);
    return name.endsWith('.ts') && !name.endsWith('.d.ts') ? [path] : [];
  });
}

function isExported(node: ts.Node): boolean {
  return ts.canHaveModifiers(node) && (ts.getModifiers(node) ?? []).some((modifier) => modifier.kind === ts.SyntaxKind.ExportKeyword);
}

function isPrivate(node: ts.Node): boolean {
  const modifiers = ts.canHaveModifiers(node) ? (ts.getModifiers(node) ?? []) : [];
  return modifiers.some((modifier) => modifier.kind === ts.SyntaxKind.PrivateKeyword || modifier.kind === ts.SyntaxKind.ProtectedKeyword) ||
    (ts.isPropertyDeclaration(node) || ts.isMethodDeclaration(node)) && ts.isPrivateIdentifier(node.name);
}

/** The TSDoc blocks attached to a node (`/** … *\/`), as TypeScript's parser attached them. */
function docsOf(node: ts.Node): readonly ts.JSDoc[] {
  return ((node as { jsDoc?: ts.JSDoc[] }).jsDoc ?? []);
}

/** What a caller passes in (props, options, settings, intents): their optional members say what absence means, with `@default`. */
const INPUT_TYPE = /(Props|Options|Config|Settings|Intent|Names)$/;

function extendsError(declaration: ts.ClassDeclaration, source: ts.SourceFile): boolean {
  return (declaration.heritageClauses ?? []).some((clause) => clause.types.some((type) => /Error$/.test(type.expression.getText(source))));
}

function hasDefault(node: ts.Node): boolean {
  return docsOf(node).some((doc) => (doc.tags ?? []).some((tag) => tag.tagName.text === 'default'));
}

/**
 * Every exported declaration of `src/` without TSDoc, every member of an exported interface, type or
 * class without it, and every optional member (`prop?:`) of an input type (props, options, settings)
 * without `@default`: the public surface documented, checked with TypeScript's own parser.
 */
export function publicDocProblems(repository: string): DocProblem[] {
  const problems: DocProblem[] = [];
  for (const file of sourceFiles(join(repository, 'src'))) {
    const source = ts.createSourceFile(file, readFileSync(file, 'utf8'), ts.ScriptTarget.ES2022, true);
    const where = (node: ts.Node) => `${relative(repository, file)}:${source.getLineAndCharacterOfPosition(node.getStart(source)).line + 1}`;
    const report = (node: ts.Node, symbol: string, problem: DocProblem['problem']) => problems.push({ location: where(node), symbol, problem });
    const checkMembers = (owner: string, members: readonly (ts.TypeElement | ts.ClassElement)[], isError = false) => {
      const isInput = INPUT_TYPE.test(owner);
      for (const member of members) {
        const undocumentable =
          ts.isIndexSignatureDeclaration(member) || ts.isClassStaticBlockDeclaration(member) || ts.isSemicolonClassElement(member);
        if (isPrivate(member) || undocumentable) continue;
        const name = ts.isConstructorDeclaration(member) ? 'constructor' : member.name?.getText(source) ?? '?';
        // An error's constructor takes its message; a constructor without parameters has nothing to say.
        if (ts.isConstructorDeclaration(member) && (member.parameters.length === 0 || isError)) continue;
        if (docsOf(member).length === 0) {report(member, `${owner}.${name}`, 'no TSDoc');} else if (isInput && (ts.isPropertySignature(member) || ts.isPropertyDeclaration(member)) && member.questionToken !== undefined && !hasDefault(member)) {
          report(member, `${owner}.${name}`, 'optional without @default');
        }
      }
    };
    for (const statement of source.statements) {
      if (!isExported(statement)) continue;
      const names = ts.isVariableStatement(statement)
        ? statement.declarationList.declarations.map((declaration) => declaration.name.getText(source))
        : [(statement as ts.DeclarationStatement).name?.getText(source) ?? 'default'];
      if (docsOf(statement).length === 0) report(statement, names.join(', '), 'no TSDoc');
      if (ts.isInterfaceDeclaration(statement)) checkMembers(names[0], statement.members);
      if (ts.isClassDeclaration(statement)) checkMembers(names[0], statement.members, extendsError(statement, source));
      if (ts.isTypeAliasDeclaration(statement) && ts.isTypeLiteralNode(statement.type)) checkMembers(names[0], statement.type.members);
    }
  }
  return problems;
}
