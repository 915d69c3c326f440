// The live diagram. The server owns the graph (playground/topology*.py) and pushes diffs; this file keeps
// them in a map, asks diagram-model.js what to show (folded, sized, legible), places it with ELK's layered
// algorithm in a Web Worker (elk-worker.min.js), and draws it with cytoscape: nodes are plain boxes (no
// cytoscape compounds) at the places ELK gave, so what is drawn is exactly what was laid out.
// The last request is drawn along its hops and kept until the next; its verdict and reason are written
// under the picture, never over it. diagram-twin.js keeps the text outline. Names reach the page only
// through canvas labels and textContent.
(function () {
  "use strict";

  const M = window.PodscapeDiagramModel;
  const EXPAND_KEY = "podscape.diagram.expanded";     // the namespaces the learner unfolded or folded
  const SYSTEM_KEY = "podscape.hideSystem";           // the "system pods" switch ("1": folded)
  const C = {
    text: "#e6edf3", muted: "#8b949e", ok: "#3fb950", pending: "#d29922", error: "#f85149", done: "#6e7681",
    service: "#1f6feb", host: "#8957e5", entry: "#6e40c9", ingress: "#9a6700", policy: "#9e6a03",
  };
  const PENDING = /^(Pending|ContainerCreating|PodInitializing|Terminating|Init:\d+\/\d+|NotReady)$/;
  const DONE = /^(Completed|Succeeded)$/;
  const STICKY = ["policy-denied", "trace-hop", "trace-bad", "trace-stop", "trace-last"];

  function podState(d) {
    const s = String(d.status || d.phase || "");
    if (s === "Running") return d.isReady === false ? "pending" : "ok";
    if (PENDING.test(s)) return "pending";
    if (DONE.test(s)) return "done";
    return "error";
  }

  const z = (n) => ({ "z-index-compare": "manual", "z-index": n });
  const STYLE = [
    { selector: "node", style: Object.assign({
      "label": "data(label)", "color": C.text, "font-size": M.FONT, "font-family": M.SANS, "text-wrap": "wrap",
      "text-valign": "center", "text-halign": "center", "line-height": M.LINE / M.FONT, "min-zoomed-font-size": 0,
      "shape": "round-rectangle", "width": "data(w)", "height": "data(h)", "background-color": "#161b22",
      "border-width": 1.5, "border-color": "#3d4451", "text-events": "yes" }, z(10)) },
    { selector: "node.box", style: Object.assign({ "text-valign": "top", "text-margin-y": "data(dy)",
      "background-opacity": 0.55, "font-weight": "bold" }, z(1)) },
    { selector: "node.node", style: Object.assign({ "background-color": "#0b0f14", "border-color": "#3d4451",
      "border-width": 2 }, z(0)) },
    { selector: "node.node.stopped, node.node.notready", style: { "border-color": C.error, "border-style": "dashed" } },
    { selector: "node.namespace", style: Object.assign({ "background-color": "#0d1117", "border-style": "dashed",
      "border-color": "#484f58", "color": "#c9d1d9" }, z(1)) },
    { selector: "node.workload", style: Object.assign({ "background-color": "#161b22", "border-color": "#30363d",
      "font-weight": "normal" }, z(2)) },
    { selector: "node.pod", style: { "border-width": 3, "background-color": "#0d1117" } },
    { selector: "node.pod.slot", style: { "font-family": M.MONO } },      // name tails in a workload box
    { selector: "node.pod.st-ok", style: { "border-color": C.ok } },
    { selector: "node.pod.st-pending", style: { "border-color": C.pending, "border-style": "dashed" } },
    { selector: "node.pod.st-error", style: { "border-color": C.error, "background-color": "#3b1219" } },
    { selector: "node.pod.st-done", style: { "border-color": C.done } },
    { selector: "node.stack", style: { "border-width": 3, "border-color": C.ok, "border-style": "double" } },
    { selector: "node.service", style: { "shape": "cut-rectangle", "background-color": "#0c2d6b", "border-color": "#58a6ff" } },
    { selector: "node.service.nodeport, node.service.loadbalancer", style: { "border-width": 3, "border-color": "#a5d6ff" } },
    { selector: "node.host", style: { "shape": "rectangle", "background-color": "#3c1f7a", "border-color": "#b392f0" } },
    { selector: "node.entry", style: { "shape": "round-tag", "background-color": "#2a1657", "border-color": "#b392f0" } },
    { selector: "node.ingress", style: { "shape": "round-tag", "background-color": "#3d2e00", "border-color": "#e3b341" } },
    { selector: "node.ingress.unserved", style: { "border-style": "dashed" } },
    { selector: "node.gatewayclass", style: { "shape": "round-rectangle", "background-color": "#0f3d2e", "border-color": "#56d364" } },
    { selector: "node.gateway", style: { "shape": "round-tag", "background-color": "#0f3d2e", "border-color": "#56d364" } },
    { selector: "node.httproute", style: { "shape": "round-rectangle", "background-color": "#12261e", "border-color": "#7ee787" } },
    { selector: "node.gatewayclass.unserved, node.gateway.unserved, node.httproute.unserved", style: { "border-style": "dashed" } },
    { selector: "node.networkpolicy", style: { "shape": "round-octagon", "background-color": "#3d2800", "border-color": "#d29922" } },
    { selector: "node.networkpolicy.not-enforced", style: { "border-style": "dashed", "background-color": "#21262d" } },
    { selector: "node.summary", style: { "background-color": "#161b22", "border-style": "dashed", "border-color": "#6e7681",
      "color": "#c9d1d9" } },
    { selector: "node.pod.policy-selected", style: { "outline-width": 2, "outline-color": "#d29922", "outline-offset": 2 } },
    { selector: "node.has-cause", style: { "border-color": C.error, "border-width": 3 } },
    { selector: "node:selected", style: { "overlay-color": "#f0f6fc", "overlay-opacity": 0.12, "overlay-padding": 4 } },
    { selector: "edge", style: Object.assign({ "width": 1.5, "line-color": "#58a6ff", "target-arrow-color": "#58a6ff",
      "target-arrow-shape": "triangle", "curve-style": "bezier", "arrow-scale": 0.8, "opacity": 0.75 }, z(5)) },
    { selector: "edge.selects[!endpoint]", style: { "line-style": "dashed", "line-color": "#6e7681", "target-arrow-color": "#6e7681" } },
    { selector: "edge.nodeport, edge.exposes, edge.hostport", style: { "line-color": "#b392f0", "target-arrow-color": "#b392f0", "width": 2 } },
    { selector: "edge.routes, edge.serves", style: { "line-color": "#e3b341", "target-arrow-color": "#e3b341" } },
    { selector: "edge.serves", style: { "line-style": "dotted" } },
    { selector: "edge.instance, edge.fronts, edge.attaches, edge.backend", style: { "line-color": "#56d364", "target-arrow-color": "#56d364" } },
    { selector: "edge.instance, edge.fronts", style: { "line-style": "dotted" } },
    { selector: "edge.attaches[accepted != 'True']", style: { "line-style": "dashed", "line-color": C.error, "target-arrow-color": C.error } },
    { selector: "edge.isolates", style: { "line-color": "#d29922", "target-arrow-color": "#d29922", "line-style": "dotted",
      "target-arrow-shape": "tee" } },
    { selector: "edge.folded", style: { "opacity": 0.4 } },
    // the last request: its path stays lit until the next one; red where it stopped
    { selector: "edge.trace-temp", style: { "curve-style": "unbundled-bezier", "control-point-distances": 30,
      "line-style": "dashed" } },
    { selector: "edge.trace-hop", style: Object.assign({ "width": 3.5, "opacity": 1, "line-color": C.ok,
      "target-arrow-color": C.ok }, z(8)) },
    { selector: "edge.trace-hop.trace-bad", style: { "line-color": C.error, "target-arrow-color": C.error } },
    { selector: "node.trace-hop", style: { "underlay-color": C.ok, "underlay-opacity": 0.3, "underlay-padding": 5 } },
    { selector: "node.trace-hop.trace-bad", style: { "underlay-color": C.error } },
    { selector: "node.trace-stop", style: { "border-color": C.error, "border-width": 4, "underlay-color": C.error,
      "underlay-opacity": 0.45, "underlay-padding": 6 } },
    { selector: "node.policy-denied", style: { "underlay-color": C.error, "underlay-opacity": 0.35, "underlay-padding": 5 } },
    { selector: "node.note", style: Object.assign({ "background-color": "#490202", "border-color": C.error,
      "color": "#ffdcd7", "text-halign": "center", "events": "no" }, z(20)) },
    { selector: "node.note.ok", style: { "background-color": "#04260f", "border-color": C.ok, "color": "#aff5b4" } },
    { selector: "node.packet", style: Object.assign({ "shape": "ellipse", "width": 14, "height": 14, "label": "",
      "background-color": "#f0f6fc", "border-width": 2, "border-color": "#0d1117", "events": "no" }, z(30)) },
    { selector: "node.packet.arrived", style: { "background-color": C.ok } },
    { selector: "node.packet.stopped", style: { "background-color": C.error } },
  ];

  class Diagram {
    constructor(root, socket) {
      this.root = root;
      this.socket = socket;
      this.container = root.querySelector("[data-cy]");
      this.tooltip = root.querySelector("[data-tooltip]");
      this.traceLog = root.querySelector("[data-trace-log]");
      this.stateBar = root.querySelector("[data-diagram-state]");
      this.empty = root.querySelector("[data-diagram-empty]");
      this.elements = new Map();            // id -> server element, the whole graph
      this.view = { expanded: new Set(), openStacks: new Set() };
      this.userExpand = this.loadExpand();  // ns -> true (unfolded) | false (folded) by the learner
      this.lessonExpand = [];
      this.version = null;
      this.model = null;
      this.positions = new Map();           // id -> {x, y, w, h} from the last layout
      this.layoutKey = "";
      this.layoutSeq = 0;
      this.layoutCount = 0;
      this.userMoved = false;
      this.lastTrace = null;
      this.traceSeq = 0;

      this.elk = new window.ELK({ workerUrl: root.dataset.elkWorker });
      this.cy = window.cytoscape({ container: this.container, elements: [], style: STYLE, boxSelectionEnabled: false,
        autoungrabify: true, minZoom: M.MIN_LABEL_PX / M.FONT, maxZoom: 2.5 });
      window.cy = this.cy;

      const toggle = root.querySelector("[data-toggle-system]");
      if (toggle) {
        this.systemToggle = toggle;
        toggle.addEventListener("change", () => this.setSystemShown(toggle.checked));
      }
      const fit = root.querySelector("[data-fit]");
      if (fit) fit.addEventListener("click", () => { this.userMoved = false; this.fitView(); });
      for (const ev of ["mousedown", "wheel", "touchstart"]) {
        this.container.addEventListener(ev, () => { this.userMoved = true; }, { passive: true });
      }
      this.cy.on("mouseover", "node", (e) => this.showTooltip(e.target, e.renderedPosition));
      this.cy.on("mouseout", "node", () => this.hideTooltip());
      this.cy.on("tap", "node", (e) => this.activate(e.target.id()));
      this.cy.on("tap", (e) => { if (e.target === this.cy) { this.hideTooltip(); this.details && this.details.close(); } });
      new ResizeObserver(() => {
        this.cy.resize();
        if (this.model && this.direction() !== this.view.direction) this.render();
        else if (!this.userMoved) this.fitSoon();
      }).observe(this.container);
      if (window.PodscapeDiagramDetails) this.details = new window.PodscapeDiagramDetails(this, root);
      if (window.PodscapeDiagramTwin) this.twin = new window.PodscapeDiagramTwin(this, root);

      socket.on("hello", (m) => this.reset(m));
      socket.on("topology", (m) => this.onTopology(m));
      socket.on("traces", (m) => this.animateTraces(m.traces || []));
    }

    // ------------------------------------------------------------------ the learner's folding choices
    loadExpand() {
      try { return JSON.parse(localStorage.getItem(EXPAND_KEY) || "{}") || {}; } catch (err) { return {}; }
    }

    expandedSet() {
      const set = new Set(this.lessonExpand);
      const hide = localStorage.getItem(SYSTEM_KEY);
      if (hide === "0") for (const ns of this.systemNamespaces()) set.add(ns);
      if (hide === "1") for (const ns of this.systemNamespaces()) set.delete(ns);
      for (const [ns, open] of Object.entries(this.userExpand)) { if (open) set.add(ns); else set.delete(ns); }
      return set;
    }

    systemNamespaces() {
      const out = new Set(["kube-system", "kube-public", "kube-node-lease"]);
      for (const e of this.elements.values()) if (e.data.kind === "namespace" && e.data.system) out.add(M.nsOf(e.data));
      return out;
    }

    // one namespace (or every system one, from the summary node) folded or unfolded by the learner
    toggleNamespace(ns, open) {
      const names = ns === M.SUMMARY ? [...this.systemNamespaces()] : [ns];
      for (const n of names) this.userExpand[n] = open === undefined ? !this.view.expanded.has(n) : open;
      localStorage.setItem(EXPAND_KEY, JSON.stringify(this.userExpand));
      this.render();
    }

    toggleStack(workloadId) {
      if (this.view.openStacks.has(workloadId)) this.view.openStacks.delete(workloadId);
      else this.view.openStacks.add(workloadId);
      this.render();
    }

    setSystemShown(shown) {
      localStorage.setItem(SYSTEM_KEY, shown ? "0" : "1");
      for (const ns of this.systemNamespaces()) delete this.userExpand[ns];
      localStorage.setItem(EXPAND_KEY, JSON.stringify(this.userExpand));
      this.render();
    }

    // ------------------------------------------------------------------ server messages
    reset(hello) {
      this.lessonExpand = ((hello.diagram || {}).expand || []).map(String);
      this.elements = new Map();
      for (const e of hello.elements || []) this.elements.set(e.data.id, e);
      this.version = typeof hello.version === "number" ? hello.version : null;
      this.render();
    }

    // A diff says `version` (the sandbox's after the command) and `base` (since when the diagram it
    // applies to has not changed). Ours is at this.version: a diff not newer is already in the hello we
    // had; one whose base is newer than ours means we missed a diff (quiet commands send none, so a gap in
    // versions alone proves nothing). A diff touching elements we never had says the same. Either way a
    // fresh hello (the socket reopens) brings the whole graph.
    onTopology(m) {
      const v = typeof m.version === "number" ? m.version : null;
      if (v !== null && this.version !== null) {
        if (v <= this.version) return;
        // a null base: the server's worker does not know since when (it just loaded the sandbox); then
        // only the element check below can tell
        if (typeof m.base === "number" && m.base > this.version) { this.resync(); return; }
      }
      const known = (id) => this.elements.has(id);
      const adds = new Set((m.add || []).map((e) => e.data.id));
      const lost = (m.update || []).some((e) => !known(e.data.id)) || (m.remove || []).some((id) => !known(id)) ||
        (m.add || []).some((e) => e.data.source && !(known(e.data.source) || adds.has(e.data.source)));
      if (lost && this.elements.size) { this.resync(); return; }
      if (v !== null) this.version = v;
      this.applyDiff(m);
    }

    resync() {
      window.podscape.resyncs = (window.podscape.resyncs || 0) + 1;
      if (this.socket.ws) this.socket.ws.close();           // the socket reconnects and the server says hello
    }

    applyDiff(diff) {
      for (const id of diff.remove || []) this.elements.delete(id);
      for (const e of diff.add || []) this.elements.set(e.data.id, e);
      // an update is the whole element (topology.diff): replace it, so a key the server dropped (a cause
      // that was fixed) goes too
      for (const e of diff.update || []) this.elements.set(e.data.id, e);
      this.render();
    }

    // ------------------------------------------------------------------ drawing
    render() {
      const t0 = performance.now();
      this.view.expanded = this.expandedSet();
      // left to right when the pane is wide; in a tall pane (the three-pane page) top to bottom, which keeps
      // the same reading order by role and fits at a zoom where every label stays legible
      this.view.direction = this.direction();
      const model = this.model = M.build(this.elements, this.view);
      this.sync(model);
      this.markPolicies();
      this.showState(model);
      this.publish();
      if (this.twin) this.twin.update(model);
      if (this.details) this.details.refresh();
      if (this.systemToggle) this.systemToggle.checked = [...this.systemNamespaces()].some((ns) => this.view.expanded.has(ns));
      const key = JSON.stringify(model.elk);
      const changed = key !== this.layoutKey;
      if (changed) { this.layoutKey = key; this.layout(model); }
      this.cost("render", t0);
      if (!changed) this.settled();
    }

    // cytoscape's elements follow the model. A node is added only once it has a place (its slot in a box
    // already laid out, or ELK's answer): added at its place, it is styled and drawn once, not twice.
    sync(model) {
      const cy = this.cy;
      const want = new Map(model.nodes.map((n) => [n.id, n]));
      const wantEdges = new Set(model.edges.map((e) => e.id));
      // only what changed is touched: restyling every element on every diff is what costs (not ELK)
      const drawn = this.drawnKeys = this.drawnKeys || new Map();
      const relabelled = [];
      cy.batch(() => {
        cy.elements().not(".packet, .note, .trace-temp").forEach((el) => {
          if (el.isNode() ? !want.has(el.id()) : !wantEdges.has(el.id())) { cy.remove(el); drawn.delete(el.id()); }
        });
        for (const n of model.nodes) {
          const data = this.nodeData(n);
          const classes = this.nodeClasses(n);
          const el = cy.getElementById(n.id);
          const key = JSON.stringify(data) + classes.join(" ");
          if (el.nonempty()) {
            if (drawn.get(n.id) === key) continue;
            drawn.set(n.id, key);
            const relabel = el.data("label") !== data.label;
            // data() merges: a key the server dropped (a cause that is fixed) must go too
            const gone = Object.keys(el.data()).filter((k) => !(k in data) && k !== "id" && k !== "parent");
            if (gone.length) el.removeData(gone.join(" "));
            el.data(data);
            const sticky = STICKY.filter((c) => el.hasClass(c));
            el.classes(classes.concat(sticky));
            // a wrapped label whose text changed ("ContainerCreating" -> "Running") kept its old cached
            // texture, drawn squeezed into the new, narrower box until cytoscape's idle re-render (seconds on
            // a busy machine): restyle the element and drop its label texture so the next frame draws it anew
            if (relabel) { el.updateStyle(); relabelled.push(el); }
          } else {
            const pos = this.placeFor(n);
            if (!pos) continue;
            drawn.set(n.id, key);
            cy.add({ group: "nodes", data, classes, position: pos });
          }
        }
        for (const e of model.edges) {
          if (cy.getElementById(e.source).empty() || cy.getElementById(e.target).empty()) continue;
          const el = cy.getElementById(e.id);
          const data = Object.assign({}, e.data, { id: e.id, source: e.source, target: e.target, label: "" });
          const classes = [e.kind, e.folded ? "folded" : ""].filter(Boolean);
          const key = JSON.stringify(data) + classes.join(" ");
          if (drawn.get(e.id) === key && el.nonempty()) continue;
          drawn.set(e.id, key);
          if (el.nonempty()) { delete data.source; delete data.target; el.data(data); el.classes(classes.concat(STICKY.filter((c) => el.hasClass(c)))); }
          else cy.add({ group: "edges", data, classes });
        }
      });
      // the label texture cache is cytoscape's internal renderer data: without it, nothing to drop
      const labels = cy.renderer() && cy.renderer().data && cy.renderer().data.lblTxrCache;
      if (labels) relabelled.forEach((el) => labels.invalidateElement(el));
    }

    // main-thread milliseconds of each step, for tests/bench/bench_diagram_browser.py
    cost(what, t0) {
      const costs = window.podscape.diagramCosts = window.podscape.diagramCosts || [];
      costs.push({ what, ms: performance.now() - t0, at: performance.now() });
      if (costs.length > 500) costs.shift();
    }

    // inside a node, entry points left of the lanes when the pane is wide, above them otherwise (lanes
    // themselves always read left to right)
    direction() { return this.cy.width() > 1.5 * this.cy.height() ? "RIGHT" : "DOWN"; }

    nodeData(n) {
      const placed = this.positions.get(n.id);
      const d = Object.assign({}, n.data, { id: n.id, kind: n.kind, label: n.lines.join("\n"),
        w: n.w || (placed && placed.w) || 10, h: n.h || (placed && placed.h) || 10,
        dy: n.lines.length * M.LINE + 6 });
      delete d.parent;
      return d;
    }

    nodeClasses(n) {
      const d = n.data || {};
      const out = [n.kind];
      if (n.box) out.push("box");
      if (n.kind === "pod") out.push("st-" + podState(d), n.bare ? "bare" : "slot");
      if (n.kind === "service") out.push(String(d.type || "ClusterIP").toLowerCase());
      if (n.kind === "ingress" && d.served === false) out.push("unserved");
      if (n.kind === "networkpolicy" && d.enforced === false) out.push("not-enforced");
      if ((n.kind === "gatewayclass" && d.accepted !== "True") || (n.kind === "gateway" && d.programmed !== "True") ||
        (n.kind === "httproute" && (!d.accepted || d.cause))) out.push("unserved");
      if (n.kind === "node") { if (d.running === false) out.push("stopped"); else if (d.status && d.status !== "Ready") out.push("notready"); }
      if (d.cause) out.push("has-cause");
      if (d.system) out.push("system");
      return out;
    }

    // where a node goes before ELK answers: its slot in a box already placed, else nowhere yet (hidden)
    placeFor(n) {
      const p = this.positions.get(n.id);
      if (p) return { x: p.x, y: p.y };
      if (n.inBox) {
        const box = this.positions.get(n.inBox);
        if (box) return { x: box.x1 + n.slot.x + n.w / 2, y: box.y1 + n.slot.y + n.h / 2 };
      }
      return null;
    }

    markPolicies() {
      this.cy.batch(() => this.cy.nodes(".pod").forEach((n) => {
        const on = n.incomers("edge.isolates").nonempty();
        if (on !== n.hasClass("policy-selected")) n.toggleClass("policy-selected", on);
      }));
    }

    layout(model) {
      const seq = ++this.layoutSeq;
      const started = performance.now();
      this.elk.layout(model.elk).then((res) => {
        if (seq !== this.layoutSeq) return;                   // a newer graph is on its way
        window.podscape.lastLayoutMs = performance.now() - started;
        this.applyPositions(M.absolute(res));
      }).catch((err) => console.error("podscape: layout failed", err));
    }

    applyPositions(pos) {
      const t0 = performance.now();
      const model = this.model;
      for (const n of model.nodes) {
        if (pos.has(n.id) || !n.inBox) continue;
        const box = pos.get(n.inBox);
        if (box) pos.set(n.id, { x: box.x1 + n.slot.x + n.w / 2, y: box.y1 + n.slot.y + n.h / 2, w: n.w, h: n.h,
          x1: box.x1 + n.slot.x, y1: box.y1 + n.slot.y });
      }
      this.positions = pos;
      const cy = this.cy;
      this.sync(model);
      this.markPolicies();
      cy.batch(() => {
        for (const n of model.nodes) {
          const el = cy.getElementById(n.id);
          if (el.empty()) continue;
          const p = pos.get(n.id);
          if (!p) continue;
          const at = el.position();
          if (Math.abs(at.x - p.x) > 0.01 || Math.abs(at.y - p.y) > 0.01) el.position({ x: p.x, y: p.y });
          if (n.box && (el.data("w") !== p.w || el.data("h") !== p.h)) el.data({ w: p.w, h: p.h });
        }
      });
      if (!this.userMoved) this.fitView();
      else this.redrawTrace();
      this.cost("place", t0);
      this.settled();
    }

    settled() {
      this.layoutCount += 1;
      window.podscape.layouts = this.layoutCount;
      window.podscape.settledAt = performance.now();
    }

    // fit the picture, but never below the zoom that keeps labels at MIN_LABEL_PX: past that, the learner
    // pans (the picture starts at its top-left, where your machine is)
    fitView() {
      const cy = this.cy;
      const eles = cy.nodes().not(".packet, .note");
      if (eles.empty()) return;
      const bb = eles.boundingBox();
      const pad = 16;
      const W = cy.width(); const H = cy.height();
      if (!W || !H) return;
      const fitZ = Math.min((W - 2 * pad) / bb.w, (H - 2 * pad) / bb.h);
      const zoom = Math.max(cy.minZoom(), Math.min(1.25, fitZ));
      const panX = bb.w * zoom <= W - 2 * pad ? (W - bb.w * zoom) / 2 - bb.x1 * zoom : pad - bb.x1 * zoom;
      const panY = bb.h * zoom <= H - 2 * pad ? (H - bb.h * zoom) / 2 - bb.y1 * zoom : pad - bb.y1 * zoom;
      cy.viewport({ zoom, pan: { x: panX, y: panY } });
      this.redrawTrace();                  // the note about the last request goes where this view shows it
    }

    fitSoon() {
      clearTimeout(this._fitTimer);
      this._fitTimer = setTimeout(() => this.fitView(), 60);
    }

    showState(model) {
      const pods = model.nodes.filter((n) => n.kind === "pod" && !(n.data || {}).system);
      const starting = pods.filter((n) => podState(n.data) === "pending").length;
      const nodes = model.nodes.filter((n) => n.kind === "node").length;
      const running = model.nodes.filter((n) => n.kind === "pod").length;
      let text = nodes + (nodes === 1 ? " node" : " nodes") + " Ready · " + running + " pods drawn" +
        (model.summary ? " (system namespaces folded)" : "");
      if (model.state === "nocluster") text = "No cluster. Run minikube start";
      else if (model.state === "stopped") text = "The cluster is stopped. Run minikube start";
      else if (model.state === "notready") text = "The node is NotReady: its pods cannot run until it is Ready";
      else if (starting) text = starting + (starting === 1 ? " pod is" : " pods are") + " starting…";
      this.clusterState = model.state === "ok" && starting ? "starting" : model.state;
      if (this.stateBar) {
        this.stateBar.textContent = text;
        this.stateBar.dataset.state = this.clusterState;
      }
      if (this.empty) this.empty.hidden = model.state !== "nocluster";
    }

    // what the tests and the page header read: every pod and Service of the cluster (folded or not), the
    // server's edges, and what is drawn
    publish() {
      const hooks = window.podscape;
      if (!hooks) return;
      const of = (kind) => [...this.elements.values()].filter((e) => e.data.kind === kind && e.group !== "edges").map((e) => e.data);
      hooks.diagram = {
        pods: of("pod").map((d) => ({ id: d.id, name: d.name, namespace: d.namespace, status: d.status, parent: d.parent || null })),
        services: of("service").map((d) => ({ id: d.id, name: d.name, namespace: d.namespace, type: d.type, ports: d.ports })),
        edges: [...this.elements.values()].filter((e) => e.group === "edges" || e.data.source)
          .map((e) => ({ id: e.data.id, source: e.data.source, target: e.data.target, kind: e.data.kind, label: e.data.label || "" })),
        state: this.clusterState || this.model.state,
        drawn: this.model.nodes.map((n) => n.id),
      };
    }

    // ------------------------------------------------------------------ selection, tooltip
    activate(id) {
      const n = this.model && this.model.nodes.find((x) => x.id === id);
      if (!n) return;
      if (n.kind === "summary") { this.toggleNamespace(M.SUMMARY, true); return; }
      if (n.kind === "stack") { this.toggleStack(n.data.workload); return; }
      this.cy.nodes(":selected").unselect();
      this.cy.getElementById(id).select();
      if (this.details) this.details.show(id);
    }

    showTooltip(el, rendered) {
      if (!this.tooltip || el.hasClass("packet") || el.hasClass("note")) return;
      const d = el.data();
      const lines = [d.kind + " " + (d.namespace ? d.namespace + "/" : "") + (d.name || d.id)];
      if (d.kind === "pod") lines.push("status: " + d.status + "   ready: " + d.ready, "labels: " + (d.labelText || "<none>"));
      lines.push("click for details");
      this.tooltip.textContent = lines.join("\n");
      const p = rendered || el.renderedPosition();
      this.tooltip.style.left = Math.max(0, Math.min(p.x + 12, this.container.clientWidth - 240)) + "px";
      this.tooltip.style.top = (p.y + 12) + "px";
      this.tooltip.hidden = false;
    }

    hideTooltip() { if (this.tooltip) this.tooltip.hidden = true; }

    // ------------------------------------------------------------------ requests
    // a hop id as drawn: `dns` is the cluster DNS Service for a pod, /etc/hosts (your machine) for the host;
    // a folded object is drawn at the node that stands for it
    resolveHop(id, source) {
      let hop = String(id);
      if (hop === "dns") hop = String(source) === "host" ? "host" : "service/kube-system/kube-dns";
      return (this.model && this.model.rep.get(hop)) || null;
    }

    animateTraces(traces) {
      for (const t of traces) this.showTrace(t);
    }

    showTrace(trace) {
      const verdict = trace.verdict || "ok";
      const reason = String(trace.reason || (verdict === "ok" ? "" : verdict));
      const hops = (trace.hops || []).filter(Boolean);
      window.podscape.traces.push({ verdict, reason, hops: hops.map((h) => String(h.id)), source: trace.source, dest: trace.dest,
        stop: hops.findIndex((h) => h.stop === true) });
      this.logTrace(trace, verdict, reason);
      this.lastTrace = trace;
      this.traceSeq += 1;
      this.redrawTrace(true);
      if (this.twin) this.twin.announceTrace(trace, verdict, reason);
    }

    // the path of the last request, drawn on what is visible now (again after every layout)
    redrawTrace(animate) {
      const cy = this.cy;
      cy.batch(() => {
        cy.remove(cy.elements(".trace-temp, .note"));
        cy.elements(".trace-hop, .trace-stop, .trace-bad").removeClass("trace-hop trace-stop trace-bad");
      });
      const trace = this.lastTrace;
      if (!trace || !this.model) return;
      const verdict = trace.verdict || "ok";
      const hops = (trace.hops || []).filter(Boolean);
      let stopAt = hops.findIndex((h) => h.stop === true);
      if (stopAt < 0 && verdict !== "ok") stopAt = hops.length - 1;
      const upto = stopAt < 0 ? hops : hops.slice(0, stopAt + 1);
      const path = [];
      for (let i = 0; i < upto.length; i++) {
        let hopId = String(upto[i].id);
        // a request that enters at the node on its way to a Service came through that Service's NodePort
        const next = upto[i + 1] && String(upto[i + 1].id);
        if (hopId.startsWith("node/") && next && next.startsWith("service/")) {
          const entry = [...this.elements.values()].find((e) => e.data.kind === "entry" && e.data.service === next &&
            e.data.parent === hopId);
          if (entry) hopId = entry.data.id;
        }
        const id = this.resolveHop(hopId, trace.source);
        if (id && path[path.length - 1] !== id && cy.getElementById(id).nonempty()) path.push(id);
      }
      if (!path.length) return;
      const bad = verdict !== "ok";
      const lit = cy.collection();
      cy.batch(() => {
        for (let i = 0; i < path.length; i++) {
          lit.merge(cy.getElementById(path[i]));
          if (i === 0) continue;
          const a = path[i - 1]; const b = path[i];
          let edge = cy.edges().filter((e) => e.data("source") === a && e.data("target") === b && !e.hasClass("trace-temp"));
          if (edge.empty()) edge = cy.add({ group: "edges", classes: "trace-temp",
            data: { id: "trace/" + i + "/" + a + "->" + b, source: a, target: b, kind: "trace" } });
          lit.merge(edge.first());
        }
        lit.addClass("trace-hop");
        if (bad) lit.addClass("trace-bad");
      });
      const last = cy.getElementById(path[path.length - 1]);
      // the NetworkPolicies that dropped it, and their edge to where it stopped, red too
      const stopHop = stopAt >= 0 ? hops[stopAt] : null;
      for (const pid of (stopHop && stopHop.policies) || []) {
        const pol = cy.getElementById(this.resolveHop(pid, trace.source) || "");
        if (pol.empty()) continue;
        pol.addClass("trace-hop trace-bad");
        pol.edgesTo(last).addClass("trace-hop trace-bad");
      }
      if (bad) {
        last.addClass("trace-stop");
        this.placeNote(last, String(trace.reason || verdict), trace);
      } else this.bringIntoView(last.boundingBox());
      // animated once: when it arrives, or at the first drawing that shows its hops
      if (animate || this.animatedSeq !== this.traceSeq) { this.animatedSeq = this.traceSeq; this.animatePacket(path, bad); }
    }

    // why a request stopped, in words beside the node where it stopped, in free space (not over labels)
    placeNote(node, reason, trace) {
      const cy = this.cy;
      const text = "✗ " + String(trace.verdict || "") + ": " + (trace.cause ? String(trace.cause) : reason);
      const lines = wrap(text, 220, 5);
      const w = Math.ceil(Math.max(...lines.map((l) => measureText(l)))) + 16;
      const h = lines.length * M.LINE + 10;
      const bb = node.boundingBox({ includeLabels: false });
      // what it must not cover: every leaf, and the labels (headers) of the boxes
      const taken = cy.nodes().not(".box, .packet, .note").map((n) => n.boundingBox())
        .concat(cy.nodes(".box").map((n) => {
          const b = n.boundingBox({ includeLabels: false });
          const lines = String(n.data("label")).split("\n");
          const lw = Math.max(...lines.map((l) => measureText(l))) + 8;
          const mid = (b.x1 + b.x2) / 2;
          return { x1: mid - lw / 2, x2: mid + lw / 2, y1: b.y1, y2: b.y1 + lines.length * M.LINE + 10 };
        }));
      const hits = (p) => taken.filter((o) => !(p.x + w / 2 + 2 < o.x1 || p.x - w / 2 - 2 > o.x2 ||
        p.y + h / 2 + 2 < o.y1 || p.y - h / 2 - 2 > o.y2)).length;
      const cx = (bb.x1 + bb.x2) / 2; const cyy = (bb.y1 + bb.y2) / 2;
      const tries = [];
      for (const d of [8, 40, 90, 160]) {
        tries.push({ x: bb.x2 + d + w / 2, y: cyy }, { x: cx, y: bb.y2 + d + h / 2 }, { x: bb.x1 - d - w / 2, y: cyy },
          { x: cx, y: bb.y1 - d - h / 2 }, { x: bb.x2 + d + w / 2, y: bb.y2 + d + h / 2 },
          { x: bb.x1 - d - w / 2, y: bb.y2 + d + h / 2 }, { x: bb.x2 + d + w / 2, y: bb.y1 - d - h / 2 },
          { x: bb.x1 - d - w / 2, y: bb.y1 - d - h / 2 });
      }
      // the free spot nearest to the node, in view if there is one (a scan of the view), else beside it
      const ext = cy.extent();
      const inView = (p) => p.x - w / 2 >= ext.x1 && p.x + w / 2 <= ext.x2 && p.y - h / 2 >= ext.y1 && p.y + h / 2 <= ext.y2;
      for (let x = ext.x1 + w / 2; x <= ext.x2 - w / 2; x += 16) {
        for (let y = ext.y1 + h / 2; y <= ext.y2 - h / 2; y += 16) tries.push({ x, y });
      }
      const dist = (p) => Math.hypot(p.x - cx, p.y - cyy);
      const free = tries.filter((p) => !hits(p)).sort((p, q) => (Number(inView(q)) - Number(inView(p))) || dist(p) - dist(q));
      const spot = free[0] || tries.reduce((best, p) => (hits(p) < hits(best) ? p : best));
      cy.add({ group: "nodes", data: { id: "note/last-request", kind: "note", label: lines.join("\n"), w, h },
        classes: "note", position: spot });
      // no room in view: slide the picture so the node and the note both show
      if (!inView(spot)) this.bringIntoView({ x1: Math.min(bb.x1, spot.x - w / 2), x2: Math.max(bb.x2, spot.x + w / 2),
        y1: Math.min(bb.y1, spot.y - h / 2), y2: Math.max(bb.y2, spot.y + h / 2) });
    }

    // the least pan that shows the box (model coordinates), unless the learner moved the picture themselves:
    // a picture larger than the pane shows where the last request ended
    bringIntoView(box) {
      if (this.userMoved) return;
      const cy = this.cy;
      const ext = cy.extent();
      const x1 = box.x1 - 8; const x2 = box.x2 + 8; const y1 = box.y1 - 8; const y2 = box.y2 + 8;
      let dx = 0; let dy = 0;
      if (x2 > ext.x2) dx = ext.x2 - x2; else if (x1 < ext.x1) dx = ext.x1 - x1;
      if (y2 > ext.y2) dy = ext.y2 - y2; else if (y1 < ext.y1) dy = ext.y1 - y1;
      if (dx || dy) cy.panBy({ x: dx * cy.zoom(), y: dy * cy.zoom() });
    }

    animatePacket(path, bad) {
      const cy = this.cy;
      cy.remove(cy.nodes(".packet"));
      const start = cy.getElementById(path[0]);
      if (start.empty()) return;
      const dot = cy.add({ group: "nodes", data: { id: "packet-" + this.traceSeq }, position: Object.assign({}, start.position()),
        classes: "packet", grabbable: false, selectable: false });
      const step = (i) => {
        if (i >= path.length) { dot.addClass(bad ? "stopped" : "arrived"); return; }
        const el = cy.getElementById(path[i]);
        if (el.empty()) return;
        const bb = el.boundingBox({ includeLabels: false });
        const to = i === path.length - 1 ? { x: bb.x2, y: bb.y1 } : Object.assign({}, el.position());
        dot.animate({ position: to }, { duration: 260, easing: "ease-in-out-sine", complete: () => step(i + 1) });
      };
      step(1);
    }

    // the last few requests, under the picture (newest first)
    logTrace(trace, verdict, reason) {
      if (!this.traceLog) return;
      const row = document.createElement("div");
      row.className = "trace " + (verdict === "ok" ? "trace-ok" : "trace-bad");
      const src = trace.source === "host" ? "your machine" : String(trace.source || "");
      const what = (src ? src + " → " : "") + String(trace.dest || trace.destination || "request");
      row.textContent = (verdict === "ok" ? "✓ " : "✗ ") + what + (reason ? " — " + reason : "");
      if (trace.cause) {
        const cause = document.createElement("div");
        cause.className = "trace-cause";
        cause.textContent = String(trace.cause) + (trace.fix ? "  Fix: " + String(trace.fix) : "");
        row.appendChild(cause);
      }
      row.title = reason;
      this.traceLog.prepend(row);
      const rows = this.traceLog.querySelectorAll(".trace");
      for (let i = 3; i < rows.length; i++) rows[i].remove();
    }
  }

  let measureCtx = null;
  function measureText(s) {
    if (!measureCtx) measureCtx = document.createElement("canvas").getContext("2d");
    measureCtx.font = M.FONT + "px " + M.SANS;
    return measureCtx.measureText(s).width;
  }

  // words in lines of at most `max` px; past `count` lines the rest is cut with "…" (the log has it all)
  function wrap(text, max, count) {
    const out = [];
    let line = "";
    for (const word of text.split(/\s+/)) {
      const next = line ? line + " " + word : word;
      if (line && measureText(next) > max) { out.push(line); line = word; } else line = next;
    }
    if (line) out.push(line);
    if (out.length > count) { out.length = count; out[count - 1] = out[count - 1].replace(/\s*\S*$/, " …"); }
    return out;
  }

  window.PodscapeDiagram = Diagram;
  window.PodscapeDiagram.measureText = measureText;
})();
