"""Executes a small notebook on the installed synthlab kernel with real Jupyter (nbclient)
and checks what a person would see: magics, an ESM import with types, a DataFrame table, a
chart (Vega-Lite v5 + PNG, no HTML), secret masking, and a usage error that leaves the kernel
running. Prints "RESULT: N passed, N failed"."""
import sys
import nbformat
from nbclient import NotebookClient

CELLS = [
    ("lsmagic", "%lsmagic", False),
    ("esm", 'import * as vl from "vega-lite";\nvl.version', False),
    ("stats", 'import * as ss from "simple-statistics";\nss.mean([1, 2, 3, 6])', False),
    ("dataframe", 'import * as dfd from "danfojs-node";\nconst df = new dfd.DataFrame({ a: [1, 2, 3], b: ["x", "<y>", "z"] });\ndf', False),
    ("chart", 'const spec = { $schema: "https://vega.github.io/schema/vega-lite/v5.json", data: { values: [{ x: 1, y: 2 }, { x: 2, y: 3 }, { x: 3, y: 1 }] }, mark: "line", encoding: { x: { field: "x", type: "quantitative" }, y: { field: "y", type: "quantitative" } } };\nspec', False),
    ("time", "%%time\nlet s = 0;\nfor (let i = 0; i < 1000; i++) s += i;\nconsole.log(s);", False),
    ("env-set", "%env SMOKE_API_KEY=supersecret-value", False),
    ("env-list", "%env", False),
    ("bad-magic", "%dataset coffee-sales --no-such-option", True),
    ("type-error", "const n: number = \"text\";", True),
    ("after-errors", "console.log(`still alive ${1 + 1}`)", False),
]


def text_of(outputs):
    parts = []
    for o in outputs:
        if o.get("output_type") == "stream":
            parts.append(o.get("text", ""))
        elif o.get("output_type") == "error":
            parts.append(o.get("ename", "") + ": " + o.get("evalue", ""))
        else:
            parts.append(str(o.get("data", {}).get("text/plain", "")))
    return "\n".join(parts)


def main():
    nb = nbformat.v4.new_notebook()
    for name, src, raises in CELLS:
        c = nbformat.v4.new_code_cell(src)
        c.metadata["name"] = name
        if raises:
            c.metadata["tags"] = ["raises-exception"]
        nb.cells.append(c)
    nb.metadata["kernelspec"] = {"name": "synthlab", "display_name": "TypeScript (synthlab)", "language": "typescript"}
    NotebookClient(nb, timeout=120, kernel_name="synthlab").execute()
    out = {c.metadata["name"]: c.outputs for c in nb.cells}

    checks = []

    def check(name, cond, detail=""):
        checks.append((name, bool(cond), detail))

    check("lsmagic lists built-ins", "%%time" in text_of(out["lsmagic"]) and "%env" in text_of(out["lsmagic"]), text_of(out["lsmagic"])[:300])
    check("vega-lite ESM import", text_of(out["esm"]).strip("'\" \n").startswith("5."), text_of(out["esm"]))
    check("simple-statistics mean", text_of(out["stats"]).strip() == "3", text_of(out["stats"]))
    html = "".join(str(o.get("data", {}).get("text/html", "")) for o in out["dataframe"])
    check("DataFrame as HTML table", "<table" in html and "3 rows" in html and "&lt;y&gt;" in html, html[:300])
    chart = [o for o in out["chart"] if o.get("output_type") in ("execute_result", "display_data")]
    data = chart[0]["data"] if chart else {}
    check("chart bundle: vega-lite v5 + png, no html",
          "application/vnd.vegalite.v5+json" in data and "image/png" in data and "text/html" not in data,
          str(list(data.keys())))
    t = text_of(out["time"])
    check("%%time runs the body and reports wall time", "499500" in t and "Wall time" in t, t)
    envs = text_of(out["env-list"])
    check("%env masks secrets", "SMOKE_API_KEY" in envs and "supersecret-value" not in envs, "")
    bad = [o for o in out["bad-magic"] if o.get("output_type") == "error"]
    check("bad magic option is one clear usage error", bad and "no-such-option" in bad[0].get("evalue", "") and len(bad[0].get("traceback", [])) <= 2, str(bad)[:300])
    te = [o for o in out["type-error"] if o.get("output_type") == "error"]
    check("type error reported", bool(te), str(out["type-error"])[:300])
    check("kernel alive after errors", "still alive 2" in text_of(out["after-errors"]), text_of(out["after-errors"]))

    failed = 0
    for name, ok, detail in checks:
        print(("PASS " if ok else "FAIL ") + name + ("" if ok else f"  -- got: {detail}"))
        failed += 0 if ok else 1
    print(f"RESULT: {len(checks) - failed} passed, {failed} failed")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
