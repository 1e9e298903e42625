/**
 * Secret detection has one home, src/secrets.ts: `%env`, notebook run parameters and the LLM
 * client's error scrubbing ask it, so what counts as a secret cannot differ between them.
 */
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { HIDDEN, isSecretName, scrubSecrets, shownValue } from "../../src/secrets.js";
import { shownParameters } from "../../src/kernel/runner/parameters.js";

const src = new URL("../../src/", import.meta.url).pathname;
const names = ["OPENAI_API_KEY", "github_token", "aws_secret_access", "db_password", "PASSWD", "gcp_credentials", "HOME", "rows", "seed", "model"];

describe("src/secrets.ts", () => {
  it("names with KEY, TOKEN, SECRET, PASSWORD, PASSWD or CREDENTIAL (any case) are secret", () => {
    expect(names.filter(isSecretName)).toEqual(["OPENAI_API_KEY", "github_token", "aws_secret_access", "db_password", "PASSWD", "gcp_credentials"]);
    expect(shownValue("api_key", "sk-123")).toBe(HIDDEN);
    expect(shownValue("rows", 3)).toBe(3);
  });

  it("run parameters hide exactly the names %env hides", () => {
    const shown = shownParameters(Object.fromEntries(names.map((n) => [n, "value"])));
    for (const n of names) expect(shown[n]).toBe(isSecretName(n) ? HIDDEN : "value");
  });

  it("scrubs registered secrets and key-shaped strings", () => {
    expect(scrubSecrets("key sk-proj-ABCDEFGH12345, Bearer abcdefgh123 and mysecret", ["mysecret"])).toBe("key [redacted], [redacted] and [redacted]");
    expect(scrubSecrets("reply sk-proj-ABCDEFGH12345 data", ["other"], { shapes: false })).toBe("reply sk-proj-ABCDEFGH12345 data");
  });

  it("the kernel runner, %env and the LLM client take it from src/secrets.ts, not from one another", () => {
    const imports = (file: string) => readFileSync(src + file, "utf8");
    expect(imports("kernel/runner/parameters.ts")).not.toMatch(/from "[./]*magics\//);
    for (const file of ["kernel/runner/parameters.ts", "magics/builtin/env.ts", "generate/llm/client.ts"]) {
      expect(imports(file), file).toMatch(/from "\.\.\/\.\.\/secrets\.js"/);
      expect(imports(file), file).not.toMatch(/SECRET_PARTS|KEY_PATTERNS|function isSecretName|function scrubSecrets/);
    }
  });
});
