/**
 * `%env`: list, show or set environment variables. Values of names that look secret are
 * never printed (the value itself is still set and used).
 */
import { interpolateText } from "../tokenize.js";
import { MagicUsageError, type MagicDefinition } from "../types.js";

import { shownValue } from "../../secrets.js";

const NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;

const env: MagicDefinition = {
  name: "env",
  kind: "line",
  description:
    "Without arguments, list the environment. `%env NAME` shows one variable; `%env NAME=value` or " +
    "`%env NAME value` sets it for this kernel. Values of names containing KEY, TOKEN, SECRET or PASSWORD " +
    "(any case) are shown as <hidden>. {expr} in the value is replaced by the notebook value.",
  rawArgs: true,
  positionals: [{ name: "assignment", help: "NAME, NAME=value or NAME value." }],
  examples: ["%env", "%env OPENAI_BASE_URL=http://127.0.0.1:11434/v1", "%env OPENAI_API_KEY {key}"],
  async run(args, _body, ctx) {
    const line = typeof args.line === "string" ? args.line : "";
    if (!line) {
      const lines = Object.keys(process.env)
        .sort()
        .map((k) => `${k}=${shownValue(k, process.env[k] ?? "")}`);
      ctx.io.stdout(lines.join("\n") + (lines.length ? "\n" : ""));
      return undefined;
    }
    const m = /^([^\s=]+)(?:\s*=\s*|\s+)?(.*)$/s.exec(line)!;
    const name = m[1]!;
    if (!NAME.test(name)) {
      throw new MagicUsageError(`%env: ${JSON.stringify(name)} is not a variable name (letters, digits and _). See %env?`);
    }
    const hasValue = line.length > name.length;
    if (!hasValue) {
      const value = process.env[name];
      if (value === undefined) throw new MagicUsageError(`%env: ${name} is not set; set it with %env ${name}=value.`);
      ctx.io.stdout(`${shownValue(name, value)}\n`);
      return undefined;
    }
    const value = await interpolateText(m[2]!.trim(), (e) => ctx.evaluate(e), "%env");
    process.env[name] = value;
    ctx.io.stdout(`env: ${name}=${shownValue(name, value)}\n`);
    return undefined;
  },
};

export default env;
