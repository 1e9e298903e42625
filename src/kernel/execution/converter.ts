/**
 * The cell compiler: every cell is its own source file in one TypeScript language service.
 *
 * Why not tslab's converter (used before): it carried earlier cells' types in one growing .d.ts
 * text that was re-parsed, re-checked and re-printed for every cell, so a cell's cost grew with the
 * notebook's history (22 ms fresh, 72 ms after 300 declaration cells). Here a compiled cell stays
 * in the program as it was written; a new cell only adds one small file. Parsed and bound files
 * (cells, lib and package .d.ts) are reused from program to program; the new checker resolves
 * only what the new cell refers to, so the per-cell cost does not depend on how many cells came
 * before.
 *
 * How later cells see earlier cells' names: each cell file is a module (an `export { … }` of its
 * top-level names is appended), and its SourceFile's `parent` is set to the previous cell's file,
 * so the checker's scope walk goes from the new cell through older cells, newest first (the same
 * device tslab used for its single declarations file). A later declaration of a name therefore
 * shadows an earlier one: redeclaring `const x` in a later cell is allowed and the later one wins.
 * At run time the notebook's names live in one object passed as `exports`; references to earlier
 * cells' names are rewritten to `exports.<name>` using the checker (see `historyReferences`).
 *
 * Module resolution: our own, bundler-style (package.json `exports`, ESM-only packages with their
 * types), starting in the notebook's folder and falling back to the packages synthlab itself ships
 * (`shippedPackages`), so `import … from "synthlab"` works from any folder. The emit is CommonJS
 * (`require`), which Node ≥ 20.19 also serves for ES modules.
 */
import { statSync } from "node:fs";
import { createRequire } from "node:module";
import path from "node:path";
import type * as TS from "typescript";
import { hasTopLevelAwait, historyReferences, lastExpressionTransformer, topLevelNames } from "./cellSyntax.js";
import { moduleFallback } from "./modules.js";
import { typescript, type Ts } from "./tsengine.js";
import type { RawSourceMap } from "./sourcemap.js";

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
  /** Set for diagnostics in a local module the cell imports (relative to the notebook folder). */
  fileName?: string;
}

export interface SideOutput {
  path: string;
  data: string;
}

export interface ConvertResult {
  /** CommonJS code, with the source map appended (SOURCE_MAPS_MARKER). */
  output?: string;
  diagnostics: Diagnostic[];
  lastExpressionVar?: string;
  hasToplevelAwait?: boolean;
  /** Local .ts/.js modules the cell imports, compiled (only those new or changed since last time). */
  sideOutputs?: SideOutput[];
  /** Keep this cell's declarations for later cells (call once it has run, even if it threw). */
  commit(): void;
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
  /** Check and compile a cell against the earlier cells. Nothing is kept until `commit()`. */
  convert(src: string): ConvertResult;
  inspect(src: string, position: number): QuickInfo | undefined;
  complete(src: string, position: number): CompletionInfo;
  /**
   * Declare names for later cells without code (values that magics put into the notebook):
   * `declare let name: type;` for each entry. Returns diagnostics (e.g. a type that does not
   * resolve); on error nothing is declared.
   */
  declare(entries: readonly { name: string; type: string }[]): Diagnostic[];
  /** Adds an in-memory module `<cwd>/<name>.ts` to every program (used for the cell globals' types). */
  addModule(name: string, content: string): Diagnostic[];
  close(): void;
}

/** Appended to converted code: base64 JSON of the source maps, last compile step first. */
export const SOURCE_MAPS_MARKER = "\n//# synthlabSourceMaps=";

/** Top-level await codes: TypeScript rejects `await` at the top of a CommonJS module; cells run it in an async wrapper. */
const TOP_LEVEL_AWAIT_CODES = new Set([1375, 1378, 1431, 1432, 2854]);
const LAST_EXPR_PREFIX = "tsLastExpr";
const EMPTY_SLOT = "export {};\n";
const SLOT_BLOCK = 64;
/** The ES version Node 20 supports in full; its lib files are bundled (see bundleLibs). */
const LIB = "lib.es2022.d.ts";


