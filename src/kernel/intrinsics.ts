/**
 * Guard for the built-ins the kernel itself runs on. Cells run in the kernel's own realm (as in
 * tslab; a separate realm would break `instanceof` between cell values and library objects), so a
 * cell that writes `Array.prototype.map = null` would leave the TypeScript compiler, the display
 * code and the magics unable to run any later cell: the kernel would stay up but be useless.
 *
 * The rule: a built-in method that a cell deletes, or replaces with something that is not a
 * function, is put back after the cell, with one warning naming it. Replacing a method with another
 * function (a polyfill, a spy) is the user's choice and is left alone; if it breaks the compiler,
 * the compiler's error names the built-ins that differ from the originals (`changed`). A `then`
 * added to Object/Function/Array.prototype is removed (it breaks every `await`).
 */

interface Recorded {
  holder: object;
  key: PropertyKey;
  path: string;
  descriptor: PropertyDescriptor;
}

/** Namespaces and constructors whose methods (static and prototype) the kernel relies on. */
const ROOTS = [
  "Object", "Array", "String", "Number", "Boolean", "Function", "Symbol", "BigInt", "Map", "Set",
  "WeakMap", "WeakSet", "Promise", "RegExp", "Error", "Date", "JSON", "Math", "Reflect", "ArrayBuffer",
  "Uint8Array", "Int32Array", "Float64Array", "TextEncoder", "TextDecoder", "URL", "Buffer",
] as const;

/** Marks a member that was added (and removed again) rather than replaced. */
const ADDED = " (added)";

const THENABLE_TRAPS: [object, string][] = [
  [Object.prototype, "Object.prototype"],
  [Function.prototype, "Function.prototype"],
  [Array.prototype, "Array.prototype"],
];

/**
 * Globals recorded as bindings only (their members are not checked): the kernel's own code calls them
 * (timers in the protocol, `process.stdout` in the output router). Members are left out: the kernel
 * itself replaces some (`process.exit`, the console methods), and a cell may too.
 */
const BINDINGS = [
  "process", "console", "setTimeout", "clearTimeout", "setInterval", "clearInterval", "setImmediate",
  "clearImmediate", "queueMicrotask", "structuredClone",
] as const;

function keyName(key: PropertyKey): string {
  return typeof key === "symbol" ? `[${key.description ?? "symbol"}]` : String(key);
}

function isCallable(d: PropertyDescriptor): boolean {
  return typeof d.value === "function" || typeof d.get === "function";
}

export class IntrinsicsGuard {
  private readonly recorded: Recorded[] = [];
  /**
   * Globals compared by value, not by descriptor: Node defines some (`process`, `Buffer`) as a getter
   * and a setter over a hidden variable, so `process = undefined` leaves the descriptor as it was.
   */
  private readonly bindings: { key: string; value: unknown; descriptor: PropertyDescriptor }[] = [];
  private readonly global: typeof globalThis;

  /** Records the current built-ins; call once, before any cell runs. */
  constructor(global: typeof globalThis = globalThis) {
    this.global = global;
    const g = global as unknown as Record<string, unknown>;
    const typedArrayProto = Object.getPrototypeOf(Uint8Array.prototype) as object;
    const holders: [object, string][] = [[typedArrayProto, "TypedArray.prototype"]];
    for (const name of ROOTS) {
      const value = g[name];
      const d = Object.getOwnPropertyDescriptor(global, name);
      if (d && (typeof value === "function" || (typeof value === "object" && value !== null))) this.bindings.push({ key: name, value, descriptor: d });
      if (typeof value === "object" && value !== null) holders.push([value, name]);
      if (typeof value === "function") {
        holders.push([value, name]);
        const proto = (value as { prototype?: unknown }).prototype;
        if (typeof proto === "object" && proto !== null) holders.push([proto, `${name}.prototype`]);
      }
    }
    for (const name of BINDINGS) {
      const d = Object.getOwnPropertyDescriptor(global, name);
      if (d) this.bindings.push({ key: name, value: g[name], descriptor: d });
    }
    for (const [holder, path] of holders) {
      for (const key of Reflect.ownKeys(holder)) {
        if (key === "constructor" || key === "prototype" || key === "caller" || key === "arguments") continue;
        const d = Object.getOwnPropertyDescriptor(holder, key);
        if (d && isCallable(d)) this.recorded.push({ holder, key, path: `${path}.${keyName(key)}`, descriptor: d });
      }
    }
  }

