// Import progress: polls the batch's progress while it is being written, then reloads the page
// to show the outcome. Without scripts the page has a «Обновить» link instead.
(function () {
  "use strict";
  var bar = document.getElementById("import-progress");
  var text = document.getElementById("import-progress-text");
  if (!bar || !bar.dataset.url) { return; }
  function poll() {
    fetch(bar.dataset.url, { credentials: "same-origin", cache: "no-store" })
      .then(function (r) { return r.ok ? r.json() : null; })
      .then(function (p) {
        if (!p) { return; }
        bar.max = Math.max(p.total, 1);
        bar.value = p.done;
        if (text) { text.textContent = p.done + " из " + p.total; }
        if (p.status === "applying") { window.setTimeout(poll, 1000); } else { window.location.reload(); }
      })
      .catch(function () { window.setTimeout(poll, 3000); });
  }
  window.setTimeout(poll, 500);
})();
