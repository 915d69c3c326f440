// What the diagram shows, as data (no cytoscape here): from the server's elements (the contract in
// notes/diagram-contract.md) and the learner's view choices, the visible nodes with their sizes, the
// edges between them, the ELK graph that places them, and the text outline that twins the picture.
// Legible by construction: every label is drawn inside its node at a fixed font size, sizes come from
// measured text, and what would not fit is folded (system namespaces into one summary node, many
// replicas into a stack) instead of shrunk.
(function () {
  "use strict";

  const FONT = 13;                       // every label; the viewport never zooms below MIN_LABEL_PX / FONT
  const MIN_LABEL_PX = 11;
  const LINE = 17;                       // line height of a label, px at zoom 1
  const SANS = "ui-sans-serif, system-ui, sans-serif";
  const MONO = "monospace, monospace";   // twice: a lone `monospace` gets the browser's smaller default size
  const STACK_ABOVE = 6;                 // a workload with more pods than this is drawn as one stack "×N"
  const SUMMARY = "summary/system";      // the folded system namespaces
  const POD = { h: 24, gap: 6, pad: 10 };
  const KIND_ORDER = { entry: 0, gatewayclass: 0.5, gateway: 0.7, ingress: 1, httproute: 1.5, service: 2, networkpolicy: 3, workload: 4, pod: 5, namespace: 6, summary: 7 };

  let ctx = null;
  function measure(text, font) {
    if (!ctx) ctx = document.createElement("canvas").getContext("2d");
    ctx.font = font;
    return ctx.measureText(text).width;
  }
  const widest = (lines, font) => Math.max(0, ...lines.map((l) => measure(l, font)));

  const nsOf = (d) => String(d.kind === "namespace" ? (d.name || d.namespace || d.label) : (d.namespace || ""));
  const byName = (a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);

  // the distinguishing tail of a pod's name inside its workload box: "nginx-app-6c9b7d4f8-x2kq9" -> "x2kq9"
  function podSuffix(name) {
    const m = /-([^-]+)$/.exec(name);
    return m ? m[1] : name;
  }

  function serviceLine(d) {
    return (d.type || "ClusterIP") + (d.ports ? " " + d.ports : "");
  }

  // label lines of a leaf node (drawn inside it)
  function leafLines(d, extra) {
    switch (d.kind) {
      case "host": {
        const lines = [String(d.label || "your machine")];
        for (const h of d.hosts || []) lines.push(String(h.name) + " → " + String(h.ip));
        return lines;
      }
      case "entry": return ["NodePort :" + d.port];
      case "service": return [String(d.name), String(d.type || "ClusterIP"), String(d.ports || "")].filter(Boolean);
      case "ingress": {
        const hosts = String(d.hosts || "*").split(",").filter(Boolean);
        return [String(d.name), "Ingress"].concat(hosts.slice(0, 2), hosts.length > 2 ? ["+" + (hosts.length - 2) + " more"] : []);
      }
      case "networkpolicy": return [String(d.name), "NetworkPolicy " + String(d.podSelector || "")];
      case "gatewayclass": return [String(d.name), "GatewayClass"];
      case "gateway": {
        const ls = (d.listeners || []).map((l) => String(l.name) + " " + String(l.protocol) + " :" + l.port +
          (l.hostname && l.hostname !== "*" ? " " + l.hostname : ""));
        return [String(d.name), "Gateway"].concat(ls.slice(0, 3), ls.length > 3 ? ["+" + (ls.length - 3) + " more"] : []);
      }
      case "httproute": {
        const hosts = String(d.hosts || "*").split(",").filter(Boolean);
        return [String(d.name), "HTTPRoute"].concat(hosts.slice(0, 2), hosts.length > 2 ? ["+" + (hosts.length - 2) + " more"] : []);
      }
      case "pod": return [String(d.name), String(d.status || "")];
      case "summary": return extra;
      default: return [String(d.label || d.name || d.id)];
    }
  }

  function isSystemNs(elements, ns) {
    const nsEl = elements.get("namespace/" + ns);
    if (nsEl && typeof nsEl.data.system === "boolean") return nsEl.data.system;
    return ns === "kube-system" || ns === "kube-public" || ns === "kube-node-lease";
  }

  // view: {expanded: Set of namespace names unfolded, openStacks: Set of workload ids drawn pod by pod}
  function build(elementsMap, view) {
    const all = [...elementsMap.values()];
    const nodesOf = (kind) => all.filter((e) => e.group !== "edges" && e.data.kind === kind).map((e) => e.data);
    const hosts = nodesOf("host");
    const clusterNodes = nodesOf("node").sort(byName);
    const out = { nodes: [], edges: [], rep: new Map(), state: "ok", lanes: [], elk: null, summary: null,
      direction: view.direction || "RIGHT" };
    const add = (n) => { out.nodes.push(n); out.rep.set(n.id, n.id); return n; };
    const sysCache = new Map();
    const system = (ns) => {
      if (!sysCache.has(ns)) sysCache.set(ns, isSystemNs(elementsMap, ns));
      return sysCache.get(ns);
    };

    if (!clusterNodes.length) out.state = "nocluster";
    else if (clusterNodes.some((n) => n.running === false)) out.state = "stopped";
    else if (clusterNodes.some((n) => n.status && n.status !== "Ready")) out.state = "notready";

    const sans = FONT + "px " + SANS;
    const mono = FONT + "px " + MONO;
    const leaf = (d, kind, lines, extra) => {
      const w = Math.ceil(widest(lines, sans)) + 20;
      return add(Object.assign({ id: d.id, kind, data: d, lines, w, h: lines.length * LINE + 12, box: false }, extra));
    };

    for (const h of hosts) leaf(h, "host", leafLines(h));
    if (!clusterNodes.length) return finish(out, elementsMap);
    const firstNode = clusterNodes[0].id;
    for (const n of clusterNodes) {
      add({ id: n.id, kind: "node", data: n, lines: [String(n.name || n.label) + (n.ip ? "  " + n.ip : "") +
        (n.running === false ? "  (stopped)" : n.status && n.status !== "Ready" ? "  (NotReady)" : "")], box: true });
    }
    for (const e of nodesOf("entry")) leaf(e, "entry", leafLines(e), { parent: e.parent || firstNode });
    for (const e of nodesOf("gatewayclass")) leaf(e, "gatewayclass", leafLines(e), { parent: e.parent || firstNode });

    // group everything namespaced by namespace
    const byNs = new Map();
    const put = (ns, d) => { if (!byNs.has(ns)) byNs.set(ns, []); byNs.get(ns).push(d); };
    for (const e of all) {
      const d = e.data;
      if (e.group === "edges" || d.source) continue;
      if (["pod", "service", "ingress", "networkpolicy", "workload", "gateway", "httproute"].includes(d.kind)) put(nsOf(d), d);
      else if (d.kind === "namespace") { if (!byNs.has(nsOf(d))) byNs.set(nsOf(d), []); }
    }
    const nsIds = new Map(nodesOf("namespace").map((d) => [nsOf(d), d]));
    const folded = [];
    const summary = { pods: 0, ready: 0, services: 0, namespaces: [] };
    const names = [...byNs.keys()].sort((a, b) => system(a) - system(b) || (a < b ? -1 : 1));

    for (const ns of names) {
      const items = byNs.get(ns);
      const nsData = nsIds.get(ns) || { id: "namespace/" + ns, kind: "namespace", name: ns, namespace: ns };
      const parent = nsData.parent && elementsMap.has(nsData.parent) ? nsData.parent : firstNode;
      // pods with no node are not drawn (a deleted cluster keeps none; a pod that is not scheduled yet has none)
      const pods = items.filter((d) => d.kind === "pod");
      if (system(ns) && !view.expanded.has(ns)) {
        folded.push(ns);
        summary.namespaces.push(ns);
        summary.pods += pods.length;
        summary.ready += pods.filter((p) => p.isReady).length;
        summary.services += items.filter((d) => d.kind === "service").length;
        out.rep.set(nsData.id, SUMMARY);
        for (const d of items) out.rep.set(d.id, SUMMARY);
        continue;
      }
      if (system(ns) && !items.length) continue;          // kube-public, kube-node-lease: nothing to show
      const lane = add({ id: nsData.id, kind: "namespace", data: nsData, parent, box: true,
        lines: [ns + (system(ns) ? "  (system)" : "")], ns });
      out.lanes.push(lane.id);
      const workloads = items.filter((d) => d.kind === "workload").sort(byName);
      const wlIds = new Set(workloads.map((w) => w.id));
      for (const d of items.filter((x) => ["service", "ingress", "networkpolicy", "gateway", "httproute"].includes(x.kind)).sort(byName)) {
        leaf(d, d.kind, leafLines(d), { parent: lane.id });
      }
      for (const w of workloads) {
        const mine = pods.filter((p) => p.parent === w.id || p.owner === w.id).sort(byName);
        workloadBox(w, mine, lane.id);
      }
      for (const p of pods.filter((p) => !wlIds.has(p.parent) && !wlIds.has(p.owner)).sort(byName)) {
        leaf(p, "pod", leafLines(p), { parent: lane.id, bare: true });
      }
    }
    if (folded.length && (summary.pods || summary.services)) {
      const plural = (n, word) => n + " " + word + (n === 1 ? "" : "s");
      const lines = ["system namespaces", plural(summary.pods, "pod") + ", " + summary.ready + " ready",
        plural(summary.services, "Service") + " · expand ▸"];
      out.summary = summary;
      leaf({ id: SUMMARY, kind: "summary", name: "system namespaces", namespaces: summary.namespaces,
        counts: summary }, "summary", lines, { parent: firstNode });
    }

    // a workload: a box with its name and kind on top and its pods in a grid below, the box's size fixed by
    // its replica count bucket so that a pod coming or going moves nothing else; a stack above STACK_ABOVE
    function workloadBox(w, pods, laneId) {
      const header = [String(w.name), String(w.workloadKind || "Workload") + " 00/00"];
      const lines = [String(w.name), String(w.workloadKind || "Workload") + " " + (w.ready ?? pods.filter((p) => p.isReady).length) +
        "/" + (w.replicas ?? pods.length)];
      const cap = Math.max(pods.length, Number(w.replicas) || 0, 1);
      const stacked = cap > STACK_ABOVE && !view.openStacks.has(w.id);
      const slotW = Math.ceil(measure("00000", mono)) + 20;
      let cols; let rows;
      // two columns even for one pod: a second replica then fits without the box growing
      if (stacked) { cols = 1; rows = 1; } else if (cap <= 2) { cols = 2; rows = 1; }
      else if (cap <= 4) { cols = 2; rows = 2; } else if (cap <= STACK_ABOVE) { cols = 2; rows = 3; }
      else { cols = 3; rows = Math.ceil(pods.length / 3); }
      const stackW = Math.ceil(measure("×000 · 000 ready", sans)) + 20;
      const gridW = stacked ? stackW : cols * slotW + (cols - 1) * POD.gap;
      const headH = header.length * LINE + 8;
      const wbox = Math.ceil(Math.max(widest(header, sans), gridW)) + 2 * POD.pad;
      const hbox = headH + rows * POD.h + (rows - 1) * POD.gap + 2 * POD.pad;
      const box = add({ id: w.id, kind: "workload", data: w, parent: laneId, lines, w: wbox, h: hbox, box: true,
        leafInElk: true, headH, slots: [] });
      if (stacked) {
        const id = "stack/" + w.id;
        const ready = pods.filter((p) => p.isReady).length;
        add({ id, kind: "stack", data: { id, kind: "stack", workload: w.id, count: pods.length, ready },
          lines: ["×" + pods.length + " · " + ready + " ready"], w: stackW, h: POD.h, inBox: w.id,
          slot: { x: POD.pad, y: headH + POD.pad } });
        for (const p of pods) out.rep.set(p.id, id);
        return;
      }
      pods.forEach((p, i) => {
        const c = i % cols; const r = Math.floor(i / cols);
        add({ id: p.id, kind: "pod", data: p, lines: [podSuffix(String(p.name))], w: slotW, h: POD.h, inBox: w.id, mono: true,
          slot: { x: POD.pad + c * (slotW + POD.gap) + (gridW - (cols * slotW + (cols - 1) * POD.gap)) / 2,
            y: headH + POD.pad + r * (POD.h + POD.gap) } });
      });
    }
    return finish(out, elementsMap);
  }

  function finish(out, elementsMap) {
    // edges between what is visible: an end that is folded is drawn at the node standing for it
    const seen = new Set();
    for (const e of elementsMap.values()) {
      if (e.group !== "edges" && !e.data.source) continue;
      const d = e.data;
      const s = out.rep.get(d.source); const t = out.rep.get(d.target);
      if (!s || !t || s === t) continue;
      const id = s === d.source && t === d.target ? d.id : "folded/" + s + "->" + t + "/" + d.kind;
      if (seen.has(id)) continue;
      seen.add(id);
      out.edges.push({ id, source: s, target: t, kind: d.kind, data: d, folded: id !== d.id });
    }
    out.elk = elkGraph(out);
    return out;
  }

  // ELK's graph, one layered layout per box (ELK's default SEPARATE_CHILDREN): your machine above the
  // node; in the node its entry points first, then one lane per namespace, stacked, then the folded system
  // summary; in a lane, left to right, Ingresses, Services and policies, then the workloads they reach
  // (a workload's pods are placed by us in its box, so ELK sees the box as one leaf). Things with no edge
  // in a lane go in rows of two instead of one long column. Edges between boxes only order them here:
  // cytoscape draws the real edges.
  function elkGraph(out) {
    const common = { "elk.algorithm": "layered", "elk.layered.spacing.nodeNodeBetweenLayers": "22",
      "elk.spacing.nodeNode": "12", "elk.layered.considerModelOrder.strategy": "NODES_AND_EDGES",
      "elk.layered.crossingMinimization.forceNodeModelOrder": "true", "elk.spacing.componentComponent": "16",
      "elk.separateConnectedComponents": "false" };
    const opts = (extra) => Object.assign({}, common, extra);
    const byId = new Map();
    const root = { id: "root", children: [], edges: [], layoutOptions: opts({ "elk.direction": "DOWN" }) };
    // reading order: what a request from outside reaches first comes first. Services behind a NodePort or
    // an Ingress before the others; the lane of the ingress controller (reached on the node's ports 80
    // and 443) before the lanes it forwards to; system lanes last
    const boxOf0 = new Map(out.nodes.filter((n) => n.inBox).map((n) => [n.id, n.inBox]));
    const entered = new Set();
    for (const e of out.edges) {
      if (["exposes", "routes", "nodeport", "hostport", "attaches", "backend"].includes(e.kind)) entered.add(boxOf0.get(e.target) || e.target);
    }
    const viaHost = new Set(out.nodes.filter((n) => entered.has(n.id) && out.edges.some((e) => e.kind === "hostport" &&
      (boxOf0.get(e.target) || e.target) === n.id)).map((n) => n.parent));
    const rank = (n) => (n.kind === "namespace" ? (n.data.system ? 2 : viaHost.has(n.id) ? 0 : 1) : entered.has(n.id) ? 0 : 1);
    const order = (n) => (KIND_ORDER[n.kind] ?? 9);
    const nodes = out.nodes.filter((n) => !n.inBox).slice().sort((a, b) => order(a) - order(b) || rank(a) - rank(b) || byName(a, b));
    for (const n of nodes) {
      const en = { id: n.id };
      if (n.box && !n.leafInElk) {
        en.children = []; en.edges = [];
        en.layoutOptions = opts(n.kind === "node"
          ? { "elk.direction": out.direction, "elk.padding": "[top=34,left=12,bottom=12,right=12]" }
          : { "elk.direction": "RIGHT", "elk.padding": "[top=30,left=8,bottom=8,right=8]" });
      } else { en.width = n.w; en.height = n.h; }
      byId.set(n.id, en);
    }
    for (const n of nodes) {
      const parent = n.parent && byId.get(n.parent);
      (parent && parent.children ? parent : root).children.push(byId.get(n.id));
      byId.get(n.id).parentId = parent && parent.children ? n.parent : "root";
    }
    let k = 0;
    const edge = (holder, s, t) => holder.edges.push({ id: "e" + (++k), sources: [s], targets: [t] });
    // root: your machine above every node
    for (const n of nodes.filter((x) => x.kind === "node")) for (const h of nodes.filter((x) => x.kind === "host")) edge(root, h.id, n.id);
    // in a node: entries, lanes, summary
    const modelOf = new Map(nodes.map((n) => [n.id, n]));
    for (const node of nodes.filter((x) => x.kind === "node")) {
      const holder = byId.get(node.id);
      const kids = holder.children.map((c) => modelOf.get(c.id));
      const entries = kids.filter((n) => n.kind === "entry" || n.kind === "gatewayclass");
      const lanes = kids.filter((n) => n.kind === "namespace");
      const rest = kids.filter((n) => n.kind === "summary");
      if (out.direction === "DOWN") {
        const chain = lanes.concat(rest);
        for (const e of entries) if (chain.length) edge(holder, e.id, chain[0].id);
        for (let i = 1; i < chain.length; i++) edge(holder, chain[i - 1].id, chain[i].id);
      } else {
        for (const e of entries) for (const l of lanes.concat(rest)) edge(holder, e.id, l.id);
      }
    }
    // in a lane: the real edges between its members, then rows of two for the loose ones
    const boxOf = new Map(out.nodes.filter((n) => n.inBox).map((n) => [n.id, n.inBox]));
    const seen = new Set();
    const linked = new Set();
    for (const e of out.edges) {
      const s = boxOf.get(e.source) || e.source; const t = boxOf.get(e.target) || e.target;
      const es = byId.get(s); const et = byId.get(t);
      if (s === t || !es || !et || es.children || et.children || es.parentId !== et.parentId || es.parentId === "root") continue;
      if (seen.has(s + ">" + t) || seen.has(t + ">" + s)) continue;
      seen.add(s + ">" + t);
      linked.add(s); linked.add(t);
      edge(byId.get(es.parentId), s, t);
    }
    for (const lane of nodes.filter((x) => x.kind === "namespace")) {
      const holder = byId.get(lane.id);
      const loose = holder.children.filter((c) => !linked.has(c.id));
      for (let i = 1; i < loose.length; i += 2) edge(holder, loose[i - 1].id, loose[i].id);
    }
    for (const en of byId.values()) delete en.parentId;
    return root;
  }

  // ELK answers positions relative to each parent's top-left; the diagram wants absolute centres
  function absolute(elkRoot) {
    const pos = new Map();
    const walk = (n, ox, oy) => {
      for (const c of n.children || []) {
        const x = ox + (c.x || 0); const y = oy + (c.y || 0);
        pos.set(c.id, { x: x + c.width / 2, y: y + c.height / 2, w: c.width, h: c.height, x1: x, y1: y });
        walk(c, x, y);
      }
    };
    walk(elkRoot, 0, 0);
    return pos;
  }

  window.PodscapeDiagramModel = { build, absolute, podSuffix, serviceLine, nsOf, FONT, MIN_LABEL_PX, LINE,
    SANS, MONO, SUMMARY, STACK_ABOVE };
})();
