/**
 * What the cell compiler reads off a cell's syntax (its top-level names, a top-level await,
 * whether it is complete) and the two emit transformers it adds (the last expression's value,
 * references to earlier cells' names). See converter.ts for how they fit together.
 */
import type * as TS from "typescript";
import { typescript, type Ts } from "./tsengine.js";

/** Names a cell declares at its top level (values and types), in order, without duplicates. */
export function topLevelNames(ts: Ts, file: TS.SourceFile): string[] {
  const names = new Set<string>();
  const bind = (name: TS.BindingName): void => {
    if (ts.isIdentifier(name)) names.add(name.text);
    else for (const el of name.elements) if (!ts.isOmittedExpression(el)) bind(el.name);
  };
  for (const stmt of file.statements) {
    if (ts.isVariableStatement(stmt)) {
      for (const d of stmt.declarationList.declarations) bind(d.name);
    } else if (
      ts.isFunctionDeclaration(stmt) ||
      ts.isClassDeclaration(stmt) ||
      ts.isEnumDeclaration(stmt) ||
      ts.isInterfaceDeclaration(stmt) ||
      ts.isTypeAliasDeclaration(stmt)
    ) {
      if (stmt.name) names.add(stmt.name.text);
    } else if (ts.isModuleDeclaration(stmt)) {
      if (ts.isIdentifier(stmt.name)) names.add(stmt.name.text);
    } else if (ts.isImportDeclaration(stmt)) {
      const clause = stmt.importClause;
      if (!clause) continue;
      if (clause.name) names.add(clause.name.text);
      const b = clause.namedBindings;
      if (b && ts.isNamespaceImport(b)) names.add(b.name.text);
      else if (b) for (const el of b.elements) names.add(el.name.text);
    } else if (ts.isImportEqualsDeclaration(stmt)) {
      names.add(stmt.name.text);
    }
  }
  return [...names];
}

/** True when the cell awaits at its top level (outside any function or class). */
export function hasTopLevelAwait(ts: Ts, file: TS.SourceFile): boolean {
  let found = false;
  const visit = (node: TS.Node): void => {
    if (found) return;
    if (ts.isAwaitExpression(node) || (ts.isForOfStatement(node) && node.awaitModifier)) {
      found = true;
      return;
    }
    if (ts.isFunctionLike(node) || ts.isClassLike(node)) return;
    ts.forEachChild(node, visit);
  };
  ts.forEachChild(file, visit);
  return found;
}

/**
 * `expr;` as the cell's last statement becomes `exports.tsLastExpr = expr;`, so the host can show
 * its value (a synthesized `exports` is not touched by the CommonJS transform).
 */
export function lastExpressionTransformer(ts: Ts, file: TS.SourceFile, name: string, found: () => void): TS.TransformerFactory<TS.SourceFile> {
  // The statement before our appended `;export { … }` (an empty statement, then the export).
  const statements = file.statements.filter((s) => !ts.isEmptyStatement(s));
  const last = statements[statements.length - 2];
  return (context) => (sf) => {
    if (!last || !ts.isExpressionStatement(last)) return sf;
    found();
    const f = context.factory;
    const replaced = sf.statements.map((s) =>
      s === last
        ? f.createExpressionStatement(
            f.createAssignment(f.createPropertyAccessExpression(f.createIdentifier("exports"), name), f.createParenthesizedExpression(last.expression)),
          )
        : s,
    );
    return f.updateSourceFile(sf, replaced);
  };
}

/** Whether `decl` is a top-level name of its file (not a property, parameter or a local in a function). */
function isTopLevelDeclaration(ts: Ts, decl: TS.Node): boolean {
  let n = decl;
  while (n.parent && !ts.isSourceFile(n.parent)) {
    const p = n.parent;
    const binding =
      ts.isVariableDeclarationList(p) || ts.isVariableDeclaration(p) || ts.isVariableStatement(p) ||
      ts.isBindingElement(p) || ts.isObjectBindingPattern(p) || ts.isArrayBindingPattern(p) ||
      ts.isImportClause(p) || ts.isNamedImports(p) || ts.isNamespaceImport(p) || ts.isImportDeclaration(p);
    // A binding element's property name (`{ alpha: a }`) names a property, not a variable.
    if (!binding || (ts.isBindingElement(p) && p.propertyName === n)) return false;
    n = p;
  }
  return true;
}

