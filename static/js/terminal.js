// The learner's terminal: xterm.js for display, a small readline-like line editor here, and the
// sandbox WebSocket for running commands (protocol: README.md, "WebSocket protocol"). The server owns the prompt,
// the output and the history; this file only edits the line being typed.
(function () {
  "use strict";

  const ANSI = /\x1b\[[0-9;?]*[A-Za-z]|\x1b\][^\x07]*\x07/g;
  const CLEAR_SCREEN = "\x1b[H\x1b[2J\x1b[3J";
  const HISTORY_LIMIT = 1000;

  function visibleLength(s) { return s.replace(ANSI, "").length; }
  function crlf(s) { return s.replace(/\r?\n/g, "\r\n"); }
  function commonPrefix(words) {
    if (!words.length) return "";
    let p = words[0];
    for (const w of words) { while (!w.startsWith(p)) p = p.slice(0, -1); }
    return p;
  }

  class PodscapeTerminal {
    constructor(el, socket, hooks, session) {
      this.session = String(session || "1");   // the terminal tab: a shell session of its own on the server
      this.jobRunning = false;            // a foreground job (kubectl get -w, sleep) runs: no prompt until it ends
      this.closed = false;                // the tab was closed: its listeners stay on the shared socket, silent
      this.socket = socket;
      this.hooks = hooks;                 // window.podscape: state the tests (and the page) read
      this.prompt = "";
      this.buffer = "";                   // the line being edited
      this.cursor = 0;                    // index into buffer
      this.promptCol = 0;                 // column where the prompt starts (output may not end in "\n")
      this.shown = 0;                     // cursor offset from the start of the prompt row, as displayed
      this.history = [];
      this.histIndex = 0;                 // == history.length when editing a new line
      this.draft = "";
      this.killed = "";                   // the kill ring (one entry): Ctrl-U/K/W, pasted back by Ctrl-Y
      this.collector = new window.PodscapeLine.CommandCollector();
      this.continuing = false;            // showing "> " for a heredoc / open quote
      this.waiting = null;                // id of the command or editor message awaiting a result
      this.completing = null;             // id of the pending completion request
      this.lastTabLine = null;            // for "Tab twice lists the matches"
      this.typeahead = "";                // keys typed while a command runs, replayed at the next prompt
      this.ready = false;                 // hello received and a prompt is on screen
      this.editorOpen = false;
      this.lineQueue = [];

      this.term = new window.Terminal({
        cursorBlink: true,
        convertEol: false,
        fontFamily: getComputedStyle(document.documentElement).getPropertyValue("--mono").trim() ||
          "ui-monospace, 'DejaVu Sans Mono', Menlo, Consolas, monospace",
        fontSize: 13,
        scrollback: 5000,
        allowProposedApi: false,
        theme: {
          background: "#0d1117", foreground: "#d8dee9", cursor: "#f8f8f2", cursorAccent: "#0d1117",
          selectionBackground: "#34405a",
          green: "#7ee787", brightGreen: "#8df0a0", blue: "#79c0ff", brightBlue: "#a5d6ff",
          red: "#ff7b72", yellow: "#e3b341", cyan: "#76e3ea", magenta: "#d2a8ff",
        },
      });
      this.fit = new window.FitAddon.FitAddon();
      this.term.loadAddon(this.fit);
      this.term.open(el);
      this.fitSoon();
      new ResizeObserver(() => this.fitSoon()).observe(el);

      this.term.onData((data) => this.onData(data));
      this.term.attachCustomKeyEventHandler((ev) => this.onKey(ev));
      el.addEventListener("contextmenu", () => this.term.focus());   // the browser menu's Paste reaches xterm

      const live = (fn) => (m) => { if (!this.closed) fn(m); };     // a closed tab's listeners stay on the socket
      socket.on("hello", live((m) => this.onHello(m)));
      socket.on("result", live((m) => this.onResult(m)));
      socket.on("stream", live((m) => { const c = (m.streams || {})[this.session]; if (c) this.onStream(c); }));
      socket.on("completion", live((m) => this.onCompletion(m)));
      socket.on("error", live((m) => this.onServerError(m)));
      socket.on("close", live((m) => this.onClose(m)));
      socket.on("refused", () => this.notice("The server refused this terminal (not your sandbox, or you are logged out)."));
      this.term.write("\x1b[2mConnecting to your sandbox…\x1b[0m");
    }

    fitSoon() {
      clearTimeout(this._fitTimer);
      this._fitTimer = setTimeout(() => {
        try { this.fit.fit(); } catch (err) { /* hidden pane: nothing to fit */ }
      }, 30);
    }

    focus() { this.term.focus(); }

    // ---------------------------------------------------------------- server messages
    onHello(hello) {
      if (this.lastHello === hello) return;      // a tab opened while the hello is handed out gets it once
      this.lastHello = hello;
      // tab 1's prompt, history and scrollback are the hello's own fields; other tabs' are in `sessions`
      const view = (hello.sessions || []).find((s) => s.id === this.session);
      const m = this.session === "1" ? Object.assign({}, hello, { running: view && view.running })
        : Object.assign({ prompt: hello.prompt, history: [], scrollback: [], editor: null }, view || {},
          { editor: null });
      const first = !this.helloSeen;
      this.helloSeen = true;
      if (this.session === "1") this.hooks.helloCount = (this.hooks.helloCount || 0) + 1;
      this.prompt = m.prompt || this.prompt || "$ ";
      if (Array.isArray(m.history)) {
        // a multi-line entry (a heredoc) is recalled by its first line, as bash without cmdhist does
        this.history = m.history.map((h) => String(h).split("\n")[0]).filter(Boolean).slice(-HISTORY_LIMIT);
        this.histIndex = this.history.length;
      }
      if (first) {
        this.term.write("\r\x1b[K");
        this.writeScrollback(m.scrollback || []);
      }
      else if (!this.waiting) {
        const fresh = this.shown === 0 && this.promptCol === 0;    // a notice just ended its line
        this.term.write((fresh ? "" : "\r\n") + "\x1b[2m[reconnected]\x1b[0m\r\n");
      }
      if (this.waiting && !this.editorOpen) {
        // the reply to the command in flight was lost with the old socket
        this.term.write("\r\n\x1b[2m[connection lost before the command finished; check its effect]\x1b[0m\r\n");
        this.waiting = null;
      }
      if (m.editor) {
        this.showPrompt(false);
        this.openEditor(m.editor);
        return;
      }
      if (this.editorOpen) this.closeEditor();
      if (m.running) {
        // a job runs in the foreground (the page was reloaded while `kubectl get -w` ran): show it running
        if (first || !this.jobRunning) {
          this.term.write(crlf(this.prompt + m.running.line) + "\r\n" + crlf(m.running.tail || ""));
          this.promptCol = this.columnAfter(m.running.tail || "", 0);
        }
        this.jobRunning = true;
        this.ready = false;
        return;
      }
      if (this.jobRunning) { this.jobRunning = false; }
      const keep = first ? null : { text: this.buffer, cursor: this.cursor };
      this.showPrompt(true);
      if (keep && keep.text && !this.continuing) this.setLine(keep.text, keep.cursor);
    }

    // a reopened page shows the recent commands and their output before the prompt, as a terminal
    // reattached to a running shell would (the server bounds how much: services.scrollback)
    writeScrollback(entries) {
      let out = "";
      let col = 0;
      for (const e of entries) {
        if (e.cut) { out += (col ? "\r\n" : "") + "\x1b[2m[earlier output not kept]\x1b[0m\r\n"; col = 0; }
        if (typeof e.line === "string") {
          const typed = (e.prompt || "") + e.line.split("\n").join("\n> ");
          out += crlf(typed) + "\r\n";
          col = 0;
        }
        out += crlf(e.output || "");
        col = this.columnAfter(e.output || "", col);
      }
      this.term.write(out);
      this.promptCol = col;
      this.hooks.scrollbackShown = entries.length;
    }

    onResult(m) {
      if ((m.session || "1") !== this.session) return;                                   // another tab's
      if (this.waiting !== null && m.id !== undefined && m.id !== this.waiting) return;   // another page's
      this.waiting = null;
      this.hooks.lastResult = m;
      this.hooks.results.push(m);
      if (this.hooks.results.length > 200) this.hooks.results.shift();
      if (m.prompt) this.prompt = m.prompt;
      let out = "";
      if (m.clear) out += CLEAR_SCREEN;
      out += crlf(m.output || "");
      this.term.write(out);
      this.promptCol = m.clear && !m.output ? 0 : this.columnAfter(m.output || "", this.promptCol);
      if (m.editor) {
        this.openEditor(m.editor);
        return;
      }
      if (this.editorOpen) this.closeEditor();
      if (m.running) {          // the command runs on (a watch, a foreground sleep): its output comes as `stream`
        this.jobRunning = true;
        this.ready = false;
        return;
      }
      this.jobRunning = false;
      this.showPrompt(true);
    }

    // output of this tab's jobs, as it happens; `ended`: the foreground job is over, the prompt comes back
    onStream(c) {
      this.hooks.streams = (this.hooks.streams || 0) + 1;
      const out = crlf(c.output || "");
      if (c.prompt) this.prompt = c.prompt;
      if (this.jobRunning || !this.ready) {
        this.term.write(out);
        this.promptCol = this.columnAfter(c.output || "", this.promptCol);
      } else if (out) {
        // a background job printed while the learner is at the prompt: above the line being typed
        this.term.write(this.moveCursor(this.shown, 0) + "\x1b[J" + "\r" + out);
        this.promptCol = this.columnAfter(c.output || "", 0);
        this.redrawAfterMessage();
      }
      if (c.ended && this.jobRunning && this.waiting === null) {
        this.jobRunning = false;
        this.showPrompt(true);
      }
    }

    onCompletion(m) {
      if (m.id !== this.completing) return;
      this.completing = null;
      const matches = (m.matches || []).map(String);
      const start = Math.max(0, Math.min(typeof m.start === "number" ? m.start : this.cursor, this.cursor));
      const word = this.buffer.slice(start, this.cursor);
      if (!matches.length) { this.bell(); return; }
      if (matches.length === 1) {
        const one = matches[0];
        const tail = /[\/=]$/.test(one) ? "" : " ";
        this.replaceRange(start, this.cursor, one + tail);
        return;
      }
      const prefix = commonPrefix(matches);
      if (prefix.length > word.length && prefix.startsWith(word)) {
        // bash completes the common part; a second Tab on the same line then lists the choices
        this.replaceRange(start, this.cursor, prefix);
        this.lastTabLine = this.buffer + "\0" + this.cursor;
        return;
      }
      if (this.lastTabLine === this.buffer + "\0" + this.cursor) {
        this.listMatches(matches);
      } else {
        this.bell();
        this.lastTabLine = this.buffer + "\0" + this.cursor;
      }
    }

    onServerError(m) {
      // an answer to this tab's command (or Tab); a message about the page goes to the tab in view
      const hasId = m.id !== undefined && m.id !== null;
      if (hasId ? m.id !== this.waiting && m.id !== this.completing
        : (this.hooks.activeSession || "1") !== this.session) return;
      const atLineStart = this.waiting !== null || !this.ready;     // Enter already ended the command's line
      this.term.write((atLineStart ? "" : "\r\n") + "\x1b[31m" + crlf(String(m.message || "error")) + "\x1b[0m\r\n");
      this.promptCol = 0;
      if (this.editorOpen) {
        // the save did not go through: the editor stays open with the learner's text, to retry or cancel
        this.waiting = null;
        this.hooks.editor.retry();
        return;
      }
      if (this.waiting !== null) { this.waiting = null; this.showPrompt(true); }
      else if (this.ready) this.redrawAfterMessage();
    }

    onClose(m) {
      if (m.wasConnected) this.notice("connection lost; reconnecting…");
    }

    notice(text) {
      this.term.write("\r\n\x1b[2m[" + text + "]\x1b[0m\r\n");
      this.promptCol = 0;
      this.shown = 0;
    }

    // ---------------------------------------------------------------- prompt and line drawing
    columnAfter(text, col) {
      const plain = text.replace(ANSI, "");
      const nl = Math.max(plain.lastIndexOf("\n"), plain.lastIndexOf("\r"));
      const tail = nl >= 0 ? plain.slice(nl + 1) : plain;
      const base = nl >= 0 ? 0 : col;
      return (base + tail.length) % Math.max(1, this.term.cols);
    }

    promptText() { return this.continuing ? "> " : this.prompt; }

    // width of the prompt's last line, counted from the column where it starts
    promptWidth() {
      const p = this.promptText();
      const lines = p.split("\n");
      const last = lines[lines.length - 1];
      return (lines.length > 1 ? 0 : this.promptCol) + visibleLength(last);
    }

    showPrompt(replayTypeahead) {
      const p = this.promptText();
      this.term.write(crlf(p));
      this.buffer = "";
      this.cursor = 0;
      this.shown = this.promptWidth();
      this.ready = true;
      this.hooks.promptShown = (this.hooks.promptShown || 0) + 1;
      if (this.lineQueue.length) { this.runQueuedLine(); return; }
      if (replayTypeahead && this.typeahead) {
        const t = this.typeahead;
        this.typeahead = "";
        this.onData(t);
      }
    }

    // moves the terminal cursor from offset `from` to `to` (offsets from the prompt row's column 0)
    moveCursor(from, to) {
      const cols = Math.max(1, this.term.cols);
      const dr = Math.floor(to / cols) - Math.floor(from / cols);
      let s = "";
      if (dr < 0) s += "\x1b[" + -dr + "A";
      if (dr > 0) s += "\x1b[" + dr + "B";
      s += "\r";
      if (to % cols) s += "\x1b[" + (to % cols) + "C";
      return s;
    }

    redraw() {
      const cols = Math.max(1, this.term.cols);
      const start = this.promptWidth();
      let s = this.moveCursor(this.shown, start) + this.buffer + "\x1b[J";
      const end = start + this.buffer.length;
      if (this.buffer.length && end % cols === 0) s += " \r";   // leave xterm's pending-wrap state
      s += this.moveCursor(end, start + this.cursor);
      this.term.write(s);
      this.shown = start + this.cursor;
    }

    // after something was printed below the line: draw the prompt and the line again
    redrawAfterMessage() {
      this.term.write(crlf(this.promptText()));
      this.shown = this.promptWidth();
      this.redraw();
    }

    bell() { /* a visual bell would flash; a silent no-op keeps tests and ears calm */ }

    // ---------------------------------------------------------------- editing
    setLine(text, cursor) {
      this.buffer = text;
      this.cursor = cursor === undefined ? text.length : cursor;
      this.redraw();
    }

    insert(text) {
      this.setLine(this.buffer.slice(0, this.cursor) + text + this.buffer.slice(this.cursor),
        this.cursor + text.length);
    }

    replaceRange(a, b, text) {
      this.setLine(this.buffer.slice(0, a) + text + this.buffer.slice(b), a + text.length);
    }

    wordLeft(i) {
      while (i > 0 && /\s/.test(this.buffer[i - 1])) i--;
      while (i > 0 && !/\s/.test(this.buffer[i - 1])) i--;
      return i;
    }

    wordRight(i) {
      while (i < this.buffer.length && /\s/.test(this.buffer[i])) i++;
      while (i < this.buffer.length && !/\s/.test(this.buffer[i])) i++;
      return i;
    }

    historyMove(delta) {
      if (this.continuing) return;
      const next = this.histIndex + delta;
      if (next < 0 || next > this.history.length) return;
      if (this.histIndex === this.history.length) this.draft = this.buffer;
      this.histIndex = next;
      this.setLine(next === this.history.length ? this.draft : this.history[next]);
    }

    // ---------------------------------------------------------------- input
    onKey(ev) {
      if (ev.type !== "keydown") return true;
      // Tab completes; Escape then Tab (or Shift-Tab) lets focus leave the terminal, as the page says
      if (ev.key === "Tab" && this.tabLeaves) { this.tabLeaves = false; return false; }
      if (ev.key !== "Shift") this.tabLeaves = ev.key === "Escape";
      const ctrl = ev.ctrlKey || ev.metaKey;
      if (this.editorOpen) return false;
      // copy: Ctrl-Shift-C, or Ctrl-C while text is selected
      if (ctrl && (ev.key === "c" || ev.key === "C") && (ev.shiftKey || this.term.hasSelection())) {
        const sel = this.term.getSelection();
        if (sel && navigator.clipboard) navigator.clipboard.writeText(sel).catch(() => {});
        if (!ev.shiftKey) this.term.clearSelection();
        ev.preventDefault();
        return false;
      }
      // paste: Ctrl-Shift-V / Ctrl-V / Cmd-V let the browser fire its paste event, which xterm turns into onData
      if (ctrl && (ev.key === "v" || ev.key === "V")) return false;
      return true;
    }

    onData(data) {
      if (this.editorOpen) return;
      if (!this.ready || this.waiting !== null) {
        // typed (or pasted) while a command runs: keep it for the next prompt, as a real tty does;
        // Ctrl-C throws it away, and a job running in the foreground gets SIGINT (the server ends it)
        if (data === "\x03") {
          this.typeahead = "";
          if (this.jobRunning && this.waiting === null) {
            this.term.write("^C\r\n");
            this.promptCol = 0;
            this.waiting = this.socket.send({ type: "interrupt", session: this.session });
          }
          return;
        }
        this.typeahead += data;
        return;
      }
      let i = 0;
      while (i < data.length) {
        if (!this.ready || this.waiting !== null || this.editorOpen) {
          this.typeahead += data.slice(i);
          return;
        }
        const c = data[i];
        if (c === "\x1b") {
          const m = /^\x1b(\[[0-9;]*[A-Za-z~]|O[A-Za-z]|[\s\S])?/.exec(data.slice(i));
          this.onEscape(m[0]);
          i += m[0].length;
          continue;
        }
        if (c === "\r" || c === "\n") {
          // a pasted "\r\n" is one line end
          if (c === "\r" && data[i + 1] === "\n") i++;
          i++;
          this.enter();
          continue;
        }
        if (c < " " || c === "\x7f") {
          this.onControl(c);
          i++;
          continue;
        }
        // a run of printable characters (typed or pasted) is inserted at once
        let j = i;
        while (j < data.length && data[j] >= " " && data[j] !== "\x7f") j++;
        this.insert(data.slice(i, j));
        i = j;
      }
    }

    onEscape(seq) {
      const len = this.buffer.length;
      switch (seq) {
        case "\x1b[D": case "\x1bOD": if (this.cursor > 0) this.setLine(this.buffer, this.cursor - 1); break;
        case "\x1b[C": case "\x1bOC": if (this.cursor < len) this.setLine(this.buffer, this.cursor + 1); break;
        case "\x1b[A": case "\x1bOA": this.historyMove(-1); break;
        case "\x1b[B": case "\x1bOB": this.historyMove(1); break;
        case "\x1b[H": case "\x1bOH": case "\x1b[1~": case "\x1b[7~": this.setLine(this.buffer, 0); break;
        case "\x1b[F": case "\x1bOF": case "\x1b[4~": case "\x1b[8~": this.setLine(this.buffer, len); break;
        case "\x1b[3~":
          if (this.cursor < len) this.replaceRange(this.cursor, this.cursor + 1, "");
          break;
        case "\x1b[1;5D": case "\x1bb": case "\x1b[1;3D": this.setLine(this.buffer, this.wordLeft(this.cursor)); break;
        case "\x1b[1;5C": case "\x1bf": case "\x1b[1;3C": this.setLine(this.buffer, this.wordRight(this.cursor)); break;
        case "\x1bd": {
          const e = this.wordRight(this.cursor);
          this.killed = this.buffer.slice(this.cursor, e);
          this.replaceRange(this.cursor, e, "");
          break;
        }
        case "\x1b\x7f": case "\x1b\b": {
          const s = this.wordLeft(this.cursor);
          this.killed = this.buffer.slice(s, this.cursor);
          this.replaceRange(s, this.cursor, "");
          break;
        }
        default: break;   // other keys (F1, PageUp, ...) do nothing at a prompt
      }
    }

    onControl(c) {
      const len = this.buffer.length;
      switch (c) {
        case "\x01": this.setLine(this.buffer, 0); break;                               // Ctrl-A
        case "\x05": this.setLine(this.buffer, len); break;                             // Ctrl-E
        case "\x02": if (this.cursor > 0) this.setLine(this.buffer, this.cursor - 1); break;   // Ctrl-B
        case "\x06": if (this.cursor < len) this.setLine(this.buffer, this.cursor + 1); break; // Ctrl-F
        case "\x10": this.historyMove(-1); break;                                       // Ctrl-P
        case "\x0e": this.historyMove(1); break;                                        // Ctrl-N
        case "\x7f": case "\x08":                                                       // Backspace
          if (this.cursor > 0) this.replaceRange(this.cursor - 1, this.cursor, "");
          break;
        case "\x04":                                                                    // Ctrl-D
          if (this.cursor < len) this.replaceRange(this.cursor, this.cursor + 1, "");
          else if (!len && !this.continuing) this.endOfInput();
          break;
        case "\x15":                                                                    // Ctrl-U
          this.killed = this.buffer.slice(0, this.cursor);
          this.replaceRange(0, this.cursor, "");
          break;
        case "\x0b":                                                                    // Ctrl-K
          this.killed = this.buffer.slice(this.cursor);
          this.replaceRange(this.cursor, len, "");
          break;
        case "\x17": {                                                                  // Ctrl-W
          let s = this.cursor;
          while (s > 0 && this.buffer[s - 1] === " ") s--;
          while (s > 0 && this.buffer[s - 1] !== " ") s--;
          this.killed = this.buffer.slice(s, this.cursor);
          this.replaceRange(s, this.cursor, "");
          break;
        }
        case "\x19": if (this.killed) this.insert(this.killed); break;                  // Ctrl-Y
        case "\x03": this.interrupt(); break;                                           // Ctrl-C
        case "\x0c": this.clearScreen(); break;                                         // Ctrl-L
        case "\t": this.complete(); break;
        default: break;
      }
    }

    // Ctrl-D on an empty line: end of input. A shell in a pod exits (as `exit`); the learner's own shell
    // says the terminal stays (the engine answers `exit` so)
    endOfInput() {
      this.term.write(this.moveCursor(this.shown, this.promptWidth()) + "\r\n");
      this.promptCol = 0;
      this.shown = 0;
      this.submit("exit", true);
    }

    interrupt() {
      this.term.write(this.moveCursor(this.shown, this.promptWidth() + this.buffer.length) + "^C\r\n");
      this.collector.reset();
      this.continuing = false;
      this.lineQueue = [];
      this.histIndex = this.history.length;
      this.promptCol = 0;
      this.showPrompt(false);
    }

    clearScreen() {
      this.term.write(CLEAR_SCREEN);
      this.promptCol = 0;
      this.term.write(crlf(this.promptText()));
      this.shown = this.promptWidth();
      this.redraw();
    }

    complete() {
      if (this.continuing || !this.socket.connected) return;
      this.completing = this.socket.send({ type: "complete", line: this.buffer, cursor: this.cursor,
        session: this.session });
    }

    listMatches(matches) {
      const cols = Math.max(20, this.term.cols);
      const width = Math.max(...matches.map((m) => m.length)) + 2;
      const perRow = Math.max(1, Math.floor(cols / width));
      const rows = Math.ceil(matches.length / perRow);
      let out = this.moveCursor(this.shown, this.promptWidth() + this.buffer.length) + "\r\n";
      // bash fills the columns top to bottom
      for (let r = 0; r < rows; r++) {
        let line = "";
        for (let c = 0; c < perRow; c++) {
          const m = matches[c * rows + r];
          if (m === undefined) continue;
          line += c === perRow - 1 || matches[(c + 1) * rows + r] === undefined ? m : m.padEnd(width);
        }
        out += line + "\r\n";
      }
      this.term.write(out);
      this.promptCol = 0;
      this.redrawAfterMessage();
    }

    enter() {
      const line = this.buffer;
      this.term.write(this.moveCursor(this.shown, this.promptWidth() + line.length) + "\r\n");
      this.promptCol = 0;
      this.shown = 0;
      this.lastTabLine = null;
      const r = this.collector.push(line);
      if (!r.done) {
        this.continuing = true;
        this.showPrompt(false);
        return;
      }
      this.continuing = false;
      this.submit(r.command);
    }

    submit(command, eof) {
      if (!command.trim()) { this.showPrompt(false); return; }
      const first = command.split("\n")[0];
      if (!eof && /^\s/.test(command) === false && this.history[this.history.length - 1] !== first) {
        this.history.push(first);
        if (this.history.length > HISTORY_LIMIT) this.history.shift();
      }
      this.histIndex = this.history.length;
      this.draft = "";
      if (!this.socket.connected) {
        // never queue a command for later: the learner would not know when (or whether) it ran
        this.notice("not connected: the command was not run; it is in your history (↑) to retry");
        this.showPrompt(false);
        return;
      }
      this.ready = false;
      this.hooks.commands.push(command);
      this.waiting = this.socket.send({ type: "command", line: command, session: this.session });
    }

    // used by tests and by "run this command" buttons in the lesson pane: type a line and press Enter
    runLine(line) {
      this.lineQueue.push(...String(line).split("\n"));
      if (this.ready && this.waiting === null && !this.editorOpen) this.runQueuedLine();
    }

    runQueuedLine() {
      const next = this.lineQueue.shift();
      this.setLine(next);
      this.enter();
    }

    // ---------------------------------------------------------------- the editor pane
    openEditor(spec) {
      this.editorOpen = true;
      this.ready = false;
      this.hooks.editor.open(spec, {
        save: (content) => { this.waiting = this.socket.send({ type: "editor.save", content }); },
        cancel: () => { this.waiting = this.socket.send({ type: "editor.cancel" }); },
      });
    }

    closeEditor() {
      this.editorOpen = false;
      this.hooks.editor.close();
      this.term.focus();
    }
  }

  window.PodscapeTerminal = PodscapeTerminal;
})();