/** Where @types/node comes from when the notebook's folder has none (a course folder). */
function typeRoots(ts: Ts, cwd: string): string[] {
  // TypeScript's default: node_modules/@types in the folder and every folder above it.
  const roots: string[] = [];
  for (let dir = cwd; ; dir = path.dirname(dir)) {
    const at = path.join(dir, "node_modules", "@types");
    if (ts.sys.directoryExists(at)) roots.push(at);
    if (dir === path.dirname(dir)) break;
  }
  if (roots.some((r) => ts.sys.fileExists(path.join(r, "node", "package.json")))) return roots;
  const require = createRequire(import.meta.url);
  for (const from of ["tslab/dist/converter.js", "@types/node/package.json"]) {
    try {
      const start = path.dirname(require.resolve(from));
      for (let dir = start; dir !== path.dirname(dir); dir = path.dirname(dir)) {
        const candidate = path.join(dir, "node_modules", "@types");
        if (ts.sys.fileExists(path.join(candidate, "node", "package.json"))) return [...roots, candidate];
        if (path.basename(dir) === "node_modules") {
          const at = path.join(dir, "@types");
          if (ts.sys.fileExists(path.join(at, "node", "package.json"))) return [...roots, at];
        }
      }
    } catch {
      // Not installed this way; try the next.
    }
  }
  return roots;
}

/**
 * The ES lib files of `lib` served as one file: the entry lib file's text becomes every lib file it
 * references (depth first, the order TypeScript itself loads them), and those files become empty.
 *
 * Why: TypeScript makes a new type checker for every cell, and creating one walks every file of
 * the program and merges the globals of each lib file again (`Array`, `String`, … are declared in
 * a dozen lib files each, so their symbols are cloned and merged per checker). In one file the
 * binder merges those declarations once, when the file is parsed, and the 55 lib files of ES2022
 * stop costing anything per cell (measured: program + checker ≈ 4.7 → 1.9 ms of CPU per cell
 * without @types/node). The types are the same declarations in the same order.
 * A `/// <reference lib>` elsewhere (@types/node asks for es2020, a package for dom) still works:
 * a lib already in the bundle is served empty, any other lib as usual.
 */
export interface LibBundle {
  /** The lib file whose text is the whole bundle. */
  entry: string;
  text: string;
  /** Lib files whose declarations are in the bundle: served as empty files. */
  emptied: Set<string>;
}

export function bundleLibs(ts: Ts, libDir: string, entryName: string): LibBundle {
  const libMap = (ts as unknown as { libMap?: Map<string, string> }).libMap;
  const fileOf = (ref: string): string => path.join(libDir, libMap?.get(ref.toLowerCase()) ?? `lib.${ref.toLowerCase()}.d.ts`);
  const entry = path.join(libDir, entryName);
  const seen = new Set<string>();
  const parts: string[] = [];
  const visit = (file: string): void => {
    if (seen.has(file)) return;
    seen.add(file);
    const text = ts.sys.readFile(file);
    if (text === undefined) throw new Error(`internal: TypeScript's lib file ${file} is missing.`);
    for (const ref of ts.preProcessFile(text, false, false).libReferenceDirectives) visit(fileOf(ref.fileName));
    // Reference lines are dropped (their files are in the bundle); positions in lib files are never shown.
    parts.push(text.replace(/^\/\/\/ *<reference [^\n]*$/gm, ""));
  };
  visit(entry);
  seen.delete(entry);
  return { entry, text: `/// <reference no-default-lib="true"/>\n${parts.join("\n")}`, emptied: seen };
}

/** A top-level import/export (or `declare global`) makes a .d.ts a module; DefinitelyTyped puts top-level statements at column 0. */
const MODULE_SYNTAX = /^(import|export|declare global)\b/m;

