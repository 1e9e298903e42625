/**
 * IPython-style introspection cells: `name?` (detail 0) and `name??` (detail 1) open the pager,
 * and so do `%magic?` / `%%magic?` (the magic's help, as in IPython). Only a bare (dotted)
 * identifier or a lone magic name qualifies, so no valid TypeScript is ever taken for one.
 * The expression goes to the host's `inspect`, which knows both.
 */
const PAGER = /^\s*([A-Za-z_$][\w$]*(?:\s*\.\s*[A-Za-z_$][\w$]*)*|%%?[A-Za-z_][\w-]*)\s*(\?\??)\s*$/;

export function parsePagerRequest(code: string): { expression: string; detailLevel: 0 | 1 } | null {
  const m = PAGER.exec(code);
  if (!m) return null;
  return { expression: m[1]!.replace(/\s+/g, ""), detailLevel: m[2] === "??" ? 1 : 0 };
}
