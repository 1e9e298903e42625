/**
 * The review's view made of standard ipywidgets (synthlab/widgets), so any widget front end renders
 * it: the page (HTML: a table or text cards), a running count (Label), a row picker (Dropdown),
 * Accept / Reject / Undo / Edit buttons, page buttons, a command box (Text: type "a", "r 3",
 * "e 2 label=spam" and press Enter — its `submit` event) and an editor (Textarea + Save). Every
 * widget is focusable, so the whole review works from the keyboard. Actions go to the
 * ReviewSession; the view then re-reads it.
 */
import { Button, Dropdown, HBox, HTML, Label, Text, Textarea, VBox } from "../widgets/index.js";
import { escapeHtml } from "../data/display.js";
import { ReviewError, keyColumns } from "./decisions.js";
import type { ReviewSession } from "./session.js";
import { countsLine } from "./session.js";
import { pageHtml, proseColumn, type ReviewLayout } from "./view.js";

export interface ReviewView {
  readonly root: VBox;
  readonly parts: {
    page: HTML; counts: Label; status: Label; row: Dropdown<number>; command: Text; editor: Textarea;
    accept: Button; reject: Button; undo: Button; edit: Button; save: Button; prev: Button; next: Button;
  };
  /** Re-reads the session (after a change made in code rather than in the view). */
  refresh(message?: string): void;
  close(): void;
}

/** Builds the view of `session`; `changed` runs after each decision made in it. */
export function reviewView(name: string, session: ReviewSession, layout: ReviewLayout, changed: () => void): ReviewView {
  const prose = layout === "cards" ? proseColumn(session) : undefined;
  const title = new HTML({ value: "" });
  const page = new HTML({ value: "", _dom_classes: ["synthlab-review-page"] });
  const counts = new Label({ value: "", _dom_classes: ["synthlab-review-counts"] });
  const status = new Label({ value: "", _dom_classes: ["synthlab-review-status"] });
  const row = new Dropdown<number>({ options: [], description: "row", _dom_classes: ["synthlab-review-row"], layout: { width: "130px" } });
  const button = (description: string, button_style: "" | "success" | "danger" | "info", tip: string, cls: string): Button =>
    new Button({ description, button_style, tooltip: tip, _dom_classes: [`synthlab-review-${cls}`] });
  const accept = button("Accept", "success", "accept the row (command: a)", "accept");
  const reject = button("Reject", "danger", "reject the row (command: r)", "reject");
  const undo = button("Undo", "", "back to pending (command: u)", "undo");
  const edit = button("Edit", "info", "load the row into the editor below", "edit");
  const prev = button("◀ Page", "", "previous page (command: p)", "prev");
  const next = button("Page ▶", "", "next page (command: n)", "next");
  const command = new Text({
    value: "", placeholder: "a · r · u · e col=value · n · p · g 2 · then Enter", description: "command",
    continuous_update: true, _dom_classes: ["synthlab-review-command"], layout: { width: "460px" },
  });
  const editor = new Textarea({
    value: "", placeholder: prose ? `edit the ${prose} text, then Save` : "edit the row's JSON, then Save", rows: prose ? 4 : 2,
    _dom_classes: ["synthlab-review-editor"], layout: { width: "95%" },
  });
  const save = button("Save edit", "info", "save the editor's text as the row's edit", "save");
  let refreshing = false;

  function refresh(message = ""): void {
    refreshing = true;
    try {
      title.value = `<b>Review ${escapeHtml(name)}</b> · page ${session.page + 1} of ${session.pageCount}`;
      page.value = pageHtml(session, layout);
      counts.value = countsLine(session.counts());
      const rows = session.pageRows();
      row.options = rows.map((i) => [`#${i + 1}`, i] as [string, number]);
      if (rows.includes(session.cursor)) row.value = session.cursor;
      status.value = message;
    } finally {
      refreshing = false;
    }
  }

  /** Runs an action; a bad command or edit becomes the status line, never an exception in the kernel. */
  function act(action: () => string | void, decided = true): void {
    let message = "";
    try {
      message = action() ?? "";
    } catch (e) {
      if (!(e instanceof ReviewError)) throw e;
      message = e.message;
    }
    refresh(message);
    if (decided) changed();
  }

  row.observe(() => {
    if (refreshing || row.value === null) return;
    session.cursor = row.value;
    refresh();
  }, "index");
  const onCursor = (op: "a" | "r" | "u") => () => act(() => session.command(op));
  accept.onClick(onCursor("a"));
  reject.onClick(onCursor("r"));
  undo.onClick(onCursor("u"));
  prev.onClick(() => act(() => session.command("p"), false));
  next.onClick(() => act(() => session.command("n"), false));
  edit.onClick(() => {
    const r = session.row(session.cursor);
    editor.value = prose ? String(r[prose] ?? "") : JSON.stringify(Object.fromEntries(keyColumns(session.frame).map((c) => [c, r[c] ?? null])));
    refresh(`editing row ${session.cursor + 1}: change the text above and press Save edit`);
  });
  save.onClick(() => act(() => {
    let values: Record<string, string | number | boolean | null>;
    if (prose) values = { [prose]: editor.value };
    else {
      try { values = JSON.parse(editor.value) as typeof values; } catch (e) {
        throw new ReviewError(`the editor does not hold a JSON object (${(e as Error).message}); press Edit to reload the row.`);
      }
    }
    const i = session.cursor;
    session.decide(i, "edited", values);
    editor.value = "";
    return `row ${i + 1} edited`;
  }));
  command.onCustom((content) => {
    if (content["event"] !== "submit") return;
    const text = command.value.trim();
    if (!text) return;
    command.value = "";
    act(() => session.command(text));
  });

  refresh();
  const controls = new HBox([row, accept, reject, undo, edit, prev, next]);
  const root = new VBox([
    title, counts, page, controls,
    command, editor, save, status,
  ], { _dom_classes: ["synthlab-review"] });
  const widgets = [controls, title, page, counts, status, row, accept, reject, undo, edit, prev, next, command, editor, save];
  return {
    root,
    parts: { page, counts, status, row, command, editor, accept, reject, undo, edit, save, prev, next },
    refresh,
    close() {
      root.close();
      for (const w of widgets) w.close();
    },
  };
}
