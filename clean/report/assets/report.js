// clean report: rule filters on document pages, column sorting on the batch index.
// Everything works without this script; it only adds interaction.
(function () {
  "use strict";

  // Filters: unticking a rule hides every piece it removed and every note about it.
  var boxes = Array.prototype.slice.call(document.querySelectorAll("input[data-filter]"));
  function applyFilters() {
    var hidden = {};
    boxes.forEach(function (box) { if (!box.checked) hidden[box.dataset.filter] = true; });
    document.querySelectorAll(".view [data-rule]").forEach(function (el) {
      el.classList.toggle("filtered", hidden[el.dataset.rule] === true);
    });
  }
  boxes.forEach(function (box) { box.addEventListener("change", applyFilters); });
  document.querySelectorAll("button[data-set-all]").forEach(function (button) {
    button.addEventListener("click", function () {
      var on = button.dataset.setAll === "on";
      boxes.forEach(function (box) { box.checked = on; });
      applyFilters();
    });
  });
  applyFilters();

  // Sorting: click a column header; numbers sort by their data-value.
  document.querySelectorAll("table.docs").forEach(function (table) {
    var heads = Array.prototype.slice.call(table.querySelectorAll("thead th"));
    heads.forEach(function (th, column) {
      th.addEventListener("click", function () {
        var ascending = th.getAttribute("aria-sort") !== "ascending";
        heads.forEach(function (other) { other.removeAttribute("aria-sort"); });
        th.setAttribute("aria-sort", ascending ? "ascending" : "descending");
        var body = table.tBodies[0];
        var rows = Array.prototype.slice.call(body.rows);
        rows.sort(function (a, b) {
          var x = a.cells[column].dataset.value, y = b.cells[column].dataset.value;
          var nx = parseFloat(x), ny = parseFloat(y);
          var order = (!isNaN(nx) && !isNaN(ny)) ? nx - ny : String(x).localeCompare(String(y));
          return ascending ? order : -order;
        });
        rows.forEach(function (row) { body.appendChild(row); });
      });
    });
  });
})();
