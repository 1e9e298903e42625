/**
 * synthlab/testing: the local OpenAI-compatible TEST DOUBLE (not a language model) that the tests
 * and the notebooks' no-LLM fallback run LLM generation against. Its rows are seeded fill-ins of the
 * requested schema, labelled model "synthlab-test-double"; never present them as a model's output.
 */
export { startOpenAiServer, TEST_DOUBLE_MODEL, PLANT_KINDS } from "./openaiTestDouble.js";
export type { OpenAiTestServer, OpenAiServerOptions, ChatAction, RecordedRequest, PlantKind, PlantedRow } from "./openaiTestDouble.js";