/**
 * An @types package's entry served as one file, for the same reason as bundleLibs: @types/node is
 * about 100 files, most of them scripts of `declare module "fs" { … }` blocks. The entry's text
 * becomes the script files it references (depth first, as TypeScript loads them), which are
 * served empty. Module files (top-level import/export: they import other packages, or augment
 * globals) stay separate files, referenced by path from the bundle; so do lib references.
 */
export function bundleTypes(ts: Ts, entry: string): LibBundle {
  const seen = new Set<string>([entry]);
  const keep: string[] = [];
  const parts: string[] = [];
  const inline = (file: string, text: string): void => {
    for (const ref of ts.preProcessFile(text, false, false).referencedFiles) {
      const target = path.resolve(path.dirname(file), ref.fileName);
      if (seen.has(target)) continue;
      seen.add(target);
      const body = ts.sys.readFile(target);
      if (body === undefined || MODULE_SYNTAX.test(body)) {
        seen.delete(target); // Not inlined: TypeScript loads it (or reports it missing) itself.
        keep.push(`/// <reference path="${target}" />`);
      } else inline(target, body);
    }
    parts.push(text.replace(/^\/\/\/ *<reference path=[^\n]*$/gm, ""));
  };
  const text = ts.sys.readFile(entry);
  if (text === undefined) throw new Error(`internal: type definitions ${entry} are missing.`);
  // An entry that is a module (`export = …`) keeps its files: inlined scripts would lose their globals to its scope.
  if (MODULE_SYNTAX.test(text)) return { entry, text, emptied: new Set() };
  inline(entry, text);
  seen.delete(entry);
  return { entry, text: `${keep.join("\n")}\n${parts.join("\n")}`, emptied: seen };
}

function compilerOptions(ts: Ts, cwd: string): TS.CompilerOptions {
  return {
    // CommonJS emit: cells run as functions of (exports, require, …). Resolution is ours (bundler-style).
    module: ts.ModuleKind.CommonJS,
    moduleResolution: ts.ModuleResolutionKind.Node10,
    target: ts.ScriptTarget.ES2022,
    lib: [LIB],
    esModuleInterop: true,
    newLine: ts.NewLineKind.LineFeed,
    experimentalDecorators: true,
    resolveJsonModule: true,
    jsx: ts.JsxEmit.React,
    typeRoots: typeRoots(ts, cwd),
    allowJs: true,
    checkJs: true,
    skipLibCheck: true,
    sourceMap: true,
    // Nothing is written; outDir keeps emitted names of local .js modules apart from their sources.
    rootDir: cwd,
    outDir: path.join(cwd, "__synthlab_out__"),
    // Nothing is written, so TypeScript's check that no output overwrites an input (it computes
    // the output paths of every file, for every cell's program) is skipped, as transpileModule does.
    suppressOutputPathCheck: true,
  };
}

function diagnosticPos(ts: Ts, file: TS.SourceFile, offset: number): DiagnosticPos {
  const { line, character } = ts.getLineAndCharacterOfPosition(file, offset);
  return { offset, line, character };
}

/** TypeScript's diagnostics flattened (message chains become one entry per message). */
function toDiagnostics(ts: Ts, input: readonly TS.Diagnostic[], fileNameOf: (f: TS.SourceFile) => string | undefined): Diagnostic[] {
  const out: Diagnostic[] = [];
  for (const d of input) {
    if (!d.file || d.start === undefined) continue;
    const start = diagnosticPos(ts, d.file, d.start);
    const end = diagnosticPos(ts, d.file, d.start + (d.length ?? 0));
    const fileName = fileNameOf(d.file);
    const push = (chain: string | TS.DiagnosticMessageChain, code: number, category: number): void => {
      if (typeof chain === "string") {
        out.push({ start, end, messageText: chain, category, code, fileName });
        return;
      }
      out.push({ start, end, messageText: chain.messageText, category: chain.category, code: chain.code, fileName });
      for (const next of chain.next ?? []) push(next, next.code, next.category);
    };
    push(d.messageText, d.code, d.category);
  }
  return out;
}

