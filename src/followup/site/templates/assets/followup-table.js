/* followup: a table of people sorted by a click on any column's heading, and filtered as you type.
   Everything is in the page: no request, no library. Sort keys are the cells' data-sort (else their text). */
(function () {
  "use strict";

  function key(row, column) {
    var cell = row.cells[column];
    return cell.dataset.sort !== undefined ? cell.dataset.sort : cell.textContent.trim().toLowerCase();
  }

  function bind() { // on each page: Material's instant navigation brings pages in without loading scripts again
    document.querySelectorAll("table[id] th[data-fu-sort]:not([data-fu-bound])").forEach(sortable);
    document.querySelectorAll("input[data-fu-filter]:not([data-fu-bound])").forEach(filter);
  }

  function sortable(heading) {
    heading.dataset.fuBound = "";
    heading.tabIndex = 0;
    heading.setAttribute("role", "button");
    function sort() {
      var table = heading.closest("table"), body = table.tBodies[0];
      var column = Array.prototype.indexOf.call(heading.parentNode.children, heading);
      var numeric = heading.dataset.fuSort !== "text";
      var ascending = heading.getAttribute("aria-sort") !== "ascending";
      var rows = Array.prototype.slice.call(body.rows);
      rows.sort(function (a, b) {
        var x = key(a, column), y = key(b, column);
        if (numeric) { x = x === "" ? Infinity : +x; y = y === "" ? Infinity : +y; }
        if (x === y) return 0;
        return (x < y ? -1 : 1) * (ascending ? 1 : -1);
      });
      rows.forEach(function (row) { body.appendChild(row); });
      table.querySelectorAll("th[aria-sort]").forEach(function (other) { other.removeAttribute("aria-sort"); });
      heading.setAttribute("aria-sort", ascending ? "ascending" : "descending");
    }
    heading.addEventListener("click", sort);
    heading.addEventListener("keydown", function (event) { if (event.key === "Enter") sort(); });
  }

  function filter(input) {
    input.dataset.fuBound = "";
    var table = document.getElementById(input.dataset.fuFilter);
    input.addEventListener("input", function () {
      var words = input.value.toLowerCase().split(/\s+/).filter(Boolean);
      Array.prototype.forEach.call(table.tBodies[0].rows, function (row) {
        var text = row.textContent.toLowerCase();
        row.hidden = !words.every(function (word) { return text.indexOf(word) >= 0; });
      });
    });
  }

  if (window.document$ && window.document$.subscribe) window.document$.subscribe(bind); else bind();
})();
