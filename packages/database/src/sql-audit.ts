import ts from 'typescript';

export interface UnsafeSql { file: string; line: number; reason: string; excerpt: string }

/** Text that reads as a SQL statement or clause; the code base writes SQL keywords in capitals. */
const looksLikeSql = /\b(SELECT|INSERT INTO|UPDATE|DELETE FROM|CREATE|DROP|ALTER|TRUNCATE|COPY|VALUES|WHERE|FROM|JOIN|ON CONFLICT|RETURNING|SET)\b/;
/** A reviewed exception names its reason on the line before: `// sql-audit: <why this is safe>`. */
const waiver = /\/\/\s*sql-audit:\s*\S/;
const sqlModule = (specifier: string): boolean => specifier === '@relocate/database' || /(^|\/)sql(\.ts)?$/.test(specifier);

/**
 * Finds SQL built unsafely in one TypeScript source: a template with interpolations that is not tagged with the
 * vetted `sql` tag, string concatenation onto SQL text, and a query whose text is neither a literal nor an
 * `sql` template. Inside `sql` templates the tag itself refuses anything but identifiers and integers.
 */
export function auditSql(file: string, source: string): UnsafeSql[] {
  const src = ts.createSourceFile(file, source, ts.ScriptTarget.Latest, true);
  const lines = source.split('\n');
  const out: UnsafeSql[] = [];
  const sqlTags = new Set<string>();
  for (const statement of src.statements) {
    if (!ts.isImportDeclaration(statement) || !ts.isStringLiteral(statement.moduleSpecifier) || !sqlModule(statement.moduleSpecifier.text)) continue;
    const named = statement.importClause?.namedBindings;
    if (named && ts.isNamedImports(named)) for (const el of named.elements) if ((el.propertyName ?? el.name).text === 'sql') sqlTags.add(el.name.text);
  }
  const flag = (node: ts.Node, reason: string): void => {
    const line = src.getLineAndCharacterOfPosition(node.getStart(src)).line;
    if (waiver.test(lines[line - 1] ?? '') || waiver.test(lines[line] ?? '')) return;
    out.push({ file, line: line + 1, reason, excerpt: node.getText(src).replace(/\s+/g, ' ').slice(0, 120) });
  };
  const textOf = (node: ts.Node): string | undefined => {
    if (ts.isStringLiteral(node) || ts.isNoSubstitutionTemplateLiteral(node)) return node.text;
    if (ts.isTemplateExpression(node)) return node.head.text + node.templateSpans.map((s) => s.literal.text).join(' ');
    return undefined;
  };
  const isVettedTemplate = (node: ts.Node): boolean =>
    ts.isTaggedTemplateExpression(node) && ts.isIdentifier(node.tag) && sqlTags.has(node.tag.text);
  const safeQueryText = (arg: ts.Expression): boolean =>
    ts.isStringLiteral(arg) || ts.isNoSubstitutionTemplateLiteral(arg)
    || (ts.isPropertyAccessExpression(arg) && arg.name.text === 'text' && isVettedTemplate(arg.expression));

  const visit = (node: ts.Node): void => {
    if (ts.isTemplateExpression(node) && !ts.isTaggedTemplateExpression(node.parent) && looksLikeSql.test(textOf(node) ?? '')) {
      flag(node, 'SQL template with interpolations outside the sql`` tag');
    }
    if (ts.isTaggedTemplateExpression(node) && !isVettedTemplate(node) && looksLikeSql.test(textOf(node.template) ?? '')) {
      flag(node, `SQL in a template tagged ${node.tag.getText(src)}, not the vetted sql tag`);
    }
    if (ts.isBinaryExpression(node) && node.operatorToken.kind === ts.SyntaxKind.PlusToken
      && [node.left, node.right].some((side) => looksLikeSql.test(textOf(side) ?? ''))) {
      flag(node, 'SQL text built by string concatenation');
    }
    if (ts.isCallExpression(node) && ts.isPropertyAccessExpression(node.expression) && node.expression.name.text === 'query') {
      const first = node.arguments[0];
      if (first && !safeQueryText(first) && !ts.isTemplateExpression(first)) flag(node, 'query text that is neither a literal nor an sql`` template');
    }
    ts.forEachChild(node, visit);
  };
  visit(src);
  return out;
}
