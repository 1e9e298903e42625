/**
 * The local OpenAI-compatible test double (not a model) in its own process, as a real server would be:
 * its JSON work must not share the benchmark's event loop. Run as a script (`--serve MS`), this file
 * starts the double with that latency, prints its URL and lives until its stdin closes.
 */
import { spawn } from "node:child_process";
import { fileURLToPath } from "node:url";
import type { Schema } from "../../src/data/types.js";
import { startOpenAiServer } from "../../test/support/openai-server.js";

/** The schema the LLM benchmarks generate: the coffee-shop walkthrough's columns. */
export const COFFEE_SCHEMA: Schema = {
  columns: [
    { name: "coffee_name", kind: "categorical", values: ["Latte", "Americano", "Cappuccino", "Cortado", "Espresso", "Cocoa"] },
    { name: "money", kind: "numeric", min: 18, max: 40 },
    { name: "hour_of_day", kind: "integer", min: 6, max: 22 },
    { name: "cash_type", kind: "categorical", values: ["card", "cash"] },
    { name: "Date", kind: "datetime", min: "2024-03-01", max: "2025-03-23" },
  ],
};

export interface ServerProcess {
  url: string;
  close(): Promise<void>;
}

const SELF = fileURLToPath(import.meta.url);

/** Starts the test double in a child process with `latencyMs` per chat completion. */
export async function spawnTestDouble(latencyMs: number): Promise<ServerProcess> {
  const child = spawn(process.execPath, ["--import", "tsx", SELF, "--serve", String(latencyMs)], { stdio: ["pipe", "pipe", "inherit"] });
  const url = await new Promise<string>((resolve, reject) => {
    child.stdout.once("data", (d: Buffer) => resolve(d.toString().trim()));
    child.once("exit", (code) => reject(new Error(`the test double process exited (${String(code)}) before printing its URL`)));
  });
  return {
    url,
    close: async () => {
      if (child.exitCode !== null) return;
      const exited = new Promise((r) => child.once("exit", r));
      child.stdin.end();
      await exited;
    },
  };
}

if (process.argv[1] === SELF && process.argv.includes("--serve")) {
  const latencyMs = Number(process.argv[process.argv.indexOf("--serve") + 1]);
  const s = await startOpenAiServer({ latencyMs });
  process.stdout.write(`${s.url}\n`);
  process.stdin.resume();
  process.stdin.on("end", () => { void s.close().then(() => process.exit(0)); });
}
