/**
 * The import graph of src/, read with the TypeScript parser (no type checking): one node per
 * source file, one edge per import of another source file. Used by the architecture tests.
 */
import { readdirSync, readFileSync, existsSync } from "node:fs";
import { dirname, join, relative, resolve } from "node:path";
import ts from "typescript";

export interface ImportEdge {
  /** Importing file, relative to src/ ("evaluate/report/report.ts"). */
  from: string;
  /** Imported file, relative to src/; a bare package name when the import leaves src/. */
  to: string;
  /** Erased when compiled (`import type`, `export type`, or every named binding marked `type`). */
  typeOnly: boolean;
  /** `import("...")` rather than a static import. */
  dynamic: boolean;
  /** 1-based line of the import. */
  line: number;
  /** A dynamic import inside a `try` whose `catch` neither throws nor reads the error: a failure to load goes unseen. */
  swallowed?: boolean;
}

/** A dynamic `import(x)` whose x is not a plain string literal. */
export interface ComputedImport {
  file: string;
  line: number;
  text: string;
}

export interface ImportGraph {
  files: string[];
  edges: ImportEdge[];
  computed: ComputedImport[];
}

export const SRC = resolve(dirname(new URL(import.meta.url).pathname), "../../src");

function sourceFiles(dir: string): string[] {
  const out: string[] = [];
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) out.push(...sourceFiles(path));
    else if (entry.name.endsWith(".ts") && !entry.name.endsWith(".d.ts")) out.push(path);
  }
  return out.sort();
}

/** "./x.js" from src/a/b.ts → "a/x.ts" (or "a/x/index.ts"); bare names are returned as they are. */
function resolveSpecifier(root: string, fromFile: string, spec: string): string {
  if (!spec.startsWith(".")) return spec;
  const base = resolve(dirname(fromFile), spec);
  const candidates = [base.replace(/\.js$/, ".ts"), base.replace(/\.mjs$/, ".mts"), `${base}.ts`, join(base, "index.ts"), base];
  const hit = candidates.find((c) => existsSync(c) && c.endsWith(".ts")) ?? candidates[0]!;
  return relative(root, hit);
}

function isTypeOnlyImport(node: ts.ImportDeclaration): boolean {
  const clause = node.importClause;
  if (!clause) return false; // `import "./x.js"` runs the module
  if (clause.isTypeOnly) return true;
  if (clause.name) return false;
  const bindings = clause.namedBindings;
  if (!bindings || !ts.isNamedImports(bindings)) return false;
  return bindings.elements.length > 0 && bindings.elements.every((e) => e.isTypeOnly);
}

function isTypeOnlyExport(node: ts.ExportDeclaration): boolean {
  if (node.isTypeOnly) return true;
  const clause = node.exportClause;
  return !!clause && ts.isNamedExports(clause) && clause.elements.length > 0 && clause.elements.every((e) => e.isTypeOnly);
}

function contains(node: ts.Node, test: (n: ts.Node) => boolean): boolean {
  if (test(node)) return true;
  return ts.forEachChild(node, (n) => contains(n, test) || undefined) ?? false;
}

/** A catch clause that drops the error unseen: no `throw`, and the caught error is never read. */
function silentCatch(clause: ts.CatchClause): boolean {
  if (contains(clause.block, ts.isThrowStatement)) return false;
  const binding = clause.variableDeclaration?.name;
  if (!binding || !ts.isIdentifier(binding)) return true;
  return !contains(clause.block, (n) => ts.isIdentifier(n) && n.text === binding.text);
}

/** Inside the `try` block of a try statement with a silent catch (a function in between ends the search). */
function swallowed(node: ts.Node): boolean {
  for (let child = node, parent = node.parent; parent; child = parent, parent = parent.parent) {
    if (ts.isFunctionLike(parent)) return false;
    if (ts.isTryStatement(parent) && parent.tryBlock === child && parent.catchClause) return silentCatch(parent.catchClause);
  }
  return false;
}

