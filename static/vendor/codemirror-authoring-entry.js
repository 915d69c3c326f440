// Entry for esbuild: the lesson editor's CodeMirror 6 (static/js/authoring.js), bundled into a classic
// script exposing window.CMA. A lesson file is Markdown with YAML front matter; its ```step / ```task
// blocks (and ```yaml manifests) are YAML, highlighted as such inside the Markdown.
import { EditorView, basicSetup } from "codemirror";
import { keymap } from "@codemirror/view";
import { EditorState } from "@codemirror/state";
import { indentWithTab } from "@codemirror/commands";
import { yamlFrontmatter, yamlLanguage } from "@codemirror/lang-yaml";
import { markdown } from "@codemirror/lang-markdown";
import { oneDarkish } from "./codemirror-theme.js";

const YAML_BLOCKS = new Set(["step", "task", "yaml", "yml"]);

function lessonLanguage() {
  return yamlFrontmatter({
    content: markdown({ codeLanguages: (info) => (YAML_BLOCKS.has(info.trim()) ? yamlLanguage : null) }),
  });
}

window.CMA = { EditorView, EditorState, basicSetup, keymap, indentWithTab, lessonLanguage, theme: oneDarkish };
