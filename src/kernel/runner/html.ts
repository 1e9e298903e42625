/**
 * One self-contained HTML page for an executed notebook: inline CSS, images as data: URIs,
 * markdown rendered with `marked`, charts shown by their PNG. Nothing is fetched from
 * elsewhere: in markdown and HTML outputs, external resource URLs (img/script/iframe src,
 * stylesheet links, CSS url() and @import) are removed; ordinary hyperlinks stay. Code and
 * text outputs are escaped, so URLs in them are inert text.
 */
import { marked } from "marked";
import { joinSource, type Cell, type Notebook, type Output } from "./nbformat.js";
import { escapeHtml } from "../../display/format.js";

const CSS = `
body{font-family:system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;max-width:1100px;margin:2em auto;padding:0 1em;color:#1f2328;line-height:1.5}
.cell{margin:0 0 1.2em 0}
.input{display:flex;gap:.6em}
.prompt{flex:0 0 6.5em;text-align:right;color:#57606a;font:12px ui-monospace,SFMono-Regular,Menlo,monospace;padding-top:.6em}
.prompt.out{color:#b35900}
.body{flex:1;min-width:0}
pre{margin:0;white-space:pre-wrap;word-break:break-word;font:13px/1.45 ui-monospace,SFMono-Regular,Menlo,monospace}
.source pre{background:#f6f8fa;border:1px solid #d0d7de;border-radius:6px;padding:.6em .8em}
.output{display:flex;gap:.6em;margin-top:.3em}
.output .body{overflow-x:auto}
.stderr pre{background:#fff5f5;padding:.3em .6em}
.error pre{background:#ffebe9;border-left:4px solid #cf222e;padding:.4em .8em}
.markdown{padding:0 .5em 0 7.1em}
.markdown img,.output img{max-width:100%}
table{border-collapse:collapse;font-size:13px}
th,td{border:1px solid #d0d7de;padding:.2em .6em;text-align:right}
th{background:#f6f8fa}
.meta{color:#57606a;font-size:12px;border-bottom:1px solid #d0d7de;margin-bottom:1.5em;padding-bottom:.5em}
`;