  /**
   * Puts back built-ins that were deleted or replaced by a non-function; returns their names.
   * Costs one property read per recorded member (about 550: well under 0.1 ms).
   */
  repair(): string[] {
    const restored: string[] = [];
    for (const r of this.recorded) {
      // Fast path, a plain read: the member is still the original (a descriptor read allocates).
      if (r.descriptor.value !== undefined) {
        try {
          if ((r.holder as Record<PropertyKey, unknown>)[r.key] === r.descriptor.value) continue;
        } catch {
          // A throwing getter where the method was: fall through and look closer.
        }
      }
      const now = Object.getOwnPropertyDescriptor(r.holder, r.key);
      if (now && isCallable(now)) continue;
      if (now && now.value === r.descriptor.value && now.get === r.descriptor.get) continue;
      try {
        Object.defineProperty(r.holder, r.key, r.descriptor);
        restored.push(r.path);
      } catch {
        // Frozen by the cell (Object.freeze(Array.prototype)): nothing we can do; `changed` names it.
      }
    }
    const g = this.global as unknown as Record<string, unknown>;
    for (const b of this.bindings) {
      const now = this.readGlobal(b.key);
      if (now === b.value) continue;
      if (typeof b.value === "function" && typeof now === "function") continue; // the user's replacement
      try {
        Object.defineProperty(this.global, b.key, b.descriptor);
        // Through the setter too, where there is one: it holds the value the getter returns.
        if (this.readGlobal(b.key) !== b.value) g[b.key] = b.value;
      } catch {
        // made read-only by the cell: `changed` names it
      }
      if (this.readGlobal(b.key) === b.value) restored.push(`globalThis.${b.key}`);
    }
    // A `then` on a shared prototype turns every object into a "thenable": each `await` and promise
    // resolution in the kernel calls it. Nothing legitimate needs one, so it is removed.
    for (const [proto, path] of THENABLE_TRAPS) {
      if (!Object.prototype.hasOwnProperty.call(proto, "then")) continue;
      if (Reflect.deleteProperty(proto, "then")) restored.push(`${path}.then${ADDED}`);
    }
    return restored;
  }

  /**
   * Runs `fn` with the original built-ins in place, then puts the cell's patches back. The kernel
   * compiles with it when a patched built-in broke the compiler, so the next cell (the one that
   * undoes the patch, say) can still be compiled; the cell itself then runs with the patches.
   */
  withOriginals<T>(fn: () => T): T {
    const saved: [Recorded, PropertyDescriptor | undefined][] = [];
    for (const r of this.recorded) {
      const now = Object.getOwnPropertyDescriptor(r.holder, r.key);
      if (now && now.value === r.descriptor.value && now.get === r.descriptor.get) continue;
      try {
        Object.defineProperty(r.holder, r.key, r.descriptor);
        saved.push([r, now]);
      } catch {
        // frozen: leave it
      }
    }
    try {
      return fn();
    } finally {
      for (const [r, d] of saved) {
        if (d) Object.defineProperty(r.holder, r.key, d);
        else Reflect.deleteProperty(r.holder, r.key);
      }
    }
  }

  private readGlobal(key: string): unknown {
    try {
      return (this.global as unknown as Record<string, unknown>)[key];
    } catch {
      return undefined; // a throwing getter put there by a cell
    }
  }

  /** Built-ins that differ from the originals (replaced by another function included). */
  changed(): string[] {
    const out: string[] = [];
    for (const b of this.bindings) if (this.readGlobal(b.key) !== b.value) out.push(`globalThis.${b.key}`);
    for (const r of this.recorded) {
      const now = Object.getOwnPropertyDescriptor(r.holder, r.key);
      if (!now || now.value !== r.descriptor.value || now.get !== r.descriptor.get) out.push(r.path);
    }
    return out;
  }
}

/**
 * The warning shown in a cell's output. `between`: the damage was done by code that ran between
 * cells (a timer or a promise of an earlier cell) and was repaired when the next request came.
 */
export function restoredWarning(paths: readonly string[], between = false): string {
  const who = between ? "code that ran after an earlier cell (a timer or a promise)" : "this cell";
  const added = paths.filter((p) => p.endsWith(ADDED)).map((p) => p.slice(0, -ADDED.length));
  const broken = paths.filter((p) => !p.endsWith(ADDED));
  const lines: string[] = [];
  if (broken.length) {
    const shown = broken.slice(0, 5).join(", ") + (broken.length > 5 ? ` and ${broken.length - 5} more` : "");
    const one = broken.length === 1;
    lines.push(`warning: ${who} deleted or overwrote ${shown} with a non-function; the kernel needs ${one ? "it" : "them"}, so ${one ? "it was" : "they were"} restored. Assign a function to patch a built-in.\n`);
  }
  if (added.length) {
    lines.push(`warning: ${who} added ${added.join(", ")}, which makes every object look like a promise and breaks every await; it was removed.\n`);
  }
  return lines.join("");
}

let shared: IntrinsicsGuard | undefined;
let pendingBetween: string[] = [];

/**
 * The process's guard, created on first call: the kernel calls it at start, before any cell runs.
 * Both halves use it: the protocol repairs before it handles any request (its own code needs the
 * built-ins too), the execution host after each cell and when the next cell starts.
 */
export function intrinsicsGuard(): IntrinsicsGuard {
  shared ??= new IntrinsicsGuard();
  return shared;
}

/** Repair now; what was restored is reported by the next cell (see `takeRepairedBetween`). */
export function repairBetweenCells(): void {
  const restored = intrinsicsGuard().repair();
  if (restored.length) pendingBetween.push(...restored);
}

/** Built-ins restored since the last cell, by repairs between cells; clears the list. */
export function takeRepairedBetween(): string[] {
  const out = pendingBetween;
  pendingBetween = [];
  return out;
}
