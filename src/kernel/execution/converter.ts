/**
 * tslab's incremental cell compiler (tslab/dist/converter), loaded with three changes:
 *
 * 1. Module resolution. tslab hardcodes `moduleResolution: Node10`, which ignores package.json
 *    `exports`, so ESM-only packages that declare their types there (vega-lite, openai,
 *    @faker-js/faker, simple-statistics) and the package self-reference `"synthlab"` have no
 *    types. The converter calls `ts.createWatchCompilerHost` on the TypeScript build it requires
 *    (@tslab/typescript-for-tslab, TS 5.0). That module's exports are non-configurable getters,
 *    so they cannot be patched in place; instead we load a fresh copy of converter.js while
 *    `require.cache` holds a copy of the TypeScript exports whose `createWatchCompilerHost`
 *    switches the options to `module: ESNext, moduleResolution: Bundler`. Emitted imports still
 *    become `require()` calls, which Node 20.19+ also resolves for ESM-only packages.
 * 2. Source maps. The first compile step gets `inlineSourceMap`; the converter's second step
 *    (ES module → CommonJS through `ts.transpileModule`) is wrapped to also produce a map. Both maps
 *    are appended to the output (see SOURCE_MAPS_MARKER) so stack traces map to cell lines.
 * 3. Working directory and watchers. `sys.getCurrentDirectory` answers the notebook directory
 *    (module resolution starts there), and files under node_modules are not watched (hundreds of
 *    .d.ts watchers cost file handles and CPU; installed packages do not change during a session).
 */
import Module, { createRequire } from "node:module";
import path from "node:path";
import { extractInlineMap, type RawSourceMap } from "./sourcemap.js";

export interface DiagnosticPos {
  offset: number;
  /** Zero-based. */
  line: number;
  /** Zero-based, UTF-16 units. */
  character: number;
}

export interface Diagnostic {
  start: DiagnosticPos;
  end: DiagnosticPos;
  messageText: string;
  category: number;
  code: number;
  fileName?: string;
}

export interface SideOutput {
  path: string;
  data: string;
}

export interface ConvertResult {
  output?: string;
  declOutput?: string;
  diagnostics: Diagnostic[];
  lastExpressionVar?: string;
  hasToplevelAwait?: boolean;
  sideOutputs?: SideOutput[];
}

interface SymbolDisplayPart {
  text: string;
  kind: string;
}

export interface QuickInfo {
  textSpan: { start: number; length: number };
  displayParts?: SymbolDisplayPart[];
  documentation?: SymbolDisplayPart[];
  tags?: { name: string; text?: SymbolDisplayPart[] }[];
}

export interface CompletionInfo {
  start: number;
  end: number;
  candidates: string[];
}

export interface CellConverter {
  convert(prevDecl: string, src: string): ConvertResult;
  inspect(prevDecl: string, src: string, position: number): QuickInfo | undefined;
  complete(prevDecl: string, src: string, position: number): CompletionInfo;
  /** Adds an in-memory module `<cwd>/<name>.ts` to the program (used for the cell globals' types). */
  addModule(name: string, content: string): Diagnostic[];
  close(): void;
}

interface ConverterModule {
  createConverter(options?: { isJS?: boolean; isBrowser?: boolean }): CellConverter;
  isCompleteCode(content: string): { completed: boolean; indent?: string };
}

/** Appended to converted code: base64 JSON of the two source maps, last compile step first. */
export const SOURCE_MAPS_MARKER = "\n//# synthlabSourceMaps=";

/** Minimal view of the TypeScript API used here (the real module is untyped to us). */
interface TsModule {
  sys: Record<string, unknown> & {
    getCurrentDirectory(): string;
    watchFile?(...args: unknown[]): { close(): void };
    watchDirectory?(...args: unknown[]): { close(): void };
  };
  ModuleKind: { ESNext: number };
  ModuleResolutionKind: { Bundler: number };
  createWatchCompilerHost(rootFiles: string[], options: Record<string, unknown>, ...rest: unknown[]): unknown;
  transpileModule(
    input: string,
    options: { fileName?: string; compilerOptions?: Record<string, unknown>; reportDiagnostics?: boolean },
  ): { outputText: string; sourceMapText?: string; diagnostics?: unknown[] };
}

interface Loaded {
  mod: ConverterModule;
  ts: TsModule;
  setCwd(cwd: string): void;
}

