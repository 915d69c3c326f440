// Wires the sandbox page: one socket shared by the terminal, the editor pane, the diagram and the
// lesson pane (htmx), plus the draggable pane dividers. window.podscape exposes state for tests.
(function () {
  "use strict";

  const LAYOUT_KEY = "podscape.columns";

  function setupResizers(workspace) {
    const apply = (cols) => cols.forEach((c, i) => workspace.style.setProperty("--c" + (i + 1), c));
    const saved = (localStorage.getItem(LAYOUT_KEY) || "").split(" ");
    if (saved.length === 3 && saved.every((c) => /^[\d.]+fr$/.test(c))) apply(saved);
    const panes = [...workspace.querySelectorAll(":scope > .pane")];
    workspace.querySelectorAll(":scope > .gutter").forEach((gutter, i) => {
      gutter.addEventListener("pointerdown", (down) => {
        if (getComputedStyle(workspace).display !== "grid" || window.innerWidth < 900) return;
        down.preventDefault();
        gutter.setPointerCapture(down.pointerId);
        const widths = panes.map((p) => p.getBoundingClientRect().width);
        const startX = down.clientX;
        const min = 200;
        const move = (ev) => {
          const dx = ev.clientX - startX;
          const w = widths.slice();
          w[i] = Math.max(min, widths[i] + dx);
          w[i + 1] = Math.max(min, widths[i + 1] - (w[i] - widths[i]));
          w[i] = widths[i] + widths[i + 1] - w[i + 1];
          apply(w.map((x) => (x / 100).toFixed(2) + "fr"));
        };
        const up = () => {
          gutter.removeEventListener("pointermove", move);
          gutter.removeEventListener("pointerup", up);
          localStorage.setItem(LAYOUT_KEY, [1, 2, 3].map((i) => workspace.style.getPropertyValue("--c" + i)).join(" "));
        };
        gutter.addEventListener("pointermove", move);
        gutter.addEventListener("pointerup", up);
      });
      gutter.addEventListener("dblclick", () => {
        [1, 2, 3].forEach((i) => workspace.style.removeProperty("--c" + i));
        localStorage.removeItem(LAYOUT_KEY);
      });
    });
  }

  function setStatus(el, state, text) {
    if (!el) return;
    el.dataset.state = state;
    el.textContent = text;
  }

  // The tab bar over the terminal pane: one xterm (and one server-side shell session) per tab.
  class TerminalTabs {
    constructor(firstHost, bar, socket, hooks) {
      this.firstHost = firstHost;
      this.bar = bar;
      this.socket = socket;
      this.hooks = hooks;
      this.terminals = {};
      this.buttons = {};
      this.onSwitch = null;
      const add = bar && bar.querySelector("[data-term-add]");
      if (add) add.addEventListener("click", () => { this.select(this.open(this.nextId()).session); });
    }

    nextId() {
      let n = 1;
      while (this.terminals[String(n)]) n++;
      return String(n);
    }

    open(sid, hello) {
      sid = String(sid);
      if (this.terminals[sid]) return this.terminals[sid];
      let host = this.firstHost;
      if (Object.keys(this.terminals).length) {
        host = document.createElement("div");
        host.className = "terminal-host";
        host.dataset.session = sid;
        host.setAttribute("role", "tabpanel");
        host.hidden = true;
        this.firstHost.parentNode.insertBefore(host, this.firstHost.nextSibling);
      }
      const t = new window.PodscapeTerminal(host, this.socket, this.hooks, sid);
      this.terminals[sid] = t;
      if (this.bar) {
        const b = document.createElement("button");
        b.type = "button";
        b.className = "term-tab";
        b.setAttribute("role", "tab");
        b.dataset.session = sid;
        b.textContent = sid;
        b.title = "Terminal " + sid;
        b.addEventListener("click", () => this.select(sid));
        if (sid !== "1") {
          // closing a tab ends its shell and its jobs on the server (a terminal's hangup)
          const x = document.createElement("span");
          x.className = "term-tab-close";
          x.textContent = "×";
          x.title = "Close terminal " + sid + " (its jobs end)";
          x.addEventListener("click", (ev) => { ev.stopPropagation(); this.close(sid); });
          b.appendChild(x);
        }
        this.bar.insertBefore(b, this.bar.querySelector("[data-term-add]"));
        this.buttons[sid] = b;
      }
      if (hello) t.onHello(hello);                       // opened from a hello: show its state at once
      else if (Object.keys(this.terminals).length > 1 && this.hooks.lastHello) {
        // a new tab is a fresh bash in ~ (the server makes its session on its first command)
        t.onHello({ prompt: this.hooks.lastHello.fresh_prompt, sessions: [{ id: sid }] });
      }
      const add = this.bar && this.bar.querySelector("[data-term-add]");
      if (add) add.disabled = Object.keys(this.terminals).length >= 8;
      if (!this.hooks.activeSession) this.select(sid);
      return t;
    }

    close(sid) {
      const t = this.terminals[sid];
      if (!t || sid === "1") return;
      this.socket.send({ type: "close", session: sid });
      const host = t.term.element.parentNode;
      t.closed = true;
      t.term.dispose();
      if (host !== this.firstHost) host.remove();
      if (this.buttons[sid]) this.buttons[sid].remove();
      delete this.terminals[sid];
      delete this.buttons[sid];
      const add = this.bar && this.bar.querySelector("[data-term-add]");
      if (add) add.disabled = false;
      if (this.hooks.activeSession === sid) this.select("1");
    }

    select(sid) {
      sid = String(sid);
      const t = this.terminals[sid];
      if (!t) return null;
      Object.entries(this.terminals).forEach(([id, x]) => {
        x.term.element.parentNode.hidden = id !== sid;
        if (this.buttons[id]) this.buttons[id].setAttribute("aria-selected", id === sid ? "true" : "false");
      });
      this.hooks.activeSession = sid;
      if (this.onSwitch) this.onSwitch(t);
      t.fitSoon();
      t.focus();
      return t;
    }
  }

  function start() {
    const workspace = document.getElementById("workspace");
    if (!workspace) return;
    /** @type {Record<string, any>} */
    const hooks = window.podscape = {
      connected: false, helloCount: 0, lastResult: null, results: [], commands: [], traces: [],
      lastHello: null, diagram: null, lessonUpdates: 0, errors: [],
    };
    const status = document.querySelector("[data-connection]");
    const socket = new window.PodscapeSocket(workspace.dataset.wsUrl);
    hooks.socket = socket;

    socket.on("open", () => { hooks.connected = true; setStatus(status, "online", "connected"); });
    socket.on("close", () => { hooks.connected = false; setStatus(status, "offline", "disconnected"); });
    socket.on("reconnecting", (m) => setStatus(status, "offline", "reconnecting in " + Math.ceil(m.delay / 1000) + "s…"));
    socket.on("refused", () => setStatus(status, "offline", "not allowed"));
    socket.on("hello", (m) => { hooks.lastHello = m; });
    socket.on("error", (m) => { hooks.errors.push(m); });

    hooks.editor = new window.PodscapeEditor(document.getElementById("editor-pane"));
    hooks.diagram = null;
    const diagram = new window.PodscapeDiagram(document.getElementById("diagram"), socket);
    hooks.cy = diagram.cy;
    hooks.diagramView = diagram;
    // terminal tabs: each is a shell session of its own on the server (cwd, variables, history, jobs)
    const tabs = new TerminalTabs(document.getElementById("terminal"), document.querySelector("[data-term-tabs]"),
      socket, hooks);
    let terminal = tabs.open("1");
    tabs.onSwitch = (t) => { terminal = t; hooks.terminal = t; };
    hooks.terminal = terminal;
    hooks.terminals = tabs.terminals;
    // (these return nothing: a test's evaluate() would try to serialise a whole terminal)
    hooks.openTab = (sid) => { tabs.select(tabs.open(sid || tabs.nextId()).session); };
    hooks.selectTab = (sid) => { tabs.select(String(sid)); };
    hooks.closeTab = (sid) => { tabs.close(String(sid)); };
    hooks.run = (line) => terminal.runLine(line);
    // what the terminal shows, as text (wrapped rows joined back into lines), once pending writes are drawn
    hooks.screenText = (sid) => {
      const t = sid ? tabs.terminals[String(sid)] : terminal;
      return new Promise((resolve) => t.term.write("", () => resolve(screenNow(t))));
    };
    socket.on("hello", (m) => (m.sessions || []).forEach((s) => tabs.open(s.id, m)));
    const screenNow = (t) => {
      const buf = t.term.buffer.active;
      const lines = [];
      for (let i = 0; i < buf.length; i++) {
        const row = buf.getLine(i);
        if (!row) continue;
        const next = buf.getLine(i + 1);
        const text = row.translateToString(!(next && next.isWrapped));
        if (row.isWrapped && lines.length) lines[lines.length - 1] += text;
        else lines.push(text);
      }
      while (lines.length && !lines[lines.length - 1]) lines.pop();
      return lines.join("\n");
    };
    hooks.currentLine = () => ({ text: terminal.buffer, cursor: terminal.cursor, ready: terminal.ready });
    hooks.jobRunning = (sid) => (sid ? tabs.terminals[String(sid)] : terminal).jobRunning;

    // the lesson pane (htmx) reloads itself on this event whenever the server reports lesson state
    const lessonChanged = (m) => {
      if (!m.lesson && !m.assessment) return;
      hooks.lessonUpdates += 1;
      if (window.htmx) window.htmx.trigger(document.body, "lesson-updated");
      else document.body.dispatchEvent(new CustomEvent("lesson-updated"));
    };
    socket.on("result", lessonChanged);

    // the pane is re-rendered after every command: a list the learner opened (earlier hints) stays open
    const pane = document.getElementById("lesson-pane");
    let openDetails = [];
    if (pane) {
      pane.addEventListener("htmx:beforeSwap", () => {
        openDetails = [...pane.querySelectorAll("details[id][open]")].map((d) => d.id);
      });
      pane.addEventListener("htmx:afterSwap", () => {
        openDetails.forEach((id) => { const d = /** @type {HTMLDetailsElement} */ (document.getElementById(id)); if (d) d.open = true; });
      });
    }

    // "run" buttons the lesson pane may render: <button data-run="kubectl get pods">
    document.addEventListener("click", (ev) => {
      const target = /** @type {Element} */ (ev.target);
      const btn = target.closest && target.closest("[data-run]");
      if (!btn) return;
      ev.preventDefault();
      terminal.runLine(btn.getAttribute("data-run"));
      terminal.focus();
    });

    setupResizers(workspace);
    socket.connect();
    terminal.focus();
  }

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start);
  else start();
})();