interface VirtualFile {
  text: string;
  version: number;
}

/** One notebook's compiler: a language service over [globals, …earlier cells, the new cell]. */
class NotebookCompiler implements CellConverter {
  private readonly ts = typescript();
  private readonly options: TS.CompilerOptions;
  private readonly virtual = new Map<string, VirtualFile>();
  /** Extra root modules (the cell globals' types). */
  private readonly modules: string[] = [];
  /**
   * Cell files, created in blocks of SLOT_BLOCK and empty (`export {};`) until used: the first
   * `used` hold committed cells (and magic declarations), oldest first; slot `used` takes the
   * cell being compiled. Why slots: while the set of files stays the same, TypeScript reuses the
   * whole program structure (files, resolutions) and only re-parses the changed file; adding a
   * file per cell made every program walk all files again.
   */
  private readonly slots: string[] = [];
  private readonly slotIndex = new Map<string, number>();
  private used = 0;
  private seq = 0;
  private readonly ls: TS.LanguageService;
  private readonly resolutions = new Map<string, TS.ResolvedModuleWithFailedLookupLocations>();
  private readonly resolutionCache: TS.ModuleResolutionCache;
  private readonly resolutionOptions: TS.CompilerOptions;
  private readonly snapshots = new Map<string, { version: string; snapshot: TS.IScriptSnapshot | undefined }>();
  private readonly typeResolutions = new Map<string, TS.ResolvedTypeReferenceDirectiveWithFailedLookupLocations>();
  private readonly typeResolutionCache: TS.TypeReferenceDirectiveResolutionCache;
  /** Local modules emitted, by file name, with the version they had. */
  private readonly emittedLocal = new Map<string, string>();
  private readonly localVersions = new Map<string, string>();
  /** Files served as bundles (their entry) or empty (bundled into an entry): bundleLibs, bundleTypes. */
  private readonly bundles = new Map<string, string>();

  constructor(private readonly cwd: string) {
    const ts = this.ts;
    this.options = compilerOptions(ts, cwd);
    this.addBundle(bundleLibs(ts, path.dirname(ts.getDefaultLibFilePath(this.options)), LIB));
    // The @types packages to include, found once (TypeScript would rescan their package.json files for every program).
    this.options.types = ts.getAutomaticTypeDirectiveNames(this.options, ts.sys);
    this.resolutionOptions = {
      ...this.options,
      module: ts.ModuleKind.ESNext,
      moduleResolution: ts.ModuleResolutionKind.Bundler,
    };
    this.resolutionCache = ts.createModuleResolutionCache(cwd, (f) => f, this.resolutionOptions);
    this.typeResolutionCache = ts.createTypeReferenceDirectiveResolutionCache(cwd, (f) => f, this.options, this.resolutionCache.getPackageJsonInfoCache());
    // getModuleResolutionCache is read by createProgram (not in the public LanguageServiceHost type).
    const host: TS.LanguageServiceHost & { getModuleResolutionCache(): TS.ModuleResolutionCache } = {
      getCompilationSettings: () => this.options,
      getScriptFileNames: () => this.rootFiles(),
      getScriptVersion: (f) => this.versionOf(f),
      getScriptSnapshot: (f) => this.snapshotOf(f),
      getCurrentDirectory: () => cwd,
      getDefaultLibFileName: (o) => ts.getDefaultLibFilePath(o),
      fileExists: (f) => this.virtual.has(f) || ts.sys.fileExists(f),
      readFile: (f, enc) => this.virtual.get(f)?.text ?? ts.sys.readFile(f, enc),
      directoryExists: (d) => ts.sys.directoryExists(d),
      getDirectories: (d) => ts.sys.getDirectories(d),
      readDirectory: (...args) => ts.sys.readDirectory(...args),
      realpath: (f) => (this.virtual.has(f) ? f : (ts.sys.realpath?.(f) ?? f)),
      useCaseSensitiveFileNames: () => ts.sys.useCaseSensitiveFileNames,
      resolveModuleNameLiterals: (literals, containingFile) =>
        literals.map((lit) => this.resolveModule(lit.text, containingFile)),
      // Also used for the `@typescript/lib-*` lookups of lib references: kept across programs.
      getModuleResolutionCache: () => this.resolutionCache,
      resolveTypeReferenceDirectiveReferences: (refs, containingFile, redirected, options, sourceFile) =>
        refs.map((ref) => this.resolveTypeReference(ref, containingFile, redirected, options, sourceFile)),
    };
    this.ls = ts.createLanguageService(host, ts.createDocumentRegistry());
  }

