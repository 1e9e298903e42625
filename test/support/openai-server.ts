// The local OpenAI-compatible test double lives in the package (synthlab/testing), so notebooks can
// run their LLM cells against it; tests import it from here as before.
export * from "../../src/testing/openaiTestDouble.js";
