// The login form cascades region → municipality → settlement → kind → organization.
// Choosing a level loads the next one; a level with a single option is chosen at once.
(function () {
  var names = ["region", "municipality", "settlement", "kind", "organization"];
  var selects = names.map(function (n) { return document.getElementById(n); });

  function clearFrom(index) {
    for (var i = index; i < selects.length; i++) {
      while (selects[i].options.length > 1) selects[i].remove(1);
      selects[i].value = "";
    }
  }

  function load(index) {
    if (index >= selects.length) return;
    var params = new URLSearchParams();
    for (var i = 0; i < index; i++) params.set(names[i], selects[i].value);
    fetch("/login/options?" + params.toString(), { headers: { "Accept": "application/json" } })
      .then(function (r) { if (!r.ok) throw new Error(r.status); return r.json(); })
      .then(function (options) {
        clearFrom(index);
        options.forEach(function (o) {
          var opt = document.createElement("option");
          opt.value = o.id;
          opt.textContent = o.name;
          selects[index].appendChild(opt);
        });
        if (options.length === 1) {
          selects[index].value = options[0].id;
          load(index + 1);
        }
      })
      .catch(function () { clearFrom(index); });
  }

  selects.forEach(function (select, index) {
    select.addEventListener("change", function () {
      clearFrom(index + 1);
      if (select.value) load(index + 1);
    });
  });
})();
