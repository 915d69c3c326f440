// The details panel under the diagram: what the clicked element is, its labels or selector, its endpoints,
// the policies that select it, why it is not working (cause/fix, when the server knows) and the kubectl
// command that shows the same. Built with textContent only.
(function () {
  "use strict";

  const WHAT = {
    host: "Your machine: where the terminal runs. It reaches the cluster through the node's IP; /etc/hosts gives names to that IP.",
    node: "The minikube node: one machine (a container) that runs every pod.",
    namespace: "A namespace: a group of objects whose names are unique inside it.",
    workload: "A workload: it keeps its pods running, replacing any that go away.",
    pod: "A pod: one or more containers sharing an IP address.",
    service: "A Service: one stable name and IP that spreads requests over the ready pods its selector matches (its endpoints).",
    ingress: "An Ingress: HTTP rules (host and path) that the ingress controller follows to pick a Service.",
    networkpolicy: "A NetworkPolicy: once it selects a pod, only the traffic its rules allow reaches that pod.",
    gatewayclass: "A GatewayClass: which controller (here Envoy Gateway) implements the Gateways of this class.",
    gateway: "A Gateway: listeners (protocol, port, hostname) where a proxy takes traffic in; routes attach to them.",
    httproute: "An HTTPRoute: HTTP rules (hostnames, matches, filters) from a Gateway's listeners to Services, with weights.",
    entry: "A NodePort: a port open on the node's IP that forwards to a Service.",
    summary: "The system namespaces, folded: the pods that run the cluster itself.",
    stack: "Many replicas of one workload, folded into a stack.",
  };
  const RESOURCE = { pod: "pod", service: "svc", ingress: "ingress", networkpolicy: "networkpolicy", gateway: "gateway",
    httproute: "httproute", gatewayclass: "gatewayclass" };

  function command(d) {
    const ns = d.namespace ? " -n " + d.namespace : "";
    if (RESOURCE[d.kind]) return "kubectl describe " + RESOURCE[d.kind] + " " + d.name + ns;
    if (d.kind === "workload") return "kubectl describe " + String(d.workloadKind || "deployment").toLowerCase() + " " + d.name + ns;
    if (d.kind === "node") return "kubectl describe node " + d.name;
    if (d.kind === "namespace") return "kubectl get all -n " + (d.name || d.namespace);
    if (d.kind === "host") return "cat /etc/hosts";
    if (d.kind === "entry") return "kubectl get svc -A -o wide";
    if (d.kind === "summary") return "kubectl get pods -n kube-system";
    return "";
  }

  const selectorText = (sel) => (sel && Object.keys(sel).length ? Object.entries(sel).map(([k, v]) => k + "=" + v).join(",") : "<none>");
  const idName = (id) => String(id).split("/").slice(1).join("/");

  class Details {
    constructor(diagram, root) {
      this.diagram = diagram;
      this.panel = root.querySelector("[data-details]");
      this.id = null;
    }

    close() {
      if (!this.panel) return;
      this.panel.hidden = true;
      this.id = null;
    }

    refresh() { if (this.id) this.show(this.id, true); }

    rows(d) {
      const dg = this.diagram;
      const edges = [...dg.elements.values()].filter((e) => e.data.source);
      const into = (kind) => edges.filter((e) => e.data.kind === kind && e.data.target === d.id).map((e) => e.data);
      const from = (kind) => edges.filter((e) => e.data.kind === kind && e.data.source === d.id).map((e) => e.data);
      const out = [];
      const row = (k, v) => { if (v !== undefined && v !== null && v !== "") out.push([k, String(v)]); };
      if (d.kind === "pod") {
        row("status", d.status + " · ready " + d.ready + (d.restarts ? " · restarts " + d.restarts : ""));
        row("IP", d.ip); row("labels", d.labelText || "<none>");
        row("Services selecting it", into("selects").map((e) => idName(e.source)).join(", ") || "none");
        row("policies selecting it", into("isolates").map((e) => idName(e.source)).join(", ") || "none: all traffic allowed");
      } else if (d.kind === "service") {
        row("type", d.type); row("cluster IP", d.clusterIP); row("ports", d.ports);
        row("selector", selectorText(d.selector));
        const eps = from("selects");
        row("endpoints", eps.filter((e) => e.endpoint).map((e) => idName(e.target).split("/").pop()).join(", ") || "none (no ready pod matches)");
        const notReady = eps.filter((e) => !e.endpoint);
        if (notReady.length) row("matching, not ready", notReady.map((e) => idName(e.target).split("/").pop()).join(", "));
        const pods = new Set(eps.map((e) => e.target));
        row("policies on its pods", [...new Set(edges.filter((e) => e.data.kind === "isolates" && pods.has(e.data.target))
          .map((e) => idName(e.data.source)))].join(", ") || "none");
      } else if (d.kind === "ingress") {
        row("class", d.class); row("hosts", d.hosts); row("address", d.address);
        for (const r of from("routes")) row("rule", (r.label || "") + " → " + idName(r.target));
        if (d.served === false) row("served", "no ingress controller serves this class");
      } else if (d.kind === "gatewayclass") {
        row("controller", d.controller); row("accepted", d.accepted);
      } else if (d.kind === "gateway") {
        row("class", d.class); row("address", d.address || "none yet"); row("programmed", d.programmed);
        for (const l of d.listeners || []) row("listener " + l.name, l.protocol + " :" + l.port + " " + l.hostname + " · " + l.attachedRoutes + " routes");
        row("routes", from("attaches").map((e) => idName(e.target)).join(", ") || "none");
      } else if (d.kind === "httproute") {
        row("hostnames", d.hosts); row("accepted", d.accepted ? "yes" : "no");
        for (const r of from("backend")) row("backend", (r.label || "") + " → " + idName(r.target));
        if (d.pending) row("status", d.pending);
      } else if (d.kind === "networkpolicy") {
        row("podSelector", d.podSelector); row("policyTypes", d.policyTypes);
        for (const r of d.rules || []) row("rule", r);
        row("selects", from("isolates").map((e) => idName(e.target).split("/").pop()).join(", ") || "no pod");
        row("enforced", d.enforced === false ? "no: the network plugin ignores it (minikube start --cni=calico)" : "yes");
      } else if (d.kind === "workload") {
        row("kind", d.workloadKind); row("ready", (d.ready ?? "?") + "/" + (d.replicas ?? "?"));
      } else if (d.kind === "node") {
        row("IP", d.ip); row("status", d.status + (d.running === false ? " (stopped)" : ""));
      } else if (d.kind === "host") {
        row("/etc/hosts", (d.hosts || []).map((h) => h.name + " → " + h.ip).join(", ") || "no cluster names yet");
      } else if (d.kind === "entry") {
        row("port", d.port + "/" + (d.protocol || "TCP")); row("forwards to", idName(d.service || ""));
      } else if (d.kind === "namespace") {
        if (d.counts) row("counts", d.counts.pods + " pods, " + d.counts.ready + " ready, " + d.counts.services + " services");
      }
      if (d.cause) row("why it is not working", d.cause);
      if (d.fix) row("fix", d.fix);
      return out;
    }

    show(id, quiet) {
      if (!this.panel) return;
      const el = this.diagram.elements.get(id);
      const node = this.diagram.model && this.diagram.model.nodes.find((n) => n.id === id);
      const d = (el && el.data) || (node && node.data);
      if (!d) { this.close(); return; }
      this.id = id;
      const p = this.panel;
      p.replaceChildren();
      const head = document.createElement("div");
      head.className = "details-head";
      const title = document.createElement("strong");
      const kind = d.kind === "workload" ? d.workloadKind || "Workload" : d.kind;
      title.textContent = kind + " " + (d.namespace && d.kind !== "namespace" ? d.namespace + "/" : "") + (d.name || d.label || d.id);
      const close = document.createElement("button");
      close.type = "button"; close.className = "btn btn-quiet btn-small"; close.textContent = "Close";
      close.addEventListener("click", () => this.close());
      head.append(title, close);
      const what = document.createElement("p");
      what.className = "details-what";
      what.textContent = WHAT[d.kind] || "";
      const dl = document.createElement("dl");
      for (const [k, v] of this.rows(d)) {
        const dt = document.createElement("dt"); dt.textContent = k;
        const dd = document.createElement("dd"); dd.textContent = v;
        dl.append(dt, dd);
      }
      p.append(head, what, dl);
      const cmd = command(d);
      if (cmd) {
        const c = document.createElement("p");
        c.className = "details-cmd";
        const code = document.createElement("code");
        code.textContent = cmd;
        c.append("The same in the terminal: ", code);
        p.append(c);
      }
      p.hidden = false;
      p.dataset.id = id;
      if (!quiet) window.podscape.detailsShown = id;
    }

    // a text (the policy engine's why) shown in the panel instead of an element
    showText(title, text) {
      if (!this.panel) return;
      this.id = null;
      const p = this.panel;
      p.replaceChildren();
      const head = document.createElement("div");
      head.className = "details-head";
      const t = document.createElement("strong"); t.textContent = title;
      const close = document.createElement("button");
      close.type = "button"; close.className = "btn btn-quiet btn-small"; close.textContent = "Close";
      close.addEventListener("click", () => this.close());
      head.append(t, close);
      const pre = document.createElement("pre"); pre.textContent = text;
      p.append(head, pre);
      p.hidden = false;
    }
  }

  window.PodscapeDiagramDetails = Details;
})();
