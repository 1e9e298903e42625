import { mkdtempSync, readFileSync, writeFileSync, appendFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { frameFromRecords } from "../../src/data/frame.js";
import { DecisionStore, ReviewError, reviewFile, rowsWithDecision } from "../../src/review/decisions.js";
import { parseReviewCommand } from "../../src/review/commands.js";
import { ReviewSession } from "../../src/review/session.js";
import { autoLayout, pageHtml, pageText } from "../../src/review/view.js";

const dir = (): string => mkdtempSync(path.join(tmpdir(), "synthlab-review-"));

function table(n = 25) {
  return frameFromRecords(Array.from({ length: n }, (_, i) => ({
    city: ["Kyiv", "Lviv", "Odesa"][i % 3], price: 10 + i, paid: i % 2 === 0,
    _meta: JSON.stringify({ method: "llm-rows", model: "m", seed: i }),
  })));
}

describe("keyboard commands", () => {
  it("parses accept/reject/undo with rows, ranges, page and the cursor", () => {
    expect(parseReviewCommand("a")).toEqual({ op: "accept", rows: { kind: "cursor" } });
    expect(parseReviewCommand("r 3")).toEqual({ op: "reject", rows: { kind: "list", rows: [3] } });
    expect(parseReviewCommand("A 2,4-6")).toEqual({ op: "accept", rows: { kind: "list", rows: [2, 4, 5, 6] } });
    expect(parseReviewCommand("u page")).toEqual({ op: "undo", rows: { kind: "page" } });
    expect(parseReviewCommand(" n ")).toEqual({ op: "next" });
    expect(parseReviewCommand("p")).toEqual({ op: "prev" });
    expect(parseReviewCommand("g 3")).toEqual({ op: "page", page: 3 });
  });

  it("parses edits as col=value pairs, quoted text and JSON", () => {
    expect(parseReviewCommand("e 4 city=Dnipro; price=12")).toEqual({ op: "edit", row: 4, values: { city: "Dnipro", price: "12" } });
    expect(parseReviewCommand('e city="007"')).toEqual({ op: "edit", row: "cursor", values: { city: "007" } });
    expect(parseReviewCommand('e 2 {"price": 3, "paid": false}')).toEqual({ op: "edit", row: 2, values: { price: 3, paid: false } });
  });

  it("names the problem and lists the commands for a bad command", () => {
    expect(() => parseReviewCommand("x 3")).toThrow(/unknown command "x".*Commands: a \[ROWS\] accept/);
    expect(() => parseReviewCommand("a 3-1")).toThrow(ReviewError);
    expect(() => parseReviewCommand("a three")).toThrow(/"three" is not a row number/);
    expect(() => parseReviewCommand("e 3")).toThrow(/say what to change/);
    expect(() => parseReviewCommand("g 0")).toThrow(/page number from 1/);
    expect(() => parseReviewCommand("")).toThrow(/empty command/);
  });
});

describe("decision store", () => {
  it("persists decisions to .synthlab/review/NAME.jsonl and reloads them in a new store (a kernel restart)", () => {
    const d = dir();
    const s1 = new ReviewSession(table(), DecisionStore.open("sales", d));
    s1.command("a 1-3");
    s1.command("r 4");
    s1.command("e 5 city=Dnipro");
    const file = reviewFile(d, "sales");
    expect(file).toBe(path.join(d, ".synthlab", "review", "sales.jsonl"));
    expect(readFileSync(file, "utf8").trim().split("\n")).toHaveLength(5);
    const s2 = new ReviewSession(table(), DecisionStore.open("sales", d));
    expect(s2.counts()).toEqual({ accepted: 3, edited: 1, rejected: 1, pending: 20, total: 25 });
    expect(s2.row(4).city).toBe("Dnipro");
    // Re-opening continues at the first pending row.
    expect(s2.cursor).toBe(5);
  });

  it("re-opening and re-applying the same decisions writes nothing (idempotent)", () => {
    const d = dir();
    const s1 = new ReviewSession(table(), DecisionStore.open("x", d));
    s1.command("a 1-3");
    const before = readFileSync(reviewFile(d, "x"), "utf8");
    const s2 = new ReviewSession(table(), DecisionStore.open("x", d));
    s2.command("a 1-3");
    s2.command("u 10"); // pending → pending: nothing to record
    expect(readFileSync(reviewFile(d, "x"), "utf8")).toBe(before);
  });

  it("keys rows by content, so a re-run listing rows in another order keeps each row's decision", () => {
    const d = dir();
    const t = table(6);
    new ReviewSession(t, DecisionStore.open("k", d)).command("r 2");
    const reversed = frameFromRecords([...Array(6).keys()].reverse().map((i) => ({
      city: t.columns.city![i], price: t.columns.price![i], paid: t.columns.paid![i], _meta: "{}",
    })));
    const s = new ReviewSession(reversed, DecisionStore.open("k", d));
    expect(s.state(4)).toBe("rejected");
    expect(s.counts().rejected).toBe(1);
  });

  it("skips a torn last line (crash mid-write) and keeps the rest", () => {
    const d = dir();
    new ReviewSession(table(), DecisionStore.open("t", d)).command("a 1");
    appendFileSync(reviewFile(d, "t"), '{"key":"abc","decis');
    const store = DecisionStore.open("t", d);
    expect(store.unreadableLines).toBe(1);
    expect(new ReviewSession(table(), store).counts().accepted).toBe(1);
  });

  it("refuses a review name that would leave the folder", () => {
    expect(() => reviewFile("/tmp", "../etc/passwd")).toThrow(/not usable as a file name/);
    expect(() => reviewFile("/tmp", "a/b")).toThrow(ReviewError);
  });

  it("gives back rejected rows from the file alone (for counter-examples)", () => {
    const d = dir();
    new ReviewSession(table(), DecisionStore.open("c", d)).command("r 2,3");
    const rows = rowsWithDecision(DecisionStore.open("c", d), "rejected");
    expect(rows).toEqual([{ city: "Lviv", price: 11, paid: false }, { city: "Odesa", price: 12, paid: true }]);
  });

  it("ignores a file written by hand with wrong fields", () => {
    const d = dir();
    const file = reviewFile(d, "h");
    new ReviewSession(table(), DecisionStore.open("h", d)).command("a 1");
    writeFileSync(file, readFileSync(file, "utf8") + JSON.stringify({ key: "k", decision: "maybe", row: {}, at: "x" }) + "\n");
    expect(DecisionStore.open("h", d).unreadableLines).toBe(1);
  });
});

describe("paging and the cursor", () => {
  it("pages the table and walks the cursor across pages with the keyboard", () => {
    const s = new ReviewSession(table(25), DecisionStore.open("p", dir()), 10);
    expect(s.pageCount).toBe(3);
    expect(s.pageRows()).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
    for (let i = 0; i < 10; i++) s.command(i % 2 ? "r" : "a");
    expect(s.page).toBe(1);
    expect(s.cursor).toBe(10);
    expect(s.counts()).toMatchObject({ accepted: 5, rejected: 5, pending: 15 });
    s.command("n");
    expect(s.pageRows()).toEqual([20, 21, 22, 23, 24]);
    expect(s.command("n")).toMatch(/already on the last page/);
    s.command("p"); s.command("p");
    expect(s.page).toBe(0);
    s.command("a page");
    expect(s.counts().accepted).toBe(10);
    expect(() => s.command("g 4")).toThrow(/no page 4; pages run from 1 to 3/);
    expect(() => s.command("a 26")).toThrow(/no row 26; rows run from 1 to 25/);
  });

  it("checks edits against the columns and their types", () => {
    const s = new ReviewSession(table(), DecisionStore.open("e", dir()));
    expect(() => s.command("e 1 town=Kyiv")).toThrow(/no column "town"; columns: city, price, paid/);
    expect(() => s.command("e 1 price=cheap")).toThrow(/not a number/);
    expect(() => s.command("e 1 _meta=x")).toThrow(/no column "_meta"/);
    s.command("e 1 price=99.5; paid=false");
    expect(s.row(0)).toMatchObject({ price: 99.5, paid: false, city: "Kyiv" });
    s.command("e 1 city=Lutsk"); // a second edit keeps the first
    expect(s.row(0)).toMatchObject({ price: 99.5, city: "Lutsk" });
    expect(() => new ReviewSession(table(), DecisionStore.open("e", dir()), 0)).toThrow(/pageSize 0/);
  });
});

describe("the returned frame", () => {
  it("holds accepted and edited rows with the edit applied and the decision added to _meta", () => {
    const s = new ReviewSession(table(6), DecisionStore.open("f", dir()));
    s.command("a 1"); s.command("r 2"); s.command("e 3 price=1");
    const f = s.framed(["accepted", "edited"]);
    expect(f.rowCount).toBe(2);
    expect(f.columnNames).toEqual(["city", "price", "paid", "_meta"]);
    expect(f.columns.price).toEqual([10, 1]);
    expect(f.columns._meta!.map((m) => JSON.parse(String(m)))).toEqual([
      { method: "llm-rows", model: "m", seed: 0, review: "accepted" },
      { method: "llm-rows", model: "m", seed: 2, review: "edited" },
    ]);
    const rej = s.framed(["rejected"]);
    expect(rej.columns.city).toEqual(["Lviv"]);
    expect(JSON.parse(String(rej.columns._meta![0])).review).toBe("rejected");
  });

  it("adds a _meta column to a table that had none", () => {
    const t = frameFromRecords([{ a: 1 }, { a: 2 }]);
    const s = new ReviewSession(t, DecisionStore.open("m", dir()));
    s.command("a 2");
    const f = s.framed(["accepted", "edited"]);
    expect(f.columnNames).toEqual(["a", "_meta"]);
    expect(f.columns.a).toEqual([2]);
    expect(f.columns._meta).toEqual([JSON.stringify({ review: "accepted" })]);
  });
});

describe("page views", () => {
  it("shows text datasets as cards and tables as rows, with decisions and the count", () => {
    const text = frameFromRecords([
      { text: "The delivery arrived two days late and the box was crushed on one side.", label: "negative" },
      { text: "Great coffee, friendly staff, and the <b>pastries</b> were fresh this morning.", label: "positive" },
    ]);
    const s = new ReviewSession(text, DecisionStore.open("v", dir()));
    expect(autoLayout(s)).toBe("cards");
    s.command("r 1");
    const txt = pageText("v", s, "cards");
    expect(txt).toContain("Review v: page 1 of 1 · accepted 0 · edited 0 · rejected 1 · pending 1 (of 2)");
    expect(txt).toContain("▶ #1 [rejected] label=negative\n    The delivery arrived");
    expect(txt).toContain("  #2 [pending] label=positive");
    const html = pageHtml(s, "cards");
    expect(html).toContain('data-row="1" data-state="rejected"');
    expect(html).toContain("&lt;b&gt;pastries&lt;/b&gt;");
    expect(html).not.toContain("<b>pastries");
    const t = new ReviewSession(table(3), DecisionStore.open("w", dir()));
    expect(autoLayout(t)).toBe("table");
    expect(pageText("w", t, "table")).toContain("▶ #1 [pending] city=Kyiv · price=10 · paid=true");
    expect(pageHtml(t, "table")).toMatch(/<th>city<\/th><th>price<\/th><th>paid<\/th>/);
  });
});