  /** Serve a bundle, unless one of its files was already served as itself (it would be declared twice). */
  private addBundle(bundle: LibBundle): void {
    if (this.snapshots.has(bundle.entry) || [...bundle.emptied].some((f) => this.snapshots.has(f) || this.bundles.has(f))) return;
    this.bundles.set(bundle.entry, bundle.text);
    for (const f of bundle.emptied) this.bundles.set(f, "");
  }

  private rootFiles(): string[] {
    return [...this.modules, ...this.slots];
  }

  private setText(fileName: string, text: string): void {
    const old = this.virtual.get(fileName);
    if (old?.text === text) return;
    this.virtual.set(fileName, { text, version: (old?.version ?? 0) + 1 });
  }

  /** The slot for the next cell, adding a block of empty slots when all are used. */
  private nextSlot(): string {
    while (this.used >= this.slots.length) {
      for (let i = this.slots.length, end = i + SLOT_BLOCK; i < end; i++) {
      const name = path.join(this.cwd, `__synthlab_cell_${i}__.ts`);
      this.slots.push(name);
      this.slotIndex.set(name, i);
      this.setText(name, EMPTY_SLOT);
      }
    }
    return this.slots[this.used]!;
  }

  private isEarlierCell(sf: TS.SourceFile): boolean {
    const i = this.slotIndex.get(sf.fileName);
    return i !== undefined && i < this.used;
  }

  /** Virtual files by their version; files outside node_modules by mtime (a local module may be edited); packages never change. */
  private versionOf(fileName: string): string {
    const v = this.virtual.get(fileName);
    if (v) return String(v.version);
    if (fileName.includes("/node_modules/") || fileName.includes("\\node_modules\\")) return "0";
    const known = this.localVersions.get(fileName);
    if (known !== undefined) return known;
    return this.statVersion(fileName);
  }

  /**
   * The language service asks for every file's text for every program (before it compares
   * versions), so texts are kept: packages' for the session, local files' until their mtime changes.
   */
  private snapshotOf(fileName: string): TS.IScriptSnapshot | undefined {
    const ts = this.ts;
    const v = this.virtual.get(fileName);
    if (v) return ts.ScriptSnapshot.fromString(v.text);
    const bundled = this.bundles.get(fileName);
    if (bundled !== undefined) {
      const known = this.snapshots.get(fileName);
      if (known) return known.snapshot;
      const snapshot = ts.ScriptSnapshot.fromString(bundled);
      this.snapshots.set(fileName, { version: "0", snapshot });
      return snapshot;
    }
    const version = this.versionOf(fileName);
    const known = this.snapshots.get(fileName);
    if (known && known.version === version) return known.snapshot;
    const text = ts.sys.readFile(fileName);
    const snapshot = text === undefined ? undefined : ts.ScriptSnapshot.fromString(text);
    this.snapshots.set(fileName, { version, snapshot });
    return snapshot;
  }

