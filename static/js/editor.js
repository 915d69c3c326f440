// The editor pane that `kubectl edit` opens: CodeMirror 6 (YAML) sliding over the terminal.
// Save (button or Ctrl-S) sends the text back; Cancel (button or Esc) closes without change.
(function () {
  "use strict";

  class EditorPane {
    constructor(root) {
      this.root = root;
      this.titleEl = root.querySelector("[data-editor-title]");
      this.host = root.querySelector("[data-editor-host]");
      this.saveBtn = root.querySelector("[data-editor-save]");
      this.cancelBtn = root.querySelector("[data-editor-cancel]");
      this.view = null;
      this.actions = null;
      this.isOpen = false;
      this.saveBtn.addEventListener("click", () => this.save());
      this.cancelBtn.addEventListener("click", () => this.cancel());
      // Ctrl-S anywhere on the page must not open the browser's "save page" dialog while editing
      document.addEventListener("keydown", (ev) => {
        if (!this.isOpen) return;
        if ((ev.ctrlKey || ev.metaKey) && (ev.key === "s" || ev.key === "S")) { ev.preventDefault(); this.save(); }
        else if (ev.key === "Escape") { ev.preventDefault(); this.cancel(); }
      });
    }

    makeView(content) {
      const CM = window.CM;
      const keys = CM.keymap.of([
        { key: "Mod-s", preventDefault: true, run: () => { this.save(); return true; } },
        { key: "Escape", run: () => { this.cancel(); return true; } },
        CM.indentWithTab,
      ]);
      return new CM.EditorView({
        doc: content,
        extensions: [keys, CM.basicSetup, CM.yaml(), CM.theme, CM.EditorState.tabSize.of(2), CM.EditorView.lineWrapping],
        parent: this.host,
      });
    }

    open(spec, actions) {
      this.actions = actions;
      this.busy = false;
      this.titleEl.textContent = spec.title || "editing";
      const content = spec.content || "";
      if (this.view) this.view.destroy();
      this.host.textContent = "";
      this.view = this.makeView(content);
      this.root.hidden = false;
      // next frame, so the slide-in transition runs from the hidden position
      requestAnimationFrame(() => this.root.classList.add("open"));
      this.isOpen = true;
      this.setButtons(true);
      setTimeout(() => this.view && this.view.focus(), 50);
    }

    close() {
      this.isOpen = false;
      this.root.classList.remove("open");
      setTimeout(() => { if (!this.isOpen) this.root.hidden = true; }, 250);
    }

    content() { return this.view ? this.view.state.doc.toString() : ""; }

    // tests use this to change the text as a learner would by typing
    setContent(text) {
      if (!this.view) return;
      this.view.dispatch({ changes: { from: 0, to: this.view.state.doc.length, insert: text } });
    }

    setButtons(enabled) {
      this.saveBtn.disabled = !enabled;
      this.cancelBtn.disabled = !enabled;
    }

    // the server refused the last save or cancel outright (it sent an error, not a result)
    retry() {
      this.busy = false;
      this.setButtons(true);
      if (this.view) this.view.focus();
    }

    save() {
      if (!this.isOpen || this.busy || !this.actions) return;
      this.busy = true;
      this.setButtons(false);
      this.actions.save(this.content());
    }

    cancel() {
      if (!this.isOpen || this.busy || !this.actions) return;
      this.busy = true;
      this.setButtons(false);
      this.actions.cancel();
    }
  }

  window.PodscapeEditor = EditorPane;
})();
