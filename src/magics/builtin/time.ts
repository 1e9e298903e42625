/** `%time stmt` / `%%time`: run code once and print its wall (and CPU) time. */
import { performance } from "node:perf_hooks";
import { MagicUsageError, type MagicDefinition } from "../types.js";
import { outcomeValue } from "./util.js";

/** "812 µs", "12.3 ms", "4.21 s", "2min 3.5s" */
export function formatDuration(ms: number): string {
  if (ms < 1) return `${(ms * 1000).toPrecision(3)} µs`;
  if (ms < 1000) return `${ms.toPrecision(3)} ms`;
  if (ms < 60_000) return `${(ms / 1000).toPrecision(3)} s`;
  const min = Math.floor(ms / 60_000);
  return `${min}min ${((ms - min * 60_000) / 1000).toFixed(1)}s`;
}

const time: MagicDefinition = {
  name: "time",
  kind: "both",
  description:
    "Run the code once and print how long it took: CPU time of this process (user, sys) and wall time. " +
    "The code's value stays the cell's value.",
  rawArgs: true,
  positionals: [{ name: "statement", help: "Code to time (line form); the cell form times the cell body.", required: true }],
  examples: ["%time await generate(schema, { rows: 1000 })", "%%time\nconst model = await trainRegressor(train, { target: \"money\" });"],
  async run(args, body, ctx) {
    const line = typeof args.line === "string" ? args.line : "";
    if (body !== undefined && line) {
      throw new MagicUsageError("%%time: takes no arguments; put the code in the cell body. See %%time?");
    }
    const code = body ?? line;
    if (!code.trim()) throw new MagicUsageError("%time: nothing to time; write %time <statement> or %%time above a cell. See %time?");
    const cpu = process.cpuUsage();
    const start = performance.now();
    let outcome;
    try {
      outcome = await ctx.runCell(code, ctx.io);
    } finally {
      const wall = performance.now() - start;
      const used = process.cpuUsage(cpu);
      const user = used.user / 1000;
      const sys = used.system / 1000;
      ctx.io.stdout(
        `CPU times: user ${formatDuration(user)}, sys: ${formatDuration(sys)}, total: ${formatDuration(user + sys)}\n` +
          `Wall time: ${formatDuration(wall)}\n`,
      );
    }
    return outcomeValue(outcome);
  },
};

export default time;