  /** `/// <reference types>` and the automatic @types entries, cached like module names. */
  private resolveTypeReference(
    ref: string | TS.FileReference,
    containingFile: string,
    redirected: TS.ResolvedProjectReference | undefined,
    options: TS.CompilerOptions,
    sourceFile: TS.SourceFile | undefined,
  ): TS.ResolvedTypeReferenceDirectiveWithFailedLookupLocations {
    const ts = this.ts;
    const name = typeof ref === "string" ? ref : ref.fileName.toLowerCase();
    const mode = typeof ref === "string" ? undefined : ts.getModeForFileReference(ref, sourceFile?.impliedNodeFormat);
    const key = `${containingFile}\0${name}\0${mode ?? ""}`;
    const cached = this.typeResolutions.get(key);
    if (cached) return cached;
    const r = ts.resolveTypeReferenceDirective(name, containingFile, options, ts.sys, redirected, this.typeResolutionCache, mode);
    this.typeResolutions.set(key, r);
    const entry = r.resolvedTypeReferenceDirective?.resolvedFileName;
    if (entry?.endsWith(".d.ts") && /[\\/]node_modules[\\/]@types[\\/]/.test(entry) && !this.bundles.has(entry)) {
      this.addBundle(bundleTypes(ts, entry));
    }
    return r;
  }

  private statVersion(fileName: string): string {
    let version: string;
    try {
      version = String(statSync(fileName).mtimeMs);
    } catch {
      version = "missing";
    }
    this.localVersions.set(fileName, version);
    return version;
  }

  /**
   * Bundler-style resolution from the importing file, cached per (folder, name). A bare name that
   * does not resolve from the notebook's folder is looked up among the packages synthlab ships with.
   */
  private resolveModule(name: string, containingFile: string): TS.ResolvedModuleWithFailedLookupLocations {
    const dir = path.dirname(containingFile);
    const key = `${dir}\0${name}`;
    const cached = this.resolutions.get(key);
    if (cached) return cached;
    const ts = this.ts;
    let r = ts.resolveModuleName(name, containingFile, this.resolutionOptions, ts.sys, this.resolutionCache);
    if (!r.resolvedModule) {
      const fallback = moduleFallback(name);
      if (fallback) {
        const again = ts.resolveModuleName(name, fallback, this.resolutionOptions, ts.sys, this.resolutionCache);
        if (again.resolvedModule) r = again;
      }
    }
    this.resolutions.set(key, r);
    return r;
  }

  /** The program with `text` as the newest cell (in the next slot); older cells chained as its scope. */
  private programWith(text: string): { program: TS.Program; file: TS.SourceFile; fileName: string } {
    const fileName = this.nextSlot();
    this.setText(fileName, text);
    this.localVersions.clear(); // Re-stat local modules once per program.
    const program = this.ls.getProgram();
    if (!program) throw new Error("internal: the TypeScript language service has no program.");
    let previous: TS.SourceFile | undefined;
    for (let i = 0; i <= this.used; i++) {
      const sf = program.getSourceFile(this.slots[i]!)!;
      // The scope chain: names not found in a cell are looked up in the cell before it.
      if ((sf as { parent?: TS.Node }).parent !== previous) (sf as { parent?: TS.Node }).parent = previous;
      previous = sf;
    }
    return { program, file: previous!, fileName };
  }

  /** Keep the cell in the next slot as history. */
  private keep(fileName: string): void {
    if (this.slots[this.used] === fileName) this.used++;
  }

  /** Empty the next slot again (a cell that did not compile, a completion request). */
  private drop(fileName: string): void {
    if (this.slots[this.used] === fileName) this.setText(fileName, EMPTY_SLOT);
  }

  private relativeName = (f: TS.SourceFile): string | undefined =>
    this.virtual.has(f.fileName) ? undefined : path.relative(this.cwd, f.fileName);

