/**
 * Pulls JSON out of model text: plain JSON, JSON inside a ``` fence (with or without a language
 * tag), or the outermost {...} / [...] span surrounded by prose. Also extracts program source.
 */

function tryParse(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

/** The first JSON value found in `text`, or undefined. */
export function extractJson(text: string): unknown {
  const direct = tryParse(text.trim());
  if (direct !== undefined) return direct;
  const fence = /```[A-Za-z0-9_-]*\s*\n([\s\S]*?)```/g;
  for (let m = fence.exec(text); m; m = fence.exec(text)) {
    const v = tryParse(m[1]!.trim());
    if (v !== undefined) return v;
  }
  for (const [open, close] of [["{", "}"], ["[", "]"]] as const) {
    const a = text.indexOf(open);
    const b = text.lastIndexOf(close);
    if (a >= 0 && b > a) {
      const v = tryParse(text.slice(a, b + 1));
      if (v !== undefined) return v;
    }
  }
  return undefined;
}

/** The list inside a response: a bare array, or the first array-valued property (rows, items ...). */
export function extractList(text: string, preferredKey?: string): unknown[] | undefined {
  const v = extractJson(text);
  if (Array.isArray(v)) return v;
  if (v && typeof v === "object") {
    const obj = v as Record<string, unknown>;
    if (preferredKey && Array.isArray(obj[preferredKey])) return obj[preferredKey] as unknown[];
    for (const val of Object.values(obj)) if (Array.isArray(val)) return val;
  }
  return undefined;
}

/** Program source from a reply: the first fenced code block (js/ts/javascript/typescript or none), else the whole text. */
export function extractProgram(text: string): string {
  const m = /```(?:javascript|js|typescript|ts|jsx|tsx)?[ \t]*\n([\s\S]*?)```/i.exec(text);
  return (m ? m[1]! : text).trim();
}
