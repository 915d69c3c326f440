// The connectivity matrix page: re-fetch the table fragment whenever the sandbox's topology changes
// (the same socket messages that update the diagram), so the grid follows labels and policies live.
(function () {
  "use strict";
  const box = document.getElementById("matrix-live");
  if (!box || !window.PodscapeSocket) return;
  const url = box.dataset.matrixUrl;
  let pending = null;
  window.podscapeMatrix = { refreshes: 0 };
  const refresh = () => {
    clearTimeout(pending);
    pending = setTimeout(() => {
      window.htmx.ajax("GET", url, { target: "#matrix", swap: "outerHTML" }).then(() => {
        window.podscapeMatrix.refreshes += 1;
      });
    }, 150);
  };
  const socket = new window.PodscapeSocket(box.dataset.wsUrl);
  socket.on("topology", refresh);
  socket.on("hello", () => { if (window.podscapeMatrix.connected) refresh(); window.podscapeMatrix.connected = true; });
  socket.connect();
})();
