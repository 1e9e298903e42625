import { readFileSync, writeFileSync } from "node:fs";
import { Resvg } from "@resvg/resvg-js";
const html = readFileSync("/tmp/h5/report.html", "utf8");
const svgs = [...html.matchAll(/<svg[\s\S]*?<\/svg>/g)].map((m) => m[0]);
for (const i of [0, 2, 3, 4, 5, 6, 7]) {
  const png = new Resvg(svgs[i]!, { background: "white", font: { loadSystemFonts: true } }).render().asPng();
  writeFileSync(`/tmp/h5/chart${i}.png`, png);
}
