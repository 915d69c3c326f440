// The lesson editor (templates/lessons/author_edit.html): CodeMirror 6 over the form's textarea, a live
// preview rendered by the server as you type, and Check (the server replays the text as checklessons
// does). Without JavaScript the textarea still saves. window.podscapeAuthor is what tests drive.
(function () {
  "use strict";
  const form = /** @type {HTMLFormElement | null} */ (document.getElementById("author-form"));
  if (!form) return;
  const textarea = /** @type {HTMLTextAreaElement} */ (document.getElementById("author-source"));
  const host = document.getElementById("author-cm");
  const preview = document.getElementById("author-preview");
  const status = document.getElementById("author-status");
  const checkButton = /** @type {HTMLButtonElement} */ (document.getElementById("author-check"));
  const checkResult = document.getElementById("author-check-result");
  const csrf = /** @type {HTMLInputElement} */ (form.querySelector("input[name=csrfmiddlewaretoken]")).value;
  let view = null;

  const content = () => (view ? view.state.doc.toString() : textarea.value);

  function post(url, text) {
    const body = new URLSearchParams({ source: text, csrfmiddlewaretoken: csrf });
    return fetch(url, { method: "POST", body, headers: { "X-CSRFToken": csrf }, credentials: "same-origin" })
      .then((r) => r.text().then((text) => {
        if (!r.ok) throw new Error(r.status === 429 ? text : r.status + " " + r.statusText);
        return text;
      }));
  }

  let timer = null, sent = 0;
  function refreshPreview() {
    const mine = ++sent;
    post(form.dataset.previewUrl, content()).then((html) => {
      if (mine === sent) { preview.innerHTML = html; preview.dataset.rendered = String(mine); }
    }).catch((err) => { status.textContent = "Preview failed: " + err.message; });
  }
  function schedulePreview() { clearTimeout(timer); timer = setTimeout(refreshPreview, 400); }

  let dirty = false;
  function changed() { dirty = true; status.textContent = "Unsaved changes"; schedulePreview(); }

  if (window.CMA) {
    const CM = window.CMA;
    view = new CM.EditorView({
      doc: textarea.value,
      extensions: [
        CM.keymap.of([{ key: "Mod-s", preventDefault: true, run: () => { form.requestSubmit(); return true; } },
          CM.indentWithTab]),
        CM.basicSetup, CM.lessonLanguage(), CM.theme, CM.EditorState.tabSize.of(2), CM.EditorView.lineWrapping,
        CM.EditorView.updateListener.of((u) => { if (u.docChanged) changed(); }),
      ],
      parent: host,
    });
    textarea.hidden = true;
    host.hidden = false;
  } else {
    textarea.addEventListener("input", changed);
  }

  form.addEventListener("submit", () => { textarea.value = content(); dirty = false; });
  window.addEventListener("beforeunload", (ev) => { if (dirty) { ev.preventDefault(); ev.returnValue = ""; } });

  checkButton.addEventListener("click", () => {
    checkButton.disabled = true;
    checkResult.innerHTML = '<p class="muted">Checking: replaying the solutions in a fresh sandbox…</p>';
    post(form.dataset.checkUrl, content())
      .then((html) => { checkResult.innerHTML = html; })
      .catch((err) => { checkResult.innerHTML = ""; checkResult.textContent = "Check failed to run: " + err.message; })
      .finally(() => { checkButton.disabled = false; });
  });

  window.podscapeAuthor = {
    content,
    setContent(text) {
      if (view) view.dispatch({ changes: { from: 0, to: view.state.doc.length, insert: text } });
      else { textarea.value = text; changed(); }
    },
    get view() { return view; },
  };
})();
