// A dark theme and YAML highlighting matching static/css/app.css (kept here so the bundle needs no theme
// package). CodeMirror's default highlight colours are for light backgrounds.
import { EditorView } from "@codemirror/view";
import { HighlightStyle, syntaxHighlighting } from "@codemirror/language";
import { tags as t } from "@lezer/highlight";

const chrome = EditorView.theme({
  "&": { color: "#d8dee9", backgroundColor: "#11151c", height: "100%" },
  ".cm-content": { caretColor: "#f8f8f2", fontFamily: "var(--mono)" },
  ".cm-cursor, .cm-dropCursor": { borderLeftColor: "#f8f8f2" },
  "&.cm-focused .cm-selectionBackground, .cm-selectionBackground, ::selection": { backgroundColor: "#34405a" },
  ".cm-gutters": { backgroundColor: "#0d1117", color: "#5c6773", border: "none" },
  ".cm-activeLine": { backgroundColor: "#1a2030" },
  ".cm-activeLineGutter": { backgroundColor: "#1a2030" },
  ".cm-foldPlaceholder": { backgroundColor: "#30363d", border: "none", color: "#d8dee9" },
  ".cm-matchingBracket, &.cm-focused .cm-matchingBracket": { backgroundColor: "#2d4f67", color: "inherit" },
  ".cm-searchMatch": { backgroundColor: "#4a3b12" },
  ".cm-panels": { backgroundColor: "#161b22", color: "#d8dee9" },
  ".cm-tooltip": { backgroundColor: "#161b22", color: "#d8dee9", border: "1px solid #30363d" },
  ".cm-scroller": { overflow: "auto" },
}, { dark: true });

const highlight = HighlightStyle.define([
  { tag: [t.propertyName, t.definition(t.propertyName)], color: "#79c0ff" },
  { tag: [t.string, t.special(t.string)], color: "#a5d6ff" },
  { tag: [t.number, t.bool, t.null, t.atom], color: "#ffa657" },
  { tag: [t.comment, t.lineComment, t.blockComment], color: "#e3b341", fontStyle: "italic" },
  { tag: [t.keyword, t.meta, t.typeName, t.labelName], color: "#ff7b72" },
  { tag: [t.punctuation, t.separator, t.squareBracket, t.brace], color: "#8b949e" },
  { tag: t.content, color: "#d8dee9" },
  // Markdown (the lesson editor): headings are the steps, so they stand out
  { tag: [t.heading1, t.heading2], color: "#ffa657", fontWeight: "bold" },
  { tag: [t.heading3, t.heading4, t.heading], color: "#d2a8ff", fontWeight: "bold" },
  { tag: t.emphasis, fontStyle: "italic" },
  { tag: t.strong, fontWeight: "bold" },
  { tag: [t.link, t.url], color: "#58a6ff", textDecoration: "underline" },
  { tag: t.monospace, color: "#a5d6ff" },
  { tag: [t.processingInstruction, t.contentSeparator], color: "#7ee787" },
  { tag: t.invalid, color: "#f85149" },
]);

export const oneDarkish = [chrome, syntaxHighlighting(highlight)];
