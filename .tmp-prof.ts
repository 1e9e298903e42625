import { createLlmGenerator } from "./src/generate/llm/index.js";
import { startOpenAiServer } from "./test/support/openai-server.js";
import fs from "node:fs";
const SCHEMA = { columns: [
    { name: "coffee_name", kind: "categorical", values: ["Latte", "Americano", "Cappuccino", "Cortado", "Espresso", "Cocoa"] },
    { name: "money", kind: "numeric", min: 18, max: 40 },
    { name: "hour_of_day", kind: "integer", min: 6, max: 22 },
    { name: "cash_type", kind: "categorical", values: ["card", "cash"] },
    { name: "Date", kind: "datetime", min: "2024-03-01", max: "2025-03-23" } ] } as const;
const s = await startOpenAiServer({});
const req = (cp: string) => ({ rows: 10000, seed: 1, schema: SCHEMA as any, model: "gpt-4o-mini", batchSize: 20, concurrency: 32, options: { baseURL: s.url, apiKey: "x", env: {}, cache: "/tmp/profcache", checkpointDir: cp } });
fs.rmSync("/tmp/profcache", { recursive: true, force: true });
await createLlmGenerator("llm-rows").generate(req("/tmp/profcp1"), { onProgress: () => {} });
const t = performance.now();
const phases: [string, number][] = [];
await createLlmGenerator("llm-rows").generate(req("/tmp/profcp2-" + Date.now()), { onProgress: (p) => { if (p.phase) phases.push([p.phase, performance.now() - t]); } });
console.log("cached rerun ms", performance.now() - t, phases);
await s.close();