  convert(src: string): ConvertResult {
    const ts = this.ts;
    const parsed = ts.createSourceFile("cell.ts", src, ts.ScriptTarget.ES2022, false, ts.ScriptKind.TS);
    const names = topLevelNames(ts, parsed);
    const awaits = hasTopLevelAwait(ts, parsed);
    // The export list makes the cell a module and gives its names to `exports` at run time.
    const { program, file, fileName } = this.programWith(`${src}\n;export { ${names.join(", ")} };\n`);
    const commit = (): void => this.keep(fileName);
    const notCommitted = (): ConvertResult => {
      this.drop(fileName);
      return { diagnostics, sideOutputs: sideOutputs.length ? sideOutputs : undefined, commit: () => {} };
    };

    const diagnostics = toDiagnostics(
      ts,
      [...program.getSyntacticDiagnostics(file), ...program.getSemanticDiagnostics(file)].filter(
        (d) => !TOP_LEVEL_AWAIT_CODES.has(d.code),
      ),
      this.relativeName,
    );
    const sideOutputs = this.emitLocalModules(program, diagnostics);
    if (diagnostics.length > 0) return notCommitted();

    const lastExpr = names.includes(LAST_EXPR_PREFIX) ? `${LAST_EXPR_PREFIX}_${++this.seq}` : LAST_EXPR_PREFIX;
    let lastExpressionVar: string | undefined;
    let js = "";
    let map = "";
    const checker = program.getTypeChecker();
    program.emit(
      file,
      (name, data) => {
        if (name.endsWith(".map")) map = data;
        else if (name.endsWith(".js")) js = data;
      },
      undefined,
      false,
      {
        before: [lastExpressionTransformer(ts, file, lastExpr, () => (lastExpressionVar = lastExpr))],
        after: [historyReferences(ts, checker, (sf) => this.isEarlierCell(sf))],
      },
    );
    // ES modules are strict; cells run as plain scripts, as they did under tslab. (Lines are
    // blanked, not removed: the source map counts them.)
    const code = js
      .replace(/^"use strict";$/m, "")
      .replace(/^Object\.defineProperty\(exports, "__esModule", \{ value: true \}\);$/m, "")
      .replace(/\n?\/\/# sourceMappingURL=[^\n]*\s*$/, "");
    const output = map ? code + SOURCE_MAPS_MARKER + Buffer.from(`[${map}]`).toString("base64") + "\n" : code;
    return {
      output,
      diagnostics,
      lastExpressionVar,
      hasToplevelAwait: awaits,
      sideOutputs: sideOutputs.length ? sideOutputs : undefined,
      commit,
    };
  }

  /** Compile local modules (not packages, not cells) that are new or changed since last emitted. */
  private emitLocalModules(program: TS.Program, diagnostics: Diagnostic[]): SideOutput[] {
    const ts = this.ts;
    const outputs: SideOutput[] = [];
    const outDir = this.options.outDir!;
    for (const sf of program.getSourceFiles()) {
      const f = sf.fileName;
      if (sf.isDeclarationFile || f.endsWith(".json") || this.virtual.has(f) || program.isSourceFileFromExternalLibrary(sf) || f.includes("/node_modules/")) continue;
      const version = this.versionOf(f);
      if (this.emittedLocal.get(f) === version) continue;
      const own = toDiagnostics(ts, [...program.getSyntacticDiagnostics(sf), ...program.getSemanticDiagnostics(sf)], this.relativeName);
      if (own.length) {
        diagnostics.push(...own);
        continue;
      }
      program.emit(sf, (name, data) => {
        if (!name.endsWith(".js")) return;
        const rel = path.relative(outDir, name);
        if (rel.startsWith("..")) return;
        outputs.push({ path: path.join(this.cwd, rel), data: data.replace(/\n?\/\/# sourceMappingURL=[^\n]*\s*$/, "") });
      });
      this.emittedLocal.set(f, version);
    }
    return outputs.sort((a, b) => a.path.localeCompare(b.path));
  }

  declare(entries: readonly { name: string; type: string }[]): Diagnostic[] {
    if (entries.length === 0) return [];
    const ts = this.ts;
    const text = entries.map((e) => `declare let ${e.name}: ${e.type};`).join("\n") + "\nexport {};\n";
    const { program, file, fileName } = this.programWith(text);
    const diags = toDiagnostics(ts, [...program.getSyntacticDiagnostics(file), ...program.getSemanticDiagnostics(file)], this.relativeName);
    if (diags.length) this.drop(fileName);
    else this.keep(fileName);
    return diags;
  }

  /** Run `fn` on a transient file holding `src` (completion, inspection); nothing is kept. */
  private withScratch<T>(src: string, fn: (fileName: string, file: TS.SourceFile) => T): T {
    const { file, fileName } = this.programWith(`${src}\n;export {};\n`);
    try {
      return fn(fileName, file);
    } finally {
      this.drop(fileName);
    }
  }

  inspect(src: string, position: number): QuickInfo | undefined {
    return this.withScratch(src, (fileName) => this.ls.getQuickInfoAtPosition(fileName, position) as QuickInfo | undefined);
  }

  complete(src: string, position: number): CompletionInfo {
    return this.withScratch(src, (fileName) => {
      const info = this.ls.getCompletionsAtPosition(fileName, position, {});
      const entries = (info?.entries ?? []).filter((e) => !e.name.startsWith("__synthlab_"));
      // The identifier being typed around the cursor is what the matches replace.
      let start = position;
      while (start > 0 && /[\w$]/.test(src[start - 1]!)) start--;
      let end = position;
      while (end < src.length && /[\w$]/.test(src[end]!)) end++;
      const typed = src.slice(start, position);
      return { start, end, candidates: rankCompletions(entries, typed) };
    });
  }

  addModule(name: string, content: string): Diagnostic[] {
    const ts = this.ts;
    const fileName = path.join(this.cwd, `${name}.ts`);
    this.virtual.set(fileName, { text: `export {};\n${content}`, version: 1 });
    this.modules.push(fileName);
    const program = this.ls.getProgram()!;
    const file = program.getSourceFile(fileName)!;
    return toDiagnostics(ts, [...program.getSyntacticDiagnostics(file), ...program.getSemanticDiagnostics(file)], this.relativeName);
  }

  close(): void {
    this.ls.dispose();
    this.virtual.clear();
    this.slots.length = 0;
    this.used = 0;
  }
}

/** Completion entries matching what was typed: exact-case prefix first, then any-case prefix, then substring. */
function rankCompletions(entries: readonly TS.CompletionEntry[], typed: string): string[] {
  if (typed === "") {
    return [...entries].sort((a, b) => a.sortText.localeCompare(b.sortText) || a.name.localeCompare(b.name)).map((e) => e.name);
  }
  const lower = typed.toLowerCase();
  const ranked: { name: string; key: string; index: number }[] = [];
  entries.forEach((e, index) => {
    const l = e.name.toLowerCase();
    const rank = e.name.startsWith(typed) ? "0" : l.startsWith(lower) ? "1" : l.includes(lower) ? "2" : "";
    if (rank) ranked.push({ name: e.name, key: rank + e.sortText, index });
  });
  ranked.sort((a, b) => a.key.localeCompare(b.key) || a.index - b.index);
  return ranked.map((r) => r.name);
}

/** A compiler whose module resolution starts in `cwd` (the first program takes ~1 s: lib and @types/node). */
export function createCellConverter(cwd: string): CellConverter {
  return new NotebookCompiler(path.resolve(cwd));
}

/** Split the source maps appended to converted code. */
export function splitSourceMaps(code: string): { code: string; maps: RawSourceMap[] } {
  const at = code.lastIndexOf(SOURCE_MAPS_MARKER);
  if (at < 0) return { code, maps: [] };
  const encoded = code.slice(at + SOURCE_MAPS_MARKER.length).trim();
  return { code: code.slice(0, at), maps: JSON.parse(Buffer.from(encoded, "base64").toString("utf8")) as RawSourceMap[] };
}
