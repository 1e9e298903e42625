/**
 * The grounded mode's Generator (docs/grounded.md): checks the request, loads the corpus
 * (./corpus.ts), builds the retriever over it (./retrieval.ts: BM25, fused with embeddings where
 * the endpoint has /v1/embeddings, through the run's client) and runs the pipeline (./pipeline.ts). Loaded on demand by src/generate/index.ts.
 */
import { GenerateError, type GenerateHooks, type GenerateRequest, type GenerateResult, type Generator } from "../types.js";
import { loadCorpus } from "./corpus.js";
import { generateGrounded, needOf } from "./pipeline.js";
import { createRetriever } from "./retrieval.js";
import type { Corpus } from "./types.js";

/** The corpus of a request: a folder path is loaded, a loaded Corpus used as is. */
export async function corpusOf(request: GenerateRequest): Promise<Corpus> {
  const c = request.corpus;
  if (c === undefined || c === "") {
    throw new GenerateError("grounded: no corpus given: pass --corpus PATH (library: corpus), a folder of .txt, .md, .html or .jsonl files.");
  }
  if (typeof c === "string") return loadCorpus(c);
  if (typeof c !== "object" || c === null || !Array.isArray((c as Corpus).passages)) {
    throw new GenerateError("grounded: corpus must be a folder path or a loaded corpus (loadCorpus(path)).");
  }
  return c;
}

export function createGroundedGenerator(): Generator {
  return {
    mode: "grounded",
    async generate(request: GenerateRequest, hooks: GenerateHooks): Promise<GenerateResult> {
      needOf(request); // the cheap check first: no corpus is read for a request without a need
      const corpus = await corpusOf(request);
      // Built with the run's client, so the passage embeddings share its cache, budget and retry policy.
      return generateGrounded(request, hooks, {
        corpus,
        retriever: (client) => createRetriever(corpus, {
          client, ...(request.embeddingModel !== undefined ? { embeddingModel: request.embeddingModel } : {}), ...(hooks.signal ? { signal: hooks.signal } : {}),
        }),
      });
    },
  };
}