/** Strip ANSI colour codes (tracebacks) and apply carriage returns (progress lines) as a terminal would. */
export function terminalText(text: string): string {
  const plain = text.replace(/\u001b\[[0-9;?]*[A-Za-z]/g, "");
  return plain
    .split("\n")
    .map((line) => {
      const parts = line.split("\r").filter((p, i, all) => p !== "" || i === all.length - 1);
      return parts.length ? parts[parts.length - 1]! : "";
    })
    .join("\n");
}

function text(value: unknown): string {
  return Array.isArray(value) ? value.join("") : typeof value === "string" ? value : JSON.stringify(value, null, 2);
}

/** Remove references that would make the browser fetch something from another host. */
export function withoutExternalResources(html: string): string {
  return html
    .replace(/<link\b[^>]*\bhref\s*=\s*["']?\s*(?:https?:)?\/\/[^>]*>/gi, "")
    .replace(/<script\b[^>]*\bsrc\s*=\s*["']?\s*(?:https?:)?\/\/[^>]*>\s*<\/script>/gi, "")
    .replace(/\b(src|srcset|poster|data)\s*=\s*(["'])\s*(?:https?:)?\/\/[^"']*\2/gi, '$1="" data-external-removed="1"')
    .replace(/url\(\s*(["']?)\s*(?:https?:)?\/\/[^)]*\)/gi, "url()")
    .replace(/@import\s+(?:url\()?\s*["']?\s*(?:https?:)?\/\/[^;]*;/gi, "");
}

function dataUri(mime: string, base64: string): string {
  return `data:${mime};base64,${base64.replace(/\s+/g, "")}`;
}

/** width/height attributes from an output's image metadata (a 2× chart PNG is drawn at its design size). */
function imageSize(metadata: Record<string, unknown> | undefined, mime: string): string {
  const m = metadata?.[mime] as { width?: unknown; height?: unknown } | undefined;
  const dims = [["width", m?.width], ["height", m?.height]].filter(([, v]) => typeof v === "number" && v > 0);
  return dims.map(([k, v]) => ` ${k}="${v}"`).join("");
}

/** The richest MIME type of a bundle this page can show; charts by their PNG. */
function renderBundle(data: Record<string, unknown>, metadata?: Record<string, unknown>): string {
  if (typeof data["text/html"] === "string" || Array.isArray(data["text/html"])) return `<div class="html">${withoutExternalResources(text(data["text/html"]))}</div>`;
  if (data["image/png"] !== undefined) return `<img src="${dataUri("image/png", text(data["image/png"]))}"${imageSize(metadata, "image/png")} alt="">`;
  if (data["image/jpeg"] !== undefined) return `<img src="${dataUri("image/jpeg", text(data["image/jpeg"]))}" alt="">`;
  if (data["image/svg+xml"] !== undefined) {
    return `<img src="${dataUri("image/svg+xml", Buffer.from(text(data["image/svg+xml"])).toString("base64"))}" alt="">`;
  }
  if (data["text/markdown"] !== undefined) return `<div class="md">${withoutExternalResources(marked.parse(text(data["text/markdown"]), { async: false }))}</div>`;
  for (const mime of Object.keys(data)) {
    if (mime === "application/json" || mime.endsWith("+json")) {
      if (data["text/plain"] !== undefined) break;
      return `<pre>${escapeHtml(text(data[mime]))}</pre>`;
    }
  }
  if (data["text/plain"] !== undefined) return `<pre>${escapeHtml(terminalText(text(data["text/plain"])))}</pre>`;
  if (data["text/latex"] !== undefined) return `<pre>${escapeHtml(text(data["text/latex"]))}</pre>`;
  return `<pre>[${escapeHtml(Object.keys(data).join(", "))}]</pre>`;
}

function renderOutput(o: Output): string {
  switch (o.output_type) {
    case "stream":
      return `<div class="output ${o.name}"><div class="prompt"></div><div class="body"><pre>${escapeHtml(terminalText(text(o.text)))}</pre></div></div>`;
    case "error": {
      const tb = o.traceback.length ? o.traceback.join("\n") : `${o.ename}: ${o.evalue}`;
      return `<div class="output error"><div class="prompt"></div><div class="body"><pre>${escapeHtml(terminalText(tb))}</pre></div></div>`;
    }
    case "execute_result":
      return `<div class="output result"><div class="prompt out">Out[${o.execution_count ?? " "}]:</div><div class="body">${renderBundle(o.data, o.metadata)}</div></div>`;
    case "display_data":
      return `<div class="output display"><div class="prompt"></div><div class="body">${renderBundle(o.data, o.metadata)}</div></div>`;
  }
}

/** Markdown with `attachment:name` images resolved to data: URIs. */
function renderMarkdown(cell: Extract<Cell, { cell_type: "markdown" }>): string {
  let html = marked.parse(joinSource(cell.source), { async: false });
  const attachments = cell.attachments ?? {};
  html = html.replace(/(src=")attachment:([^"]+)"/g, (whole, prefix: string, name: string) => {
    const bundle = attachments[decodeURIComponent(name)];
    const mime = bundle && Object.keys(bundle).find((m) => m.startsWith("image/"));
    return mime ? `${prefix}${dataUri(mime, text(bundle[mime]))}"` : whole;
  });
  return withoutExternalResources(html);
}

function renderCell(cell: Cell): string {
  if (cell.cell_type === "markdown") return `<div class="cell markdown">${renderMarkdown(cell)}</div>`;
  if (cell.cell_type === "raw") return `<div class="cell raw"><pre>${escapeHtml(joinSource(cell.source))}</pre></div>`;
  const count = cell.execution_count ?? " ";
  const input = `<div class="input"><div class="prompt">In [${count}]:</div><div class="body source"><pre><code class="language-typescript">${escapeHtml(joinSource(cell.source))}</code></pre></div></div>`;
  return `<div class="cell code" id="cell-${escapeHtml(cell.id)}">${input}${cell.outputs.map(renderOutput).join("")}</div>`;
}

function pageTitle(nb: Notebook, fallback: string): string {
  for (const cell of nb.cells) {
    if (cell.cell_type !== "markdown") continue;
    const m = /^#{1,3}\s+(.+)$/m.exec(joinSource(cell.source));
    if (m) return m[1]!.trim();
  }
  return fallback;
}

export interface HtmlOptions {
  /** Used as the title when the notebook has no markdown heading. */
  name: string;
  /** One line under the title (e.g. when and with which parameters it ran). */
  subtitle?: string;
}

export function notebookToHtml(nb: Notebook, opts: HtmlOptions): string {
  const title = pageTitle(nb, opts.name);
  const body = nb.cells.map(renderCell).join("\n");
  const meta = opts.subtitle ? `<div class="meta">${escapeHtml(opts.subtitle)}</div>` : "";
  const page = `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(title)}</title>
<style>${CSS}</style>
</head>
<body>
${meta}
${body}
</body>
</html>
`;
  return page;
}