/**
 * Rewrites references to names declared in earlier cells as `exports.<name>` (runs after the
 * CommonJS transform, so only real references are left; `{ x }` shorthand is expanded).
 */
export function historyReferences(ts: Ts, checker: TS.TypeChecker, isEarlierCell: (f: TS.SourceFile) => boolean): TS.TransformerFactory<TS.SourceFile> {
  const fromEarlierCell = (node: TS.Node): boolean => {
    const original = ts.getOriginalNode(node);
    if (!original.parent) return false;
    const symbol = ts.isShorthandPropertyAssignment(original)
      ? checker.getShorthandAssignmentValueSymbol(original)
      : checker.getSymbolAtLocation(original);
    return (symbol?.declarations ?? []).some((d) => isEarlierCell(d.getSourceFile()) && isTopLevelDeclaration(ts, d));
  };
  return (context) => (sf) => {
    const f = context.factory;
    const exportsOf = (name: string): TS.Expression => f.createPropertyAccessExpression(f.createIdentifier("exports"), name);
    const visit = (node: TS.Node): TS.Node => {
      if (ts.isShorthandPropertyAssignment(node)) {
        if (!node.objectAssignmentInitializer && fromEarlierCell(node)) return f.createPropertyAssignment(node.name.text, exportsOf(node.name.text));
        return node;
      }
      if (ts.isIdentifier(node)) return fromEarlierCell(node) ? exportsOf(node.text) : node;
      return ts.visitEachChild(node, visit, context);
    };
    return ts.visitEachChild(sf, visit, context);
  };
}

/** Whether the cell is finished (tslab's rule): `incomplete` when the parser wants more at the very end. */
export function isCompleteCode(content: string): { completed: boolean; indent?: string } {
  if (/(^|\n)\s*\n\s*$/.test(content)) return { completed: true }; // Two blank lines force it.
  const ts = typescript();
  const src = ts.createSourceFile("tmp.ts", content, ts.ScriptTarget.Latest, undefined, ts.ScriptKind.TSX);
  const diags = (src as unknown as { parseDiagnostics?: TS.DiagnosticWithLocation[] }).parseDiagnostics ?? [];
  for (const d of diags) {
    if (d.start !== content.length || d.length !== 0 || typeof d.messageText !== "string") continue;
    if (d.messageText.endsWith(" expected.")) return { completed: false, indent: indentOnEnter(content) };
  }
  return { completed: true };
}

/** Indentation for the next line (tslab's rule, after VS Code's TypeScript indentation rules). */
function indentOnEnter(src: string): string {
  const line = /[^\n]*$/.exec(src)![0];
  const current = /^\s*/.exec(line)![0];
  if (/^((?!.*?\/\*).*\*\/)?\s*[}\]].*$/.test(line)) {
    if (current.endsWith("  ")) return current.slice(0, -2);
    if (current.endsWith("\t") || current.endsWith(" ")) return current.slice(0, -1);
    return current;
  }
  if (/^((?!\/\/).)*(\{[^}"'`]*|\([^)"'`]*|\[[^\]"'`]*)$/.test(line)) return current + "  ";
  return current;
}

/** True when the TypeScript parser rejects the code (used for is_complete "invalid"). */
export function hasSyntaxErrors(code: string): boolean {
  const ts = typescript();
  const out = ts.transpileModule(code, {
    fileName: "cell.ts",
    reportDiagnostics: true,
    compilerOptions: { module: ts.ModuleKind.ESNext, target: ts.ScriptTarget.ESNext, noEmit: false },
  });
  return (out.diagnostics?.length ?? 0) > 0;
}

