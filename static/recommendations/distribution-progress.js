// Live progress of a distribution in the admin: polls the JSON endpoint until nothing is pending.
// Loaded as a same-origin file (the CSP forbids inline scripts).
(function () {
  "use strict";
  var POLL_MS = 2000;

  function start() {
    var section = document.getElementById("distribution-progress");
    if (!section) return;
    var url = section.getAttribute("data-progress-url");
    var labels = section.querySelector(".progress-labels");
    var track = section.querySelector("[role=progressbar]");
    var wasDone = section.getAttribute("data-done") === "true";

    function setCount(name, value) {
      var node = section.querySelector('[data-count="' + name + '"]');
      if (node) node.textContent = String(value);
    }

    function setBar(name, value, total) {
      var node = section.querySelector('[data-bar="' + name + '"]');
      if (node) node.style.width = (total ? (100 * value) / total : 0) + "%";
    }

    function render(data) {
      ["sent", "failed", "pending", "total"].forEach(function (name) { setCount(name, data[name]); });
      setBar("sent", data.sent, data.total);
      setBar("failed", data.failed, data.total);
      track.setAttribute("aria-valuenow", String(data.percent));
      var status = section.querySelector("[data-status]");
      status.textContent = labels.getAttribute(data.done ? "data-label-done" : "data-label-running");
      section.setAttribute("data-done", data.done ? "true" : "false");
    }

    function poll() {
      fetch(url, { credentials: "same-origin", headers: { Accept: "application/json" } })
        .then(function (response) {
          if (!response.ok) throw new Error("HTTP " + response.status);
          return response.json();
        })
        .then(function (data) {
          render(data);
          if (!data.done) {
            window.setTimeout(poll, POLL_MS);
          } else if (!wasDone) {
            // The per-country table is rendered by the server: refresh it once at the end.
            window.location.reload();
          }
        })
        .catch(function () { window.setTimeout(poll, POLL_MS * 3); });
    }

    if (!wasDone) window.setTimeout(poll, POLL_MS);
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
