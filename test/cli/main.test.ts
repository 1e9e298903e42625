/** The `synthlab` dispatcher: every listed command loads by a literal path; anything else is one usage error. */
import { describe, expect, it } from "vitest";
import { main } from "../../src/cli/main.js";
import { runCli } from "../support/cli.js";

describe("synthlab <command>", () => {
  it("an unknown name, even one every object inherits, is a usage error (exit 2) that lists the commands", async () => {
    for (const name of ["nope", "toString", "constructor"]) {
      const r = await runCli(main, [name]);
      expect(r.code).toBe(2);
      expect(r.stderr).toContain(`synthlab: unknown command "${name}".`);
      expect(r.stderr).toContain("  datasets  ");
    }
  });

  it("loads and runs a listed command", async () => {
    const r = await runCli(main, ["datasets", "--help"]);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain("Usage: synthlab datasets");
  });
});
