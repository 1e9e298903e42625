/** `synthlab run`: execute a notebook headless; its option list (src/frontend/spec.ts). */
import type { CommandSpec } from "../spec.js";

export const runCommandSpec: CommandSpec = {
  name: "run",
  summary: "Execute a notebook headless: run NOTEBOOK [-p name=value ...] [--out executed.ipynb] [--html page.html].",
  description: "Execute a notebook headless with the synthlab kernel's own execution code.",
  options: [
    {
      name: "parameter", short: "p", type: "string", repeatable: true, metavar: "name=value",
      help: "set a parameter; the value is JSON when it parses (500, true, \"x\", [1,2]), else a string. Injected as a cell tagged injected-parameters after the cell tagged parameters",
    },
    { name: "out", short: "o", type: "string", metavar: "FILE", help: "write the executed notebook (nbformat 4.5) here" },
    { name: "html", type: "string", metavar: "FILE", help: "write a self-contained HTML page of the executed notebook" },
    { name: "timeout", type: "string", metavar: "S", help: "stop a cell that runs longer than S seconds (default: no limit)" },
    { name: "quiet", short: "q", type: "boolean", help: "no progress lines on stderr" },
  ],
  cli: {
    positionals: [{ name: "notebook", help: "the .ipynb file to run", rest: true }],
    epilog: "Exit status: 0 when every cell ran, 1 when a cell failed (the notebook and page are still\nwritten, with the error), 2 for bad usage or a notebook that cannot be run at all.",
  },
};
