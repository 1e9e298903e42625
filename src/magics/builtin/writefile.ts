/** `%%writefile [-a] path`: write (or append) the cell body to a file relative to the notebook. */
import { appendFile, mkdir, writeFile } from "node:fs/promises";
import { dirname, resolve } from "node:path";
import type { MagicDefinition } from "../types.js";

const writefile: MagicDefinition = {
  name: "writefile",
  kind: "cell",
  description:
    "Write the cell body to PATH (relative to the notebook's directory; missing directories are created). " +
    "The file ends with a newline.",
  positionals: [{ name: "path", help: "File to write.", required: true }],
  options: [{ name: "append", short: "a", type: "boolean", help: "Append to the file instead of replacing it." }],
  examples: ["%%writefile schemas/coffee.json\n{ \"columns\": [] }", "%%writefile -a log.txt\none more line"],
  async run(args, body, ctx) {
    const path = String(args.path);
    const target = resolve(ctx.cwd, path);
    const text = body === undefined || body === "" || body.endsWith("\n") ? (body ?? "") : `${body}\n`;
    await mkdir(dirname(target), { recursive: true });
    if (args.append) {
      ctx.io.stdout(`Appending to ${path}\n`);
      await appendFile(target, text, "utf8");
    } else {
      ctx.io.stdout(`Writing ${path}\n`);
      await writeFile(target, text, "utf8");
    }
    return undefined;
  },
};

export default writefile;
