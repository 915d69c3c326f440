// The live diagram: cytoscape.js + fcose. The server owns the graph (playground/topology.py) and pushes
// diffs; this file applies them in place (never clear-and-redraw), keeps positions stable, and animates
// traffic traces. Object names reach the page only through canvas labels and textContent.
(function () {
  "use strict";

  const COLORS = {
    ok: "#2ea043", pending: "#d29922", error: "#da3633", done: "#6e7681",
    service: "#1f6feb", host: "#8957e5", node: "#161b22", nodeBorder: "#3d4451",
  };
  const PENDING = /^(Pending|ContainerCreating|PodInitializing|Terminating|Init:\d+\/\d+|NotReady)$/;
  const DONE = /^(Completed|Succeeded)$/;
  const SYSTEM_KEY = "podscape.hideSystem";

  function statusClass(d) {
    const s = String(d.status || d.phase || "");
    if (d.kind === "node") return s === "Ready" ? "st-ok" : "st-error";
    if (d.kind !== "pod") return "";
    if (s === "Running") return d.isReady === false ? "st-pending" : "st-ok";
    if (PENDING.test(s)) return "st-pending";
    if (DONE.test(s)) return "st-done";
    return "st-error";
  }

  // label text drawn on the canvas (never parsed as HTML)
  function displayLabel(d) {
    const name = String(d.name || d.label || d.id);
    if (d.kind === "service") {
      const type = d.type || "ClusterIP";
      const ports = d.ports ? " " + d.ports : "";
      return name + "\n" + type + ports;
    }
    if (d.kind === "pod") return podLabel(name);
    if (d.kind === "node") return String(d.label || name);
    if (d.kind === "host") return String(d.label || "your machine");
    if (d.kind === "ingress") return name + "\n" + (d.hosts || "*");
    return name;
  }

  // Pod names are long and alike: the workload's name on one line, what tells the copies apart below.
  function podLabel(name) {
    let m = /^(.+)-([a-z0-9]{6,10}-[a-z0-9]{5})$/.exec(name);      // deployment-<hash>-<suffix>
    if (!m) m = /^(.+)-([a-z0-9]{5})$/.exec(name);                 // daemonset / replicaset pods
    if (!m && name.length > 18) m = /^(.+)-([^-]+)$/.exec(name);    // kube-apiserver-minikube
    return m ? m[1] + "\n" + m[2] : name;
  }

  function tooltipText(d) {
    const lines = [];
    const kind = d.kind ? d.kind[0].toUpperCase() + d.kind.slice(1) : "Object";
    lines.push(kind + " " + (d.namespace ? d.namespace + "/" : "") + (d.name || d.label || d.id));
    if (d.kind === "pod") {
      lines.push("status: " + d.status + "   ready: " + d.ready + (d.restarts ? "   restarts: " + d.restarts : ""));
      if (d.ip) lines.push("IP: " + d.ip);
      if (d.labelText) lines.push("labels: " + d.labelText);
    } else if (d.kind === "service") {
      lines.push("type: " + d.type + "   ports: " + d.ports);
      if (d.clusterIP) lines.push("cluster IP: " + d.clusterIP);
      const sel = d.selector && Object.keys(d.selector).length
        ? Object.entries(d.selector).map(([k, v]) => k + "=" + v).join(",") : "<none>";
      lines.push("selector: " + sel);
      if (d.externalName) lines.push("external name: " + d.externalName);
    } else if (d.kind === "node") {
      if (d.ip) lines.push("IP: " + d.ip);
      lines.push("status: " + d.status);
    } else if (d.kind === "host") {
      lines.push("where your terminal runs; it reaches the cluster through the node's IP");
    }
    if (d.kind === "selects") lines.push(d.endpoint ? "an endpoint of the Service" : "matches, but not ready: no endpoint");
    if (d.kind === "nodeport") lines.push("NodePort " + d.label + " on the node's IP");
    return lines.join("\n");
  }

  const STYLE = [
    { selector: "node", style: {
      "label": "data(display)", "color": "#d8dee9", "font-size": 11, "text-wrap": "wrap",
      "text-valign": "bottom", "text-halign": "center", "text-margin-y": 4,
      "font-family": "ui-sans-serif, system-ui, sans-serif", "min-zoomed-font-size": 6,
      "text-background-color": "#0d1117", "text-background-opacity": 0.75, "text-background-padding": 1,
      "text-background-shape": "roundrectangle",
    } },
    { selector: "node.host", style: {
      "shape": "round-rectangle", "width": 70, "height": 44, "background-color": COLORS.host,
      "border-width": 2, "border-color": "#b392f0",
    } },
    { selector: "node.node", style: {
      "shape": "round-rectangle", "background-color": COLORS.node, "background-opacity": 0.85,
      "border-width": 2, "border-color": COLORS.nodeBorder, "padding": 18,
      "text-valign": "top", "text-halign": "center", "text-margin-y": -4, "font-weight": "bold",
      "min-width": 120, "min-height": 80,
    } },
    { selector: "node.node.st-error", style: { "border-color": COLORS.error, "border-style": "dashed" } },
    // a namespace's pods on the node: a dashed box labelled with the namespace (node > namespace > pod)
    { selector: "node.namespace", style: {
      "shape": "round-rectangle", "background-color": "#0d1117", "background-opacity": 0.35, "border-width": 1,
      "border-style": "dashed", "border-color": "#484f58", "padding": 10, "label": "data(label)",
      "text-valign": "top", "text-halign": "center", "font-size": 9, "color": "#8b949e",
    } },
    { selector: "node.pod", style: {
      "shape": "ellipse", "width": 28, "height": 28, "border-width": 2, "border-color": "#0d1117",
      "font-size": 9, "text-max-width": 140,
    } },
    { selector: "node.pod.st-ok", style: { "background-color": COLORS.ok } },
    { selector: "node.pod.st-pending", style: { "background-color": COLORS.pending } },
    { selector: "node.pod.st-error", style: { "background-color": COLORS.error } },
    { selector: "node.pod.st-done", style: { "background-color": COLORS.done } },
    { selector: "node.pod.system", style: {
      "width": 16, "height": 16, "opacity": 0.55, "font-size": 7, "color": "#8b949e",
    } },
    { selector: "node.service", style: {
      "shape": "hexagon", "width": 46, "height": 40, "background-color": COLORS.service,
      "border-width": 2, "border-color": "#58a6ff", "font-size": 10,
      "text-valign": "top", "text-margin-y": -4, "z-compound-depth": "top",
    } },
    { selector: "node.service.nodeport, node.service.loadbalancer", style: {
      "shape": "diamond", "width": 50, "height": 50, "border-color": "#a5d6ff", "border-width": 3,
    } },
    { selector: "node.service.externalname", style: { "shape": "tag", "background-color": "#6e7681" } },
    { selector: "node.service.system", style: { "opacity": 0.55, "width": 30, "height": 26, "font-size": 8 } },
    { selector: "edge", style: {
      "width": 1.5, "line-color": "#58a6ff", "target-arrow-color": "#58a6ff", "target-arrow-shape": "triangle",
      "curve-style": "bezier", "arrow-scale": 0.8, "opacity": 0.8,
      "font-size": 10, "color": "#d8dee9", "text-background-color": "#0d1117", "text-background-opacity": 0.85,
      "text-background-padding": 2,
    } },
    { selector: "edge.selects[?endpoint]", style: { "line-style": "solid" } },
    { selector: "edge.selects[!endpoint]", style: { "line-style": "dashed", "line-color": "#6e7681",
      "target-arrow-color": "#6e7681" } },
    { selector: "edge.system", style: { "opacity": 0.35 } },
    { selector: "edge.nodeport", style: {
      "label": "data(label)", "line-color": "#b392f0", "target-arrow-color": "#b392f0", "width": 2.5,
    } },
    // Ingresses (playground/topology_ingress.py): a tag-shaped node, edges to Services labelled with the rules
    { selector: "node.ingress", style: {
      "shape": "tag", "width": 50, "height": 30, "background-color": "#bf8700", "border-width": 2,
      "border-color": "#e3b341", "font-size": 10,
    } },
    { selector: "node.ingress.unserved", style: { "background-opacity": 0.35, "border-style": "dashed" } },
    { selector: "edge.routes", style: {
      "label": "data(label)", "text-wrap": "wrap", "line-color": "#e3b341", "target-arrow-color": "#e3b341", "width": 2,
    } },
    { selector: "edge.serves", style: { "line-style": "dotted", "line-color": "#e3b341", "target-arrow-color": "#e3b341" } },
    { selector: "edge.hostport", style: {
      "label": "data(label)", "line-color": "#b392f0", "target-arrow-color": "#b392f0", "width": 2.5,
    } },
    { selector: ".sys-hidden", style: { "display": "none" } },
    { selector: "node:selected", style: { "border-color": "#f0f6fc", "border-width": 3 } },
    { selector: ".trace-hop", style: { "underlay-color": "#f0f6fc", "underlay-opacity": 0.25, "underlay-padding": 6 } },
    { selector: "edge.trace-hop", style: { "width": 3.5, "opacity": 1 } },
    { selector: "node.packet", style: {
      "shape": "ellipse", "width": 12, "height": 12, "background-color": "#f0f6fc", "border-width": 2,
      "border-color": "#0d1117", "label": "", "z-index": 999, "events": "no",
    } },
    { selector: "node.packet.arrived", style: { "background-color": "#3fb950", "width": 16, "height": 16 } },
    { selector: "node.packet.stopped", style: { "background-color": "#f85149", "width": 16, "height": 16 } },
  ];

  class Diagram {
    constructor(root, socket) {
      this.root = root;
      this.container = root.querySelector("[data-cy]");
      this.tooltip = root.querySelector("[data-tooltip]");
      this.traceLog = root.querySelector("[data-trace-log]");
      this.hideSystem = localStorage.getItem(SYSTEM_KEY) === "1";
      this.laidOut = false;
      this.userMoved = false;
      this.layoutTimer = null;
      this.traceSeq = 0;
      this.tracesShown = [];

      window.cytoscape.use(window.cytoscapeFcose);
      this.cy = window.cytoscape({
        container: this.container, elements: [], style: STYLE,
        minZoom: 0.2, maxZoom: 2.5, boxSelectionEnabled: false,
      });
      window.cy = this.cy;

      const toggle = root.querySelector("[data-toggle-system]");
      if (toggle) {
        toggle.checked = !this.hideSystem;
        toggle.addEventListener("change", () => this.setHideSystem(!toggle.checked));
      }
      const fit = root.querySelector("[data-fit]");
      if (fit) fit.addEventListener("click", () => { this.userMoved = false; this.relayout(true); });
      for (const ev of ["mousedown", "wheel", "touchstart"]) {
        this.container.addEventListener(ev, () => { this.userMoved = true; }, { passive: true });
      }
      this.cy.on("mouseover", "node, edge", (e) => this.showTooltip(e.target, e.renderedPosition));
      this.cy.on("mouseout", "node, edge", () => this.hideTooltip());
      this.cy.on("tap", "node, edge", (e) => this.showTooltip(e.target, e.renderedPosition));
      this.cy.on("tap", (e) => { if (e.target === this.cy) this.hideTooltip(); });
      new ResizeObserver(() => { this.cy.resize(); if (!this.userMoved) this.fitSoon(); }).observe(this.container);

      socket.on("hello", (m) => this.reset(m.elements || []));
      socket.on("topology", (m) => this.applyDiff(m));
      socket.on("traces", (m) => this.animateTraces(m.traces || []));
    }

    // ------------------------------------------------------------------ elements
    decorate(el) {
      const d = Object.assign({}, el.data);
      d.display = displayLabel(d);
      const classes = new Set(String(el.classes || "").split(/\s+/).filter(Boolean));
      if (d.kind) classes.add(d.kind);
      const st = statusClass(d);
      if (st) classes.add(st);
      if (d.system || d.namespace === "kube-system") classes.add("system");
      if (el.group === "edges" || (d.source && d.target)) {
        const s = this.cy.getElementById(d.source);
        const t = this.cy.getElementById(d.target);
        if ((s.nonempty() && s.hasClass("system")) || (t.nonempty() && t.hasClass("system"))) classes.add("system");
      }
      if (this.hideSystem && classes.has("system")) classes.add("sys-hidden");
      return { group: el.group || (d.source && d.target ? "edges" : "nodes"), data: d, classes: [...classes].join(" ") };
    }

    reset(elements) {
      // a (re)connect: reconcile with the full list instead of redrawing, so positions survive
      const want = new Map(elements.map((e) => [e.data.id, e]));
      const remove = this.cy.elements().not(".packet").filter((e) => !want.has(e.id())).map((e) => e.id());
      const add = [];
      const update = [];
      for (const e of elements) (this.cy.getElementById(e.data.id).nonempty() ? update : add).push(e);
      this.applyDiff({ add, update, remove });
    }

    applyDiff(diff) {
      const cy = this.cy;
      let structural = false;
      const added = [];
      cy.batch(() => {
        for (const id of diff.remove || []) {
          const el = cy.getElementById(id);
          if (el.nonempty()) { if (el.isNode()) structural = true; cy.remove(el); }
        }
        const adds = (diff.add || []).slice().sort((a, b) => (a.group === "edges") - (b.group === "edges"));
        // parents before children: a pod's node may arrive in the same diff
        adds.sort((a, b) => (a.group === "edges") - (b.group === "edges") || (!!a.data.parent) - (!!b.data.parent));
        for (const raw of adds) {
          if (cy.getElementById(raw.data.id).nonempty()) { this.updateOne(raw); continue; }
          const el = this.decorate(raw);
          if (el.group === "edges" &&
              (cy.getElementById(el.data.source).empty() || cy.getElementById(el.data.target).empty())) continue;
          if (el.group === "nodes" && el.data.parent && cy.getElementById(el.data.parent).empty()) delete el.data.parent;
          const pos = el.group === "nodes" ? this.placeNear(el) : null;
          if (pos) el.position = pos;
          const made = cy.add(el);
          if (el.group === "nodes") { structural = true; added.push(made); }
        }
        for (const raw of diff.update || []) this.updateOne(raw);
      });
      this.publishCounts();
      if (structural) this.relayout(!this.laidOut);
      return added;
    }

    updateOne(raw) {
      const el = this.cy.getElementById(raw.data.id);
      if (el.empty()) return;
      const next = this.decorate(raw);
      const data = Object.assign({}, next.data);
      delete data.parent; delete data.source; delete data.target;   // cannot change through data()
      el.data(data);
      el.classes(next.classes);
    }

    // a new pod goes beside its siblings (same parent, same owner prefix), so the layout barely moves
    placeNear(el) {
      const d = el.data;
      const cy = this.cy;
      if (!this.laidOut) return null;
      let anchor = null;
      if (d.kind === "pod") {
        const stem = String(d.name || "").replace(/-[a-z0-9]{5}$/, "");
        const sibs = cy.nodes(".pod").filter((n) => n.data("namespace") === d.namespace &&
          String(n.data("name")).replace(/-[a-z0-9]{5}$/, "") === stem);
        if (sibs.nonempty()) {
          const bb = sibs.boundingBox({ includeLabels: false });
          return { x: (bb.x1 + bb.x2) / 2, y: bb.y2 + 40 };      // the bottom of the workload's column
        }
        if (d.parent) anchor = cy.getElementById(d.parent);
      } else if (d.kind === "service") {
        const others = cy.nodes(".service");
        if (others.nonempty()) {
          const bb = others.boundingBox({ includeLabels: false });
          return { x: (bb.x1 + bb.x2) / 2, y: bb.y2 + 60 };
        }
      }
      if (anchor && anchor.nonempty()) {
        const p = anchor.position();
        return { x: p.x, y: p.y };
      }
      const ext = cy.extent();
      return { x: (ext.x1 + ext.x2) / 2, y: (ext.y1 + ext.y2) / 2 };
    }

    // The layout is a function of the graph: start from the tidy arrangement (seedPositions), let fcose
    // relax it under the reading-order constraints, then move the nodes there from where they are now,
    // so a change animates instead of jumping, and a reload draws the same picture.
    relayout(now) {
      clearTimeout(this.layoutTimer);
      const run = () => {
        const eles = this.cy.elements().not(".packet").not(".sys-hidden");
        if (eles.empty()) return;
        const first = !this.laidOut;
        this.laidOut = true;
        const leaves = eles.nodes().filter((n) => n.isChildless());
        const before = new Map(leaves.map((n) => [n.id(), Object.assign({}, n.position())]));
        this.seedPositions(eles);
        const options = {
          name: "fcose", quality: "proof", randomize: false, animate: false, fit: false,
          nodeDimensionsIncludeLabels: true, packComponents: true,
          nodeRepulsion: 4500, idealEdgeLength: (e) => (e.hasClass("nodeport") ? 170 : 70),
          edgeElasticity: 0.45, nestingFactor: 0.1,
          gravity: 2, gravityRange: 1.5, gravityCompound: 1.2, gravityRangeCompound: 1.2, numIter: 2500,
          tile: true, tilingPaddingVertical: 10, tilingPaddingHorizontal: 10,
        };
        try {
          eles.layout(Object.assign({}, options, this.constraints(eles))).run();
        } catch (err) {
          // constraints fcose cannot satisfy together: lay out without them rather than not at all
          console.warn("podscape: constrained layout failed", err);
          eles.layout(options).run();
        }
        this.tidy(eles);
        const target = new Map(leaves.map((n) => [n.id(), Object.assign({}, n.position())]));
        // window.podscape.layouts counts finished layouts (positions and viewport settled), for tests
        const settled = () => { this.layoutCount = (this.layoutCount || 0) + 1; window.podscape.layouts = this.layoutCount; };
        const done = () => {
          if (this.userMoved) { settled(); return; }
          this.cy.animate({ fit: { eles: this.cy.elements().not(".sys-hidden").not(".packet"), padding: 24 } },
            { duration: 250, complete: settled });
        };
        if (first) { this.cy.fit(eles, 24); settled(); return; }
        leaves.forEach((n) => { if (before.has(n.id())) n.position(before.get(n.id())); });
        const layout = leaves.layout({ name: "preset", positions: (n) => target.get(n.id()), fit: false,
          animate: true, animationDuration: 400, animationEasing: "ease-in-out-cubic" });
        layout.one("layoutstop", done);
        layout.run();
      };
      if (now) run(); else this.layoutTimer = setTimeout(run, 250);
    }

    // fcose treats the constraints' gaps loosely: after it, line up each column and row around its
    // centre, evenly spaced in its order, so that no two pods (or their labels) overlap
    tidy(eles) {
      const nodes = eles.nodes();
      const spread = (members, axis, step) => {
        if (members.length < 2) return;
        const other = axis === "y" ? "x" : "y";
        const mid = (key) => members.reduce((a, n) => a + n.position(key), 0) / members.length;
        const across = mid(other);
        const along = mid(axis);
        members.forEach((n, i) => n.position({ [axis]: along + (i - (members.length - 1) / 2) * step, [other]: across }));
      };
      const services = this.orderedServices(nodes).toArray();
      spread(services, "y", 110);
      // your machine level with the first Service (the one it reaches on a NodePort, if any)
      const host = nodes.filter("#host");
      if (host.nonempty() && services.length) host.position("y", services[0].position("y"));
      const columnPods = [];
      const rowPods = [];
      for (const { columns, rows } of this.podGroups(nodes)) {
        columns.forEach((col) => { spread(col, "y", 64); columnPods.push(...col); });
        // columns side by side, far enough apart for the labels, in their order
        let lastX = -Infinity;
        columns.forEach((col) => {
          const x = Math.max(col[0].position("x"), lastX + 120);
          col.forEach((p) => p.position("x", x));
          lastX = x;
        });
        rows.forEach((row) => { spread(row, "x", 90); rowPods.push(...row); });
      }
      const shift = (pods, axis, by) => pods.forEach((p) => p.position(axis, p.position(axis) + by));
      const min = (pods, axis) => Math.min(...pods.map((p) => p.position(axis)));
      if (columnPods.length && rowPods.length) {
        // the system pods' rows (their namespace box, when the server draws one) go below the learner's
        // pods, starting at the same left edge
        const bottom = Math.max(...columnPods.map((p) => p.position("y")));
        shift(rowPods, "y", bottom + 90 - min(rowPods, "y"));
        shift(rowPods, "x", min(columnPods, "x") - min(rowPods, "x"));
      }
      // and every pod to the right of the Services
      const pods = columnPods.concat(rowPods);
      if (pods.length && services.length) {
        const gap = services[0].position("x") + 170 - min(pods, "x");
        if (gap > 0) shift(pods, "x", gap);
      }
    }

    // Pods inside their node: each of the learner's workloads is a column (at most 4 tall, then another
    // column), side by side; the system pods sit below them in rows of 4. Used for the first positions
    // and as layout constraints, so the picture reads left to right: machine, Services, pods.
    podGroups(nodes) {
      const byParent = new Map();
      nodes.filter(".pod").forEach((p) => {
        const parent = p.data("parent") || "";
        if (!byParent.has(parent)) byParent.set(parent, new Map());
        const key = p.hasClass("system") ? "~system"
          : p.data("namespace") + "/" + String(p.data("name")).replace(/-[a-z0-9]{5}$/, "");
        const groups = byParent.get(parent);
        if (!groups.has(key)) groups.set(key, []);
        groups.get(key).push(p);
      });
      // workloads in the order of the Services that select them, so the edges cross as little as possible
      const svcRank = new Map(this.orderedServices(nodes).map((n, i) => [n.id(), i]));
      const rank = (pods) => Math.min(Infinity, ...pods[0].incomers("edge.selects").sources()
        .map((svc) => (svcRank.has(svc.id()) ? svcRank.get(svc.id()) : Infinity)));
      const out = [];
      const systemLast = [...byParent].sort(([a], [b]) => /kube-system$/.test(a) - /kube-system$/.test(b));
      for (const [parent, groups] of systemLast) {
        const columns = [];
        const rows = [];
        const keys = [...groups.keys()].sort((a, b) => rank(groups.get(a)) - rank(groups.get(b)) || (a < b ? -1 : a > b));
        for (const key of keys) {
          const pods = groups.get(key).sort((a, b) => String(a.data("name")).localeCompare(b.data("name")));
          const into = key === "~system" ? rows : columns;
          const size = key === "~system" ? 4 : 5;
          for (let i = 0; i < pods.length; i += size) into.push(pods.slice(i, i + size));
        }
        out.push({ parent, columns, rows });
      }
      return out;
    }

    // the learner's Services first (those your machine reaches on a NodePort at the top), then the API
    // server's `kubernetes`, then kube-system's
    orderedServices(nodes) {
      const rank = (n) => (n.hasClass("system") ? 3 : n.id() === "service/default/kubernetes" ? 2
        : (n.data("nodePorts") || []).length ? 0 : 1);
      return nodes.filter(".service").sort((a, b) =>
        rank(a) - rank(b) || String(a.data("name")).localeCompare(b.data("name")));
    }

    // the first layout starts from this tidy arrangement, which fcose then relaxes; a random start would
    // give a different picture every time the page opens
    seedPositions(eles) {
      const nodes = eles.nodes();
      nodes.filter("#host").position({ x: 0, y: 0 });
      const svcs = this.orderedServices(nodes);
      svcs.forEach((n, i) => n.position({ x: 200, y: i * 90 }));
      let top = -60;
      for (const { columns, rows } of this.podGroups(nodes)) {
        columns.forEach((col, c) => col.forEach((p, r) => p.position({ x: 420 + c * 150, y: top + r * 70 })));
        const height = columns.length ? Math.max(...columns.map((c) => c.length)) * 70 + 40 : 0;
        rows.forEach((row, r) => row.forEach((p, j) => p.position({ x: 420 + j * 100, y: top + height + r * 60 })));
        top += height + rows.length * 60 + 120;
      }
    }

    constraints(eles) {
      const nodes = eles.nodes();
      const ids = new Set(eles.map((e) => e.id()));
      const rel = [];
      const vertical = [];
      const horizontal = [];
      const services = this.orderedServices(nodes).map((n) => n.id());
      for (const svc of services) {
        if (ids.has("host")) rel.push({ left: "host", right: svc, gap: 150 });   // room for the port label
        this.cy.getElementById(svc).outgoers("edge.selects").targets().forEach((pod) => {
          if (ids.has(pod.id()) && pod.isChildless()) rel.push({ left: svc, right: pod.id(), gap: 70 });
        });
      }
      if (services.length > 1) vertical.push(services);
      for (let i = 1; i < services.length; i++) rel.push({ top: services[i - 1], bottom: services[i], gap: 30 });
      // your machine and the first Service on one line, level with the middle of the pods it selects
      const lead = [ids.has("host") ? "host" : null, services[0]].filter(Boolean);
      const leadPods = services.length
        ? new Set(this.cy.getElementById(services[0]).outgoers("edge.selects").targets().map((p) => p.id())) : new Set();
      for (const { columns, rows } of this.podGroups(nodes)) {
        columns.forEach((col, c) => {
          const colIds = col.map((p) => p.id());
          if (colIds.length > 1) vertical.push(colIds);
          for (let j = 1; j < colIds.length; j++) rel.push({ top: colIds[j - 1], bottom: colIds[j], gap: 34 });
          if (c > 0) rel.push({ left: columns[c - 1][0].id(), right: colIds[0], gap: 90 });
          if (lead.length && colIds.length % 2 === 1 && colIds.some((id) => leadPods.has(id))) {
            lead.push(colIds[(colIds.length - 1) / 2]);
            leadPods.clear();
          }
        });
        // room for the labels, which are wider than the pods (fcose measures gaps between the nodes' bodies)
        rows.forEach((row, r) => {
          const rowIds = row.map((p) => p.id());
          if (rowIds.length > 1) horizontal.push(rowIds);
          for (let j = 1; j < rowIds.length; j++) rel.push({ left: rowIds[j - 1], right: rowIds[j], gap: 48 });
          if (r > 0) rel.push({ top: rows[r - 1][0].id(), bottom: rowIds[0], gap: 30 });
        });
        if (columns.length && rows.length) {
          const tallest = columns.reduce((a, c) => (c.length > a.length ? c : a));
          rel.push({ top: tallest[tallest.length - 1].id(), bottom: rows[0][0].id(), gap: 40 });
        }
      }
      if (lead.length > 1) horizontal.push(lead);
      const out = {};
      if (rel.length) out.relativePlacementConstraint = rel;
      const align = {};
      if (vertical.length) align.vertical = vertical;
      if (horizontal.length) align.horizontal = horizontal;
      if (vertical.length || horizontal.length) out.alignmentConstraint = align;
      return out;
    }

    fitSoon() {
      clearTimeout(this._fitTimer);
      this._fitTimer = setTimeout(() => this.cy.fit(this.cy.elements().not(".sys-hidden"), 24), 60);
    }

    setHideSystem(hide) {
      this.hideSystem = hide;
      localStorage.setItem(SYSTEM_KEY, hide ? "1" : "0");
      this.cy.batch(() => {
        this.cy.elements(".system").forEach((e) => { if (hide) e.addClass("sys-hidden"); else e.removeClass("sys-hidden"); });
      });
      this.relayout(true);
    }

    // counts the tests (and the page header) read: {pods: {"default/nginx-app": 3}, services: [...]}
    publishCounts() {
      const hooks = window.podscape;
      if (!hooks) return;
      hooks.diagram = {
        pods: this.cy.nodes(".pod").map((n) => ({ id: n.id(), name: n.data("name"), namespace: n.data("namespace"),
          status: n.data("status"), parent: n.data("parent") || null })),
        services: this.cy.nodes(".service").map((n) => ({ id: n.id(), name: n.data("name"), namespace: n.data("namespace"),
          type: n.data("type"), ports: n.data("ports") })),
        edges: this.cy.edges().map((e) => ({ id: e.id(), source: e.data("source"), target: e.data("target"),
          kind: e.data("kind"), label: e.data("label") || "" })),
      };
    }

    // ------------------------------------------------------------------ tooltip
    showTooltip(el, rendered) {
      if (!this.tooltip || el.hasClass("packet")) return;
      const text = el.scratch("_traceReason") || tooltipText(el.data());
      this.tooltip.textContent = text;
      const p = rendered || (el.isNode() ? el.renderedPosition() : el.renderedMidpoint());
      this.tooltip.style.left = Math.min(p.x + 12, this.container.clientWidth - 220) + "px";
      this.tooltip.style.top = (p.y + 12) + "px";
      this.tooltip.hidden = false;
    }

    hideTooltip() { if (this.tooltip) this.tooltip.hidden = true; }

    // ------------------------------------------------------------------ traffic traces
    hopPosition(id) {
      const el = this.cy.getElementById(id);
      if (el.empty() || el.hasClass("sys-hidden")) return null;
      return el.isNode() ? Object.assign({}, el.position()) : el.midpoint();
    }

    animateTraces(traces) {
      traces.forEach((t, i) => setTimeout(() => this.animateTrace(t), i * 350));
    }

    animateTrace(trace) {
      const hops = (trace.hops || []).filter((h) => h && this.cy.getElementById(String(h.id)).nonempty());
      const verdict = trace.verdict || "ok";
      const reason = String(trace.reason || (verdict === "ok" ? "" : verdict));
      this.logTrace(trace, verdict, reason);
      window.podscape.traces.push({ verdict, reason, hops: hops.map((h) => String(h.id)) });
      if (!hops.length) return;
      // a hop may mark itself as the place the request stopped
      let stopAt = hops.findIndex((h) => h.ok === false || h.blocked === true || h.verdict && h.verdict !== "ok");
      if (stopAt < 0) stopAt = hops.length - 1;
      const path = hops.slice(0, stopAt + 1).map((h) => String(h.id));
      const cy = this.cy;
      const start = this.hopPosition(path[0]);
      if (!start) return;
      const id = "packet-" + (++this.traceSeq);
      const dot = cy.add({ group: "nodes", data: { id }, position: start, classes: "packet", locked: true, grabbable: false, selectable: false });
      const lit = cy.collection();
      const step = (i) => {
        const el = cy.getElementById(path[i]);
        if (el.nonempty()) { el.addClass("trace-hop"); lit.merge(el); }
        if (i === path.length - 1) return finish();
        const next = this.hopPosition(path[i + 1]) || this.hopPosition(path[i]);
        dot.unlock();
        dot.animate({ position: next }, { duration: 320, easing: "ease-in-out-sine",
          complete: () => { dot.lock(); step(i + 1); } });
      };
      const finish = () => {
        const last = cy.getElementById(path[path.length - 1]);
        if (verdict === "ok") dot.addClass("arrived");
        else {
          dot.addClass("stopped");
          if (last.nonempty()) last.scratch("_traceReason", verdict + ": " + reason);
          if (last.nonempty()) this.showTooltip(last);
        }
        setTimeout(() => {
          dot.animate({ style: { opacity: 0 } }, { duration: 400, complete: () => cy.remove(dot) });
          lit.removeClass("trace-hop");
          if (last.nonempty()) last.removeScratch("_traceReason");
          if (verdict !== "ok") this.hideTooltip();
        }, verdict === "ok" ? 900 : 3500);
      };
      step(0);
    }

    logTrace(trace, verdict, reason) {
      if (!this.traceLog) return;
      const row = document.createElement("div");
      row.className = "trace " + (verdict === "ok" ? "trace-ok" : "trace-bad");
      const src = trace.source === "host" ? "your machine" : String(trace.source || "");
      const what = (src ? src + " → " : "") + String(trace.dest || trace.destination || "request");
      row.textContent = (verdict === "ok" ? "✓ " : "✗ ") + String(what) + (reason ? " — " + reason : "");
      row.title = reason;
      this.traceLog.prepend(row);
      while (this.traceLog.childElementCount > 4) this.traceLog.lastElementChild.remove();
    }
  }

  window.PodscapeDiagram = Diagram;
})();
