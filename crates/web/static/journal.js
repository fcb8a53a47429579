// The journal grid: marks typed from the keyboard are saved without reloading the page.
(function () {
  "use strict";
  var grid = document.getElementById("journal-grid");
  if (!grid) return;
  var csrf = grid.getAttribute("data-csrf");
  var group = grid.getAttribute("data-group");
  var message = document.getElementById("journal-message");

  function show(text) {
    if (!message) return;
    message.textContent = text || "";
    message.hidden = !text;
  }

  function post(url, fields) {
    var body = new URLSearchParams(fields);
    body.set("csrf", csrf);
    return fetch(url, {
      method: "POST",
      credentials: "same-origin",
      headers: { "Content-Type": "application/x-www-form-urlencoded" },
      body: body.toString()
    }).then(function (res) {
      return res.json().catch(function () { return { error: "Ошибка " + res.status }; })
        .then(function (data) { return { ok: res.ok, data: data }; });
    });
  }

  function save(input) {
    if (input.readOnly) return;
    var value = input.value.trim();
    if (input.dataset.saved === value) return;
    input.dataset.state = "saving";
    var isFinal = input.classList.contains("final-cell");
    var request = isFinal
      ? post("/journal/final-mark", { group: group, student: input.dataset.student, period: input.dataset.period, value: value })
      : post("/journal/mark", { assignment: input.dataset.assignment, student: input.dataset.student, value: value });
    request.then(function (r) {
      if (r.ok) {
        input.value = r.data.value;
        input.dataset.saved = r.data.value;
        input.dataset.state = "saved";
        show("");
        if (!isFinal) {
          var row = input.closest("tr");
          var avg = row && row.querySelector("td.mark-average");
          if (avg) avg.textContent = r.data.average;
        }
      } else {
        input.dataset.state = "error";
        show(r.data.error || "Не удалось сохранить");
      }
    }).catch(function () {
      input.dataset.state = "error";
      show("Нет связи с сервером; отметка не сохранена");
    });
  }

  var cells = Array.prototype.slice.call(grid.querySelectorAll("input.mark-cell, input.final-cell"));
  cells.forEach(function (input) { input.dataset.saved = input.value.trim(); });

  function rowsOf() {
    return Array.prototype.slice.call(grid.querySelectorAll("tbody tr")).map(function (tr) {
      return Array.prototype.slice.call(tr.querySelectorAll("input.mark-cell, input.final-cell"));
    });
  }

  function move(input, dr, dc) {
    var rows = rowsOf();
    for (var r = 0; r < rows.length; r++) {
      var c = rows[r].indexOf(input);
      if (c < 0) continue;
      var nr = Math.min(Math.max(r + dr, 0), rows.length - 1);
      var nc = Math.min(Math.max(c + dc, 0), rows[nr].length - 1);
      var next = rows[nr][nc];
      if (next) { next.focus(); next.select(); }
      return;
    }
  }

  grid.addEventListener("keydown", function (e) {
    var t = e.target;
    if (!t.matches || !t.matches("input.mark-cell, input.final-cell")) return;
    if (e.key === "Enter") { e.preventDefault(); save(t); move(t, 1, 0); }
    else if (e.key === "ArrowDown") { e.preventDefault(); move(t, 1, 0); }
    else if (e.key === "ArrowUp") { e.preventDefault(); move(t, -1, 0); }
    else if (e.key === "ArrowLeft" && t.selectionStart === 0) { e.preventDefault(); move(t, 0, -1); }
    else if (e.key === "ArrowRight" && t.selectionEnd === t.value.length) { e.preventDefault(); move(t, 0, 1); }
  });
  grid.addEventListener("change", function (e) {
    var t = e.target;
    if (t.matches && t.matches("input.mark-cell, input.final-cell")) save(t);
  });
})();