/** Parse every .ts file under src/ and collect its imports. */
export function buildImportGraph(root = SRC): ImportGraph {
  const files = sourceFiles(root);
  const edges: ImportEdge[] = [];
  const computed: ComputedImport[] = [];
  for (const file of files) {
    const text = readFileSync(file, "utf8");
    const sf = ts.createSourceFile(file, text, ts.ScriptTarget.Latest, true);
    const from = relative(root, file);
    const lineOf = (n: ts.Node) => sf.getLineAndCharacterOfPosition(n.getStart(sf)).line + 1;
    const add = (spec: string, typeOnly: boolean, dynamic: boolean, node: ts.Node) =>
      edges.push({ from, to: resolveSpecifier(root, file, spec), typeOnly, dynamic, line: lineOf(node), ...(dynamic && swallowed(node) ? { swallowed: true } : {}) });
    const visit = (node: ts.Node): void => {
      if (ts.isImportDeclaration(node) && ts.isStringLiteral(node.moduleSpecifier)) {
        add(node.moduleSpecifier.text, isTypeOnlyImport(node), false, node);
      } else if (ts.isExportDeclaration(node) && node.moduleSpecifier && ts.isStringLiteral(node.moduleSpecifier)) {
        add(node.moduleSpecifier.text, isTypeOnlyExport(node), false, node);
      } else if (ts.isImportEqualsDeclaration(node) && ts.isExternalModuleReference(node.moduleReference)) {
        const expr = node.moduleReference.expression;
        if (ts.isStringLiteral(expr)) add(expr.text, node.isTypeOnly, false, node);
      } else if (ts.isImportTypeNode(node) && ts.isLiteralTypeNode(node.argument) && ts.isStringLiteral(node.argument.literal)) {
        add(node.argument.literal.text, true, false, node); // `typeof import("./x.js")` in a type
      } else if (ts.isCallExpression(node) && node.expression.kind === ts.SyntaxKind.ImportKeyword) {
        const arg = node.arguments[0];
        if (arg && (ts.isStringLiteral(arg) || ts.isNoSubstitutionTemplateLiteral(arg))) add(arg.text, false, true, node);
        else computed.push({ file: from, line: lineOf(node), text: node.getText(sf).replace(/\s+/g, " ") });
      }
      ts.forEachChild(node, visit);
    };
    visit(sf);
  }
  return { files: files.map((f) => relative(root, f)), edges, computed };
}

/**
 * Every elementary import circle among src/ files (Tarjan's strongly connected components,
 * then one shortest circle through each component's members), each as a path a → b → … → a.
 */
export function findCircles(edges: readonly ImportEdge[]): string[][] {
  const next = new Map<string, Set<string>>();
  for (const e of edges) {
    if (!e.to.endsWith(".ts")) continue;
    if (!next.has(e.from)) next.set(e.from, new Set());
    next.get(e.from)!.add(e.to);
  }
  // Tarjan's SCC.
  let index = 0;
  const idx = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const on = new Set<string>();
  const components: string[][] = [];
  const strong = (v: string): void => {
    idx.set(v, index);
    low.set(v, index++);
    stack.push(v);
    on.add(v);
    for (const w of next.get(v) ?? []) {
      if (!idx.has(w)) {
        strong(w);
        low.set(v, Math.min(low.get(v)!, low.get(w)!));
      } else if (on.has(w)) low.set(v, Math.min(low.get(v)!, idx.get(w)!));
    }
    if (low.get(v) === idx.get(v)) {
      const comp: string[] = [];
      let w: string;
      do {
        w = stack.pop()!;
        on.delete(w);
        comp.push(w);
      } while (w !== v);
      if (comp.length > 1 || next.get(v)?.has(v)) components.push(comp.sort());
    }
  };
  for (const v of [...next.keys()].sort()) if (!idx.has(v)) strong(v);

  // One shortest circle per member (breadth-first inside the component), deduplicated by rotation.
  const circles = new Map<string, string[]>();
  for (const comp of components) {
    const members = new Set(comp);
    for (const start of comp) {
      const prev = new Map<string, string>();
      const queue = [start];
      let found: string[] | undefined;
      while (queue.length && !found) {
        const v = queue.shift()!;
        for (const w of [...(next.get(v) ?? [])].sort()) {
          if (!members.has(w)) continue;
          if (w === start) {
            const path = [v];
            while (path[0] !== start) path.unshift(prev.get(path[0]!)!);
            found = [...path, start];
            break;
          }
          if (!prev.has(w)) {
            prev.set(w, v);
            queue.push(w);
          }
        }
      }
      if (!found) continue;
      const ring = found.slice(0, -1);
      const first = ring.indexOf([...ring].sort()[0]!);
      const canon = [...ring.slice(first), ...ring.slice(0, first)];
      circles.set(canon.join(" → "), [...canon, canon[0]!]);
    }
  }
  return [...circles.values()];
}
