// One WebSocket per sandbox page, shared by the terminal, the editor, the diagram and the lesson pane.
// Messages are JSON ({"type": ...}); listeners subscribe by type. Reconnects with backoff when it drops.
(function () {
  "use strict";

  function absoluteWsUrl(url) {
    if (/^wss?:\/\//.test(url)) return url;
    const proto = location.protocol === "https:" ? "wss:" : "ws:";
    return proto + "//" + location.host + (url.startsWith("/") ? url : "/" + url);
  }

  class SandboxSocket {
    constructor(url) {
      this.url = absoluteWsUrl(url);
      this.listeners = {};          // type -> [fn]
      this.ws = null;
      this.connected = false;
      this.everConnected = false;
      this.retry = 0;               // consecutive failed attempts, for the backoff
      this.nextId = 1;
      this.outbox = [];             // messages sent while disconnected, flushed on open
    }

    on(type, fn) {
      (this.listeners[type] = this.listeners[type] || []).push(fn);
      return this;
    }

    emit(type, msg) {
      for (const fn of this.listeners[type] || []) {
        try { fn(msg); } catch (err) { console.error("podscape: listener for", type, "failed", err); }
      }
    }

    connect() {
      let ws;
      try {
        ws = new WebSocket(this.url);
      } catch (err) {
        this.scheduleReconnect();
        return;
      }
      this.ws = ws;
      ws.onopen = () => {
        this.connected = true;
        this.retry = 0;
        const wasReconnect = this.everConnected;
        this.everConnected = true;
        this.emit("open", { reconnect: wasReconnect });
        const pending = this.outbox.splice(0);
        for (const m of pending) ws.send(JSON.stringify(m));
      };
      ws.onmessage = (ev) => {
        let msg;
        try { msg = JSON.parse(ev.data); } catch (err) { console.warn("podscape: non-JSON message", ev.data); return; }
        if (msg && typeof msg.type === "string") {
          this.emit(msg.type, msg);
          this.emit("*", msg);
        }
      };
      ws.onclose = (ev) => {
        const was = this.connected;
        this.connected = false;
        if (this.ws === ws) this.ws = null;
        this.emit("close", { code: ev.code, wasConnected: was });
        // 4401/4403/4404: the server refused this user or sandbox; retrying will not help.
        if (ev.code >= 4400 && ev.code < 4500) { this.emit("refused", { code: ev.code }); return; }
        this.scheduleReconnect();
      };
      ws.onerror = () => { /* onclose follows and handles the retry */ };
    }

    scheduleReconnect() {
      const delay = Math.min(10000, 500 * Math.pow(2, this.retry)) * (0.8 + Math.random() * 0.4);
      this.retry += 1;
      this.emit("reconnecting", { delay: Math.round(delay), attempt: this.retry });
      setTimeout(() => this.connect(), delay);
    }

    // Sends a message, giving it an id unless it has one; returns the id.
    send(msg) {
      if (msg.id === undefined) msg.id = this.nextId++;
      if (this.connected && this.ws) this.ws.send(JSON.stringify(msg));
      else this.outbox.push(msg);
      return msg.id;
    }
  }

  window.PodscapeSocket = SandboxSocket;
})();