let loaded: Loaded | undefined;

const NO_WATCH = { close(): void {} };

function loadConverterModule(): Loaded {
  if (loaded) return loaded;
  const require = createRequire(import.meta.url);
  const converterPath = require.resolve("tslab/dist/converter.js");
  const tslabRequire = createRequire(converterPath);
  const tsPath = tslabRequire.resolve("@tslab/typescript-for-tslab");
  const ts = tslabRequire(tsPath) as TsModule;

  let cwd = process.cwd();
  const sys = Object.create(ts.sys) as TsModule["sys"];
  sys.getCurrentDirectory = () => cwd;
  const realWatchFile = ts.sys.watchFile?.bind(ts.sys);
  sys.watchFile = (...args: unknown[]) => {
    const file = String(args[0]);
    if (!realWatchFile || file.includes(`${path.sep}node_modules${path.sep}`)) return NO_WATCH;
    return realWatchFile(...args);
  };
  // Directory watches only serve "a missing module appeared" rebuilds; not worth the handles.
  sys.watchDirectory = () => NO_WATCH;

  const overrides: Record<string, unknown> = {
    sys,
    createWatchCompilerHost(rootFiles: string[], options: Record<string, unknown>, ...rest: unknown[]) {
      const patched = {
        ...options,
        module: ts.ModuleKind.ESNext,
        moduleResolution: ts.ModuleResolutionKind.Bundler,
        inlineSourceMap: true,
      };
      return ts.createWatchCompilerHost(rootFiles, patched, ...rest);
    },
    transpileModule(input: string, options: { fileName?: string; compilerOptions?: Record<string, unknown> }) {
      const first = extractInlineMap(input);
      if (!first.map) return ts.transpileModule(input, options);
      const out = ts.transpileModule(first.code, {
        ...options,
        compilerOptions: { ...options.compilerOptions, sourceMap: true, inlineSourceMap: false },
      });
      const code = out.outputText.replace(/\n?\/\/# sourceMappingURL=[^\n]*\s*$/, "");
      if (!out.sourceMapText) return { outputText: code };
      const maps: RawSourceMap[] = [JSON.parse(out.sourceMapText) as RawSourceMap, first.map];
      return { outputText: code + SOURCE_MAPS_MARKER + Buffer.from(JSON.stringify(maps)).toString("base64") + "\n" };
    },
  };
  // A plain object with live getters for everything else: converter.js copies own enumerable
  // properties (its __importStar helper), so a prototype-based wrapper would lose them.
  const wrapper: Record<string, unknown> = {};
  for (const key of Object.keys(ts)) {
    if (key in overrides) continue;
    Object.defineProperty(wrapper, key, { enumerable: true, get: () => (ts as unknown as Record<string, unknown>)[key] });
  }
  for (const [key, value] of Object.entries(overrides)) {
    Object.defineProperty(wrapper, key, { enumerable: true, value });
  }

  const cache = require.cache;
  const previousTs = cache[tsPath];
  const previousConverter = cache[converterPath];
  const fake = new Module(tsPath);
  fake.filename = tsPath;
  fake.loaded = true;
  fake.exports = wrapper;
  cache[tsPath] = fake;
  delete cache[converterPath];
  let mod: ConverterModule;
  try {
    mod = require(converterPath) as ConverterModule;
  } finally {
    // Other users of TypeScript / tslab in this process get the untouched modules.
    if (previousTs) cache[tsPath] = previousTs;
    else delete cache[tsPath];
    if (previousConverter) cache[converterPath] = previousConverter;
    else delete cache[converterPath];
  }
  loaded = { mod, ts, setCwd: (dir) => (cwd = dir) };
  return loaded;
}

/** A converter whose module resolution starts in `cwd` (takes ~1.5 s: TypeScript builds its program). */
export function createCellConverter(cwd: string): CellConverter {
  const { mod, setCwd } = loadConverterModule();
  setCwd(path.resolve(cwd));
  return mod.createConverter();
}

export function isCompleteCode(code: string): { completed: boolean; indent?: string } {
  return loadConverterModule().mod.isCompleteCode(code);
}

/** True when the TypeScript parser rejects the code (used for is_complete "invalid"). */
export function hasSyntaxErrors(code: string): boolean {
  const { ts } = loadConverterModule();
  const out = ts.transpileModule(code, {
    fileName: "cell.ts",
    reportDiagnostics: true,
    compilerOptions: { module: ts.ModuleKind.ESNext, target: 99, noEmit: false },
  });
  return (out.diagnostics?.length ?? 0) > 0;
}

interface TsNode {
  kind: number;
  pos: number;
  end: number;
  getEnd(): number;
  name?: { text?: string; escapedText?: string };
  objectAssignmentInitializer?: unknown;
}
interface TsParser {
  createSourceFile(name: string, text: string, target: number, setParents: boolean): TsNode;
  forEachChild(node: TsNode, cb: (child: TsNode) => void): void;
  SyntaxKind: { ShorthandPropertyAssignment: number };
}

/**
 * Rewrites shorthand properties `{ seed }` as `{ seed: seed }`. Why: tslab renames a name declared
 * in an earlier cell to `exports.seed`, but not inside a shorthand property, so `{ seed }` threw
 * "seed is not defined". The two forms mean the same in every position, so expanding all of them is
 * safe (ones with a default, `{ seed = 1 } = obj`, are left alone). Columns after an expansion on the
 * same line shift by the inserted text; lines do not.
 */
export function expandShorthandProperties(code: string): string {
  if (!code.includes("{")) return code;
  const ts = loadConverterModule().ts as unknown as TsParser;
  const file = ts.createSourceFile("cell.ts", code, 99, true);
  const inserts: { at: number; text: string }[] = [];
  const visit = (node: TsNode): void => {
    if (node.kind === ts.SyntaxKind.ShorthandPropertyAssignment && !node.objectAssignmentInitializer) {
      const name = node.name?.text ?? node.name?.escapedText;
      if (name) inserts.push({ at: node.getEnd(), text: `: ${name}` });
    }
    ts.forEachChild(node, visit);
  };
  visit(file);
  if (inserts.length === 0) return code;
  let out = code;
  for (const { at, text } of inserts.sort((a, b) => b.at - a.at)) out = out.slice(0, at) + text + out.slice(at);
  return out;
}

/**
 * Gives top-level `const x = await import("spec")` its type, `const x: typeof import("spec") = …`.
 * Why: a declaration's type is carried to later cells as a .d.ts, and TypeScript cannot always name
 * an inferred module type there (TS2742), which made a plain dynamic import of many packages a
 * compile error. `typeof import("spec")` is exactly the type `await import("spec")` resolves to.
 * Only plain string specifiers and declarations without a type are touched.
 */
export function annotateDynamicImports(code: string): string {
  if (!/\bawait\s+import\s*\(/.test(code)) return code;
  const ts = loadConverterModule().ts as unknown as typeof import("typescript");
  const file = ts.createSourceFile("cell.ts", code, ts.ScriptTarget.Latest, true);
  const inserts: { at: number; text: string }[] = [];
  for (const stmt of file.statements) {
    if (!ts.isVariableStatement(stmt)) continue;
    for (const decl of stmt.declarationList.declarations) {
      const init = decl.initializer;
      // A destructuring pattern would not help: each bound name's own type still cannot be named.
      if (decl.type || !ts.isIdentifier(decl.name) || !init || !ts.isAwaitExpression(init)) continue;
      const call = init.expression;
      if (!ts.isCallExpression(call) || call.expression.kind !== ts.SyntaxKind.ImportKeyword || call.arguments.length !== 1) continue;
      const spec = call.arguments[0]!;
      if (!ts.isStringLiteral(spec) && !ts.isNoSubstitutionTemplateLiteral(spec)) continue;
      inserts.push({ at: decl.name.getEnd(), text: `: typeof import(${JSON.stringify(spec.text)})` });
    }
  }
  let out = code;
  for (const { at, text } of inserts.sort((a, b) => b.at - a.at)) out = out.slice(0, at) + text + out.slice(at);
  return out;
}

/** Split the source maps appended by the wrapped transpileModule off converted code. */
export function splitSourceMaps(code: string): { code: string; maps: RawSourceMap[] } {
  const at = code.lastIndexOf(SOURCE_MAPS_MARKER);
  if (at < 0) return { code, maps: [] };
  const encoded = code.slice(at + SOURCE_MAPS_MARKER.length).trim();
  return { code: code.slice(0, at), maps: JSON.parse(Buffer.from(encoded, "base64").toString("utf8")) as RawSourceMap[] };
}
