// Entry for esbuild: CodeMirror 6 (ES modules) bundled once into a classic script exposing window.CM.
import { EditorView, basicSetup } from "codemirror";
import { keymap } from "@codemirror/view";
import { EditorState } from "@codemirror/state";
import { indentWithTab } from "@codemirror/commands";
import { yaml } from "@codemirror/lang-yaml";
import { oneDarkish } from "./codemirror-theme.js";

window.CM = { EditorView, EditorState, basicSetup, keymap, indentWithTab, yaml, theme: oneDarkish };
