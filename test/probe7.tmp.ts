import { runSandboxed } from "../src/generate/llm/sandbox.js";
try { await runSandboxed("function generate(){ let o = []; for (let i=0;i<1e4;i++) o=[o]; return o; }", { seed: 1, timeoutMs: 10000 }); } catch (e) { console.log((e as Error).stack); }
