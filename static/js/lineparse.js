// Just enough shell lexing for the terminal to know whether a typed line is a complete command:
// an open quote, a trailing backslash or a heredoc (`<<EOF`) means more lines follow (bash prints "> ").
(function () {
  "use strict";

  // Scans command text (not heredoc bodies). Returns {quote: null|"'"|'"', backslash: bool,
  // heredocs: [{delim, stripTabs}]} where heredocs are listed in the order they appear.
  function scan(text) {
    let quote = null;
    let backslash = false;
    const heredocs = [];
    let i = 0;
    let wordStart = true;
    while (i < text.length) {
      const c = text[i];
      backslash = false;
      if (quote === "'") {
        if (c === "'") quote = null;
        i++; continue;
      }
      if (c === "\\") {
        if (i === text.length - 1) { backslash = true; i++; continue; }
        i += 2; wordStart = false; continue;
      }
      if (quote === '"') {
        if (c === '"') quote = null;
        i++; continue;
      }
      if (c === "'" || c === '"') { quote = c; i++; wordStart = false; continue; }
      if (c === "#" && wordStart) {
        // a comment runs to the end of its line
        const nl = text.indexOf("\n", i);
        if (nl < 0) break;
        i = nl; continue;
      }
      if (c === "<" && text[i + 1] === "<" && text[i + 2] !== "<") {
        let j = i + 2;
        let stripTabs = false;
        if (text[j] === "-") { stripTabs = true; j++; }
        while (text[j] === " " || text[j] === "\t") j++;
        // the delimiter word, with quotes removed (quoting it only turns expansion off in the body)
        let delim = "";
        while (j < text.length && !/[\s;&|<>()]/.test(text[j])) {
          const d = text[j];
          if (d === "'" || d === '"') {
            const end = text.indexOf(d, j + 1);
            if (end < 0) { delim += text.slice(j + 1); j = text.length; break; }
            delim += text.slice(j + 1, end); j = end + 1; continue;
          }
          if (d === "\\") { delim += text[j + 1] || ""; j += 2; continue; }
          delim += d; j++;
        }
        if (delim) heredocs.push({ delim, stripTabs });
        i = j; wordStart = false; continue;
      }
      if (c === "<" && text[i + 1] === "<" && text[i + 2] === "<") { i += 3; continue; }
      wordStart = /[\s;&|()]/.test(c);
      i++;
    }
    return { quote, backslash, heredocs };
  }

  // Collects the lines of one command as the learner types them. push(line) returns
  // {done: true, command} when the command is complete, or {done: false} when "> " should be shown.
  class CommandCollector {
    constructor() { this.reset(); }

    reset() {
      this.parts = [];          // the final lines, joined with "\n" on completion
      this.commandText = "";    // the lines that are command text (not heredoc bodies), for scanning
      this.bodyFor = [];        // heredocs still waiting for their delimiter
      this.heredocsSeen = 0;
      this.joinNext = false;    // the previous line ended in an unquoted backslash
      this.quoteOpen = false;
    }

    get active() { return this.parts.length > 0; }

    push(line) {
      if (this.bodyFor.length) {
        this.parts.push(line);
        const h = this.bodyFor[0];
        const candidate = h.stripTabs ? line.replace(/^\t+/, "") : line;
        if (candidate === h.delim) this.bodyFor.shift();
        return this.finishIfComplete();
      }
      if (this.joinNext) {
        // bash drops backslash-newline outside quotes: the two lines become one
        this.parts[this.parts.length - 1] += line;
        this.commandText += line;
      } else {
        this.parts.push(line);
        this.commandText += (this.commandText ? "\n" : "") + line;
      }
      const s = scan(this.commandText);
      this.joinNext = false;
      if (s.backslash && !s.quote) {
        this.joinNext = true;
        const last = this.parts.length - 1;
        this.parts[last] = this.parts[last].slice(0, -1);
        this.commandText = this.commandText.slice(0, -1);
      }
      const fresh = s.heredocs.slice(this.heredocsSeen);
      this.heredocsSeen = s.heredocs.length;
      this.bodyFor.push(...fresh);
      this.quoteOpen = !!s.quote;
      return this.finishIfComplete();
    }

    finishIfComplete() {
      if (this.bodyFor.length || this.quoteOpen || this.joinNext) return { done: false };
      const command = this.parts.join("\n");
      this.reset();
      return { done: true, command };
    }
  }

  window.PodscapeLine = { scan, CommandCollector };
})();
