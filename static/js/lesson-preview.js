// Live reload for the lesson preview: poll the file's modification time, reload the page when it moves.
(function () {
  "use strict";
  const root = document.querySelector("[data-preview-mtime]");
  if (!root) return;
  const url = root.getAttribute("data-mtime-url");
  let seen = root.getAttribute("data-preview-mtime");
  window.podscapePreview = { polls: 0, reloads: 0 };
  async function poll() {
    try {
      const res = await fetch(url, { headers: { Accept: "application/json" }, cache: "no-store" });
      if (res.ok) {
        const { mtime } = await res.json();
        window.podscapePreview.polls += 1;
        if (String(mtime) !== seen) {
          seen = String(mtime);
          window.podscapePreview.reloads += 1;
          window.location.reload();
          return;
        }
      }
    } catch (e) { /* the server restarting: try again */ }
    setTimeout(poll, 1000);
  }
  setTimeout(poll, 1000);
})();
