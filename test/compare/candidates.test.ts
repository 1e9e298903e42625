import { describe, expect, it } from "vitest";
import { candidatesFromJson, CompareError, parseCandidate, statisticalModes, toCandidates } from "../../src/compare/index.js";
import { GENERATE_MODES } from "../../src/generate/index.js";

describe("candidates", () => {
  it("takes the statistical modes from the generate library's list of modes", () => {
    const modes = statisticalModes();
    expect(modes).toContain("offline");
    expect(modes).toContain("copula");
    expect(modes).not.toContain("grounded"); // needs an LLM and a corpus
    // Every non-LLM mode of the library is a candidate, so a new one (cart) joins by its name.
    expect(modes).toEqual(GENERATE_MODES.filter((m) => !["llm-rows", "llm-program", "text", "grounded"].includes(m)));
    for (const m of modes) expect(parseCandidate(m)).toEqual({ kind: "statistical", mode: m, name: m });
  });

  it("parses an inline LLM endpoint with the NAME of its key variable and its price", () => {
    const c = parseCandidate("name=gpt,base=https://api.openai.com/v1/,model=gpt-4o-mini,key_env=OPENAI_API_KEY,price_in=0.15,price_out=0.6,concurrency=4");
    expect(c).toEqual({
      kind: "llm", name: "gpt", baseURL: "https://api.openai.com/v1", model: "gpt-4o-mini", keyEnv: "OPENAI_API_KEY",
      price: { input: 0.15, output: 0.6 }, concurrency: 4,
    });
    expect(parseCandidate("name=c2,mode=copula")).toEqual({ kind: "statistical", mode: "copula", name: "c2" });
  });

  it("refuses a literal key, naming the fix", () => {
    expect(() => parseCandidate("name=gpt,base=https://x/v1,model=m,key=sk-abc123")).toThrow(/never write the key itself.*key_env=/);
    expect(() => toCandidates([{ name: "g", baseURL: "https://x/v1", model: "m", apiKey: "sk-abc" } as never])).toThrow(/never give the key itself/);
    expect(() => parseCandidate("name=gpt,base=https://x/v1,model=m,key_env=sk-live-123")).toThrow(CompareError);
  });

  it("names the problem in one line for bad specs", () => {
    expect(() => parseCandidate("gan")).toThrow(/Unknown statistical candidate "gan": use one of offline, copula/);
    expect(() => parseCandidate("llm-rows")).toThrow(/needs an endpoint/);
    expect(() => parseCandidate("name=g,base=ftp://x,model=m")).toThrow(/base must be an http\(s\) URL/);
    expect(() => parseCandidate("name=g,base=http://x/v1")).toThrow(/no model/);
    expect(() => parseCandidate("name=g,base=http://x/v1,model=m,price_in=0.1")).toThrow(/both price_in and price_out/);
    expect(() => parseCandidate("name=g,base=http://x/v1,model=m,price_in=abc,price_out=1")).toThrow(/price_in=abc is not a number/);
    expect(() => parseCandidate("name=g,base=http://x/v1,model=m,colour=red")).toThrow(/unknown field "colour"/);
    expect(() => toCandidates(["copula", "name=copula,mode=offline"])).toThrow(/Two candidates are named "copula"/);
    expect(() => toCandidates([])).toThrow(/No candidates/);
  });

  it("passes a statistical mode its own options, never the shared rows or seed", () => {
    expect(toCandidates([{ mode: "copula", name: "c", options: { dedup: "exact" } }])[0]).toEqual({ kind: "statistical", mode: "copula", name: "c", options: { dedup: "exact" } });
    expect(() => toCandidates([{ mode: "copula", options: { rows: 5 } }])).toThrow(/rows are the same for every candidate/);
  });

  it("reads a JSON file of candidates with the command line's field names", () => {
    const list = candidatesFromJson(JSON.stringify({
      candidates: [
        { name: "local", base: "http://localhost:11434/v1", model: "llama3", price_in: 0, price_out: 0 },
        "copula",
        "name=o,mode=offline",
      ],
    }));
    expect(list.map((c) => c.name)).toEqual(["local", "copula", "o"]);
    expect(list[0]).toMatchObject({ kind: "llm", baseURL: "http://localhost:11434/v1", price: { input: 0, output: 0 } });
    expect(() => candidatesFromJson("{not json", "c.json")).toThrow(/c.json is not valid JSON/);
    expect(() => candidatesFromJson('{"x": 1}', "c.json")).toThrow(/must hold a list of candidates/);
  });
});
