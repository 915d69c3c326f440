// A small dark theme matching static/css/app.css (kept here so the bundle needs no theme package).
import { EditorView } from "@codemirror/view";

export const oneDarkish = EditorView.theme({
  "&": { color: "#d8dee9", backgroundColor: "#11151c", height: "100%" },
  ".cm-content": { caretColor: "#f8f8f2", fontFamily: "var(--mono)" },
  ".cm-cursor, .cm-dropCursor": { borderLeftColor: "#f8f8f2" },
  "&.cm-focused .cm-selectionBackground, .cm-selectionBackground, ::selection": { backgroundColor: "#34405a" },
  ".cm-gutters": { backgroundColor: "#0d1117", color: "#5c6773", border: "none" },
  ".cm-activeLine": { backgroundColor: "#1a2030" },
  ".cm-activeLineGutter": { backgroundColor: "#1a2030" },
  ".cm-scroller": { overflow: "auto" },
}, { dark: true });
