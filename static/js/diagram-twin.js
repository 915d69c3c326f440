// The diagram's text twin: the same nodes as the picture, as an outline a keyboard and a screen reader
// can walk (namespaces > workloads > pods with status; Services -> endpoints; Ingress rules -> backends;
// the last request with its verdict). Enter on an item opens its details, as a click on the picture does.
// Changes are summarised into a polite live region, at most once a second, not diff by diff.
(function () {
  "use strict";

  const idName = (id) => String(id).split("/").pop();

  class Twin {
    constructor(diagram, root) {
      this.diagram = diagram;
      this.list = root.querySelector("[data-twin]");
      this.live = root.querySelector("[data-live]");
      this.lastRequest = root.querySelector("[data-twin-request]");
      this.known = null;          // id -> short state, to summarise what changed
      this.pending = [];
      this.timer = null;
      if (this.list) {
        this.list.addEventListener("click", (ev) => {
          const btn = ev.target.closest("[data-id]");
          if (btn) this.diagram.activate(btn.dataset.id);
        });
      }
    }

    describe(n) {
      const d = n.data || {};
      switch (n.kind) {
        case "host": return "Your machine (" + (d.label || "") + ")" +
          ((d.hosts || []).length ? "; /etc/hosts: " + d.hosts.map((h) => h.name + " → " + h.ip).join(", ") : "");
        case "node": return "Node " + d.name + " " + (d.ip || "") + ": " + (d.running === false ? "stopped" : d.status || "");
        case "entry": return "NodePort " + d.port + " on the node → Service " + String(d.service || "").split("/").slice(2).join("/");
        case "namespace": return "Namespace " + n.ns;
        case "summary": return "System namespaces, folded (" + (d.namespaces || []).join(", ") + "): " +
          d.counts.pods + " pods, " + d.counts.ready + " ready, " + d.counts.services + " services. Press Enter to expand";
        case "workload": return (d.workloadKind || "Workload") + " " + d.name + ": " + (d.ready ?? "?") + "/" + (d.replicas ?? "?") + " ready";
        case "stack": return d.count + " pods, " + d.ready + " ready (folded). Press Enter to show them one by one";
        case "pod": return "Pod " + d.name + ": " + d.status + ", ready " + d.ready + (d.cause ? ". Problem: " + d.cause : "");
        case "service": {
          const eps = (this.out.get(n.id) || []).filter((e) => e.kind === "selects");
          const ready = eps.filter((e) => e.data.endpoint).map((e) => idName(e.data.target));
          return "Service " + d.name + " (" + (d.type || "ClusterIP") + " " + (d.ports || "") + ") → endpoints: " +
            (ready.length ? ready.join(", ") : "none");
        }
        case "ingress": {
          const routes = (this.out.get(n.id) || []).filter((e) => e.kind === "routes");
          return "Ingress " + d.name + ": " + (routes.length ? routes.map((e) => (e.data.label || "*") + " → " +
            idName(e.data.target)).join("; ") : "no rules with a backend");
        }
        case "gatewayclass": return "GatewayClass " + d.name + " (" + (d.controller || "") + "): accepted " + d.accepted;
        case "gateway": return "Gateway " + d.name + ", class " + (d.class || "") + ": " + (d.listeners || []).map((l) =>
          "listener " + l.name + " " + l.protocol + " :" + l.port + " " + l.hostname + ", " + l.attachedRoutes + " routes").join("; ") +
          ". Programmed " + d.programmed + (d.cause ? ". Problem: " + d.cause : "");
        case "httproute": {
          const to = (this.out.get(n.id) || []).filter((e) => e.kind === "backend");
          return "HTTPRoute " + d.name + " for " + (d.hosts || "*") + ": " + (to.length ? to.map((e) => (e.data.label || "/") + " → " +
            idName(e.data.target)).join("; ") : "no backend Service") + (d.cause ? ". Not working: " + d.cause : "");
        }
        case "networkpolicy": return "NetworkPolicy " + d.name + " selects " + (d.podSelector || "all pods") +
          (d.rules && d.rules.length ? "; rules: " + d.rules.join("; ") : "") + (d.enforced === false ? " (not enforced)" : "");
        default: return String(d.label || n.id);
      }
    }

    update(model) {
      if (!this.list) return;
      this.out = new Map();                 // node id -> its outgoing edges, for the descriptions
      for (const e of model.edges) { if (!this.out.has(e.source)) this.out.set(e.source, []); this.out.get(e.source).push(e); }
      this.texts = new Map(model.nodes.map((n) => [n.id, this.describe(n)]));
      const sig = model.nodes.map((n) => n.id + (n.inBox || n.parent || "") + this.texts.get(n.id)).join("\n");
      if (sig === this.sig) return;         // nothing a reader would notice changed
      this.sig = sig;
      const children = new Map();
      const parentOf = (n) => n.inBox || n.parent || "";
      for (const n of model.nodes) {
        const p = parentOf(n);
        if (!children.has(p)) children.set(p, []);
        children.get(p).push(n);
      }
      const order = { host: 0, node: 1, entry: 2, gatewayclass: 2.5, summary: 3, namespace: 4, gateway: 4.5, ingress: 5, httproute: 5.5,
        service: 6, networkpolicy: 7, workload: 8, stack: 9, pod: 10 };
      const build = (parentId) => {
        const kids = (children.get(parentId) || []).slice().sort((a, b) => (order[a.kind] - order[b.kind]) || (a.id < b.id ? -1 : 1));
        if (!kids.length) return null;
        const ul = document.createElement("ul");
        for (const n of kids) {
          const li = document.createElement("li");
          const btn = document.createElement("button");
          btn.type = "button";
          btn.className = "twin-item twin-" + n.kind;
          btn.dataset.id = n.id;
          btn.textContent = this.texts.get(n.id);
          li.appendChild(btn);
          const sub = build(n.id);
          if (sub) li.appendChild(sub);
          ul.appendChild(li);
        }
        return ul;
      };
      this.list.replaceChildren(build("") || document.createElement("ul"));
      this.summarise(model);
    }

    // "2 pods added in default; Service nginx-app changed" once things calm down
    summarise(model) {
      const now = new Map(model.nodes.map((n) => [n.id, n.kind + ":" + this.texts.get(n.id)]));
      if (this.known) {
        const added = {}; const removed = {}; let changed = 0;
        for (const [id, v] of now) {
          if (!this.known.has(id)) added[v.split(":")[0]] = (added[v.split(":")[0]] || 0) + 1;
          else if (this.known.get(id) !== v) changed += 1;
        }
        for (const [id, v] of this.known) if (!now.has(id)) removed[v.split(":")[0]] = (removed[v.split(":")[0]] || 0) + 1;
        const words = (o, verb) => Object.entries(o).map(([k, c]) => c + " " + k + (c > 1 ? "s" : "") + " " + verb);
        const parts = words(added, "added").concat(words(removed, "removed"));
        if (changed) parts.push(changed + " changed");
        if (parts.length) this.say("Diagram: " + parts.join(", ") + ".");
      }
      this.known = now;
    }

    announceTrace(trace, verdict, reason) {
      const src = trace.source === "host" ? "your machine" : String(trace.source || "");
      const text = "Last request, " + src + " to " + String(trace.dest || "") + ": " +
        (verdict === "ok" ? "answered" : verdict + (reason ? ", " + reason : "")) + (trace.cause ? ". " + trace.cause : "");
      if (this.lastRequest) this.lastRequest.textContent = text;
      this.say(text);
    }

    say(text) {
      if (!this.live) return;
      this.pending.push(text);
      if (this.timer) return;
      this.timer = setTimeout(() => {
        this.timer = null;
        this.live.textContent = this.pending.splice(0).slice(-2).join(" ");
      }, 1000);
    }
  }

  window.PodscapeDiagramTwin = Twin;
})();
