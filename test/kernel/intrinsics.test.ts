import { describe, expect, it } from "vitest";
import { IntrinsicsGuard, restoredWarning } from "../../src/kernel/intrinsics.js";

// Each test breaks a built-in of this very realm and repairs it synchronously, so nothing else runs broken.
describe("IntrinsicsGuard", () => {
  it("puts back a method replaced by a non-function or deleted, and names it", () => {
    const guard = new IntrinsicsGuard();
    const map = Array.prototype.map;
    Reflect.set(Array.prototype, "map", null);
    Reflect.deleteProperty(String.prototype, "slice");
    const restored = guard.repair();
    expect(Array.prototype.map).toBe(map);
    expect("abc".slice(1)).toBe("bc");
    expect(restored.sort()).toEqual(["Array.prototype.map", "String.prototype.slice"]);
    expect(guard.repair()).toEqual([]);
  });

  it("leaves a method replaced by another function alone, but reports it as changed", () => {
    const guard = new IntrinsicsGuard();
    const original = JSON.stringify;
    const spy = (v: unknown): string => original(v);
    JSON.stringify = spy as typeof JSON.stringify;
    try {
      expect(guard.repair()).toEqual([]);
      expect(JSON.stringify).toBe(spy);
      expect(guard.changed()).toEqual(["JSON.stringify"]);
    } finally {
      JSON.stringify = original;
    }
    expect(guard.changed()).toEqual([]);
  });

  it("puts back a replaced global and a getter, and removes a `then` added to Object.prototype", () => {
    const guard = new IntrinsicsGuard();
    const math = Math;
    Reflect.set(globalThis, "Math", undefined);
    Object.defineProperty(Map.prototype, "size", { value: 0, configurable: true });
    Object.defineProperty(Object.prototype, "then", { get: () => { throw new Error("trap"); }, configurable: true });
    const restored = guard.repair();
    expect(globalThis.Math).toBe(math);
    expect(new Map([[1, 2]]).size).toBe(1);
    expect(Object.prototype.hasOwnProperty.call(Object.prototype, "then")).toBe(false);
    expect(restored).toEqual(expect.arrayContaining(["globalThis.Math", "Map.prototype.size", "Object.prototype.then (added)"]));
  });

  it("puts back the timer functions and the process object the protocol and the output router use", () => {
    const guard = new IntrinsicsGuard();
    const timer = setTimeout;
    const proc = process;
    Reflect.set(globalThis, "setTimeout", undefined);
    Reflect.set(globalThis, "process", undefined);
    const restored = guard.repair();
    expect(globalThis.setTimeout).toBe(timer);
    expect(globalThis.process).toBe(proc);
    expect(restored).toEqual(expect.arrayContaining(["globalThis.setTimeout", "globalThis.process"]));
    // Members of process and console are the user's (and the kernel's own guards replace some): not checked.
    const exit = process.exit;
    process.exit = (() => undefined) as never;
    try {
      expect(guard.changed()).toEqual([]);
    } finally {
      process.exit = exit;
    }
  });

  it("words the warning for replaced and for added members", () => {
    expect(restoredWarning(["Array.prototype.map"])).toBe(
      "warning: this cell deleted or overwrote Array.prototype.map with a non-function; the kernel needs it, so it was restored. Assign a function to patch a built-in.\n",
    );
    expect(restoredWarning(["Object.prototype.then (added)"], true)).toMatch(
      /^warning: code that ran after an earlier cell \(a timer or a promise\) added Object\.prototype\.then, which .* breaks every await; it was removed\.\n$/,
    );
  });
});
