// NetworkPolicies in the diagram (loaded after diagram.js, which draws the policy nodes and their `isolates`
// edges): the why-explanation of a request (trace.why, from playground/sim/policy.py). Click a red request
// in the log under the picture, or hover the pod it was dropped at, to read which policies selected each
// side and which rule allowed it or that none did; the pod keeps a red mark until a request gets through.
// The "Connectivity" link opens the matrix page. Text reaches the page only through textContent.
(function () {
  "use strict";
  const Base = window.PodscapeDiagram;
  if (!Base) return;

  function policyTooltip(d) {
    const lines = ["NetworkPolicy " + d.namespace + "/" + d.name,
      "podSelector: " + d.podSelector, "policyTypes: " + d.policyTypes];
    lines.push(d.enforced ? "enforced by the network plugin"
      : "stored, but the network plugin does not enforce it (minikube start --cni=calico)");
    return lines.join("\n");
  }

  class PolicyDiagram extends Base {
    constructor(root, socket) {
      super(root, socket);
      this.whyByPod = new Map();         // pod id -> the explanation of the last request dropped there
      window.podscape = window.podscape || {};
      window.podscape.whys = [];
      const tools = root.querySelector(".diagram-tools");
      const ws = document.getElementById("workspace");
      if (tools && ws && ws.dataset.sandboxId) {
        const a = document.createElement("a");
        a.href = "/sandboxes/" + ws.dataset.sandboxId + "/matrix/";
        a.target = "_blank";
        a.rel = "noopener";
        a.className = "btn btn-quiet btn-small";
        a.textContent = "Connectivity";
        a.title = "Which pod may reach which, under the current NetworkPolicies";
        a.setAttribute("data-matrix-link", "");
        tools.appendChild(a);
      }
    }

    showTooltip(el, rendered) {
      super.showTooltip(el, rendered);
      if (!this.tooltip || el.hasClass("packet") || el.hasClass("note")) return;
      if (el.hasClass("networkpolicy")) this.tooltip.textContent = policyTooltip(el.data());
      const why = this.whyByPod.get(el.id());
      if (why) this.tooltip.textContent += "\n\nLast request dropped here:\n" + why;
    }

    // the why of a dropped request, in the details panel under the picture (never over it)
    showWhy(text) {
      if (this.details) this.details.showText("Why was it dropped?", text);
      window.podscape.lastWhyShown = text;
    }

    showTrace(trace) {
      const why = trace && trace.why ? String(trace.why) : "";
      const hops = (trace && trace.hops) || [];
      const last = hops.length ? String(hops[hops.length - 1].id) : "";
      if (why && last.startsWith("pod/")) {
        const el = this.cy.getElementById(last);
        if (trace.verdict === "ok") { this.whyByPod.delete(last); if (el.nonempty()) el.removeClass("policy-denied"); }
        else { this.whyByPod.set(last, why); if (el.nonempty()) el.addClass("policy-denied"); }
      }
      if (why) window.podscape.whys.push({ verdict: trace.verdict, why });
      return super.showTrace(trace);
    }

    logTrace(trace, verdict, reason) {
      super.logTrace(trace, verdict, reason);
      const row = this.traceLog && this.traceLog.firstElementChild;
      if (!row || !trace.why) return;
      row.classList.add("has-why");
      row.style.pointerEvents = "auto";
      row.style.cursor = "pointer";
      row.title = "Why? Click for the NetworkPolicy explanation";
      const why = String(trace.why);
      row.addEventListener("click", (e) => { e.stopPropagation(); this.showWhy(why); });
    }
  }

  window.PodscapeDiagram = PolicyDiagram;
})();
