/* followup: the Due dashboard recomputed from the browser's date, so a site built last Tuesday
   does not lie today. The rule is the one of src/followup/due.py, date for date; both run the
   shared test vectors in tests/vectors/ so they cannot drift. Values are set with textContent. */
(function () {
  "use strict";

  var ORDER = ["overdue", "due", "soon", "ok", "booked", "snoozed", "none"];
  var ORDINAL_OF_1970 = 719163; // Python's date(1970, 1, 1).toordinal()

  function utcDay(year, month, day) { // days since 1970-01-01; Date.UTC alone reads years 0-99 as 19xx
    var d = new Date(0);
    d.setUTCFullYear(year, month, day);
    return Math.floor(d.getTime() / 86400000);
  }
  function dayNumber(iso) { // of a YYYY-MM-DD date
    var p = iso.split("-");
    return utcDay(+p[0], +p[1] - 1, +p[2]);
  }
  function isoOf(number) { return new Date(number * 86400000).toISOString().slice(0, 10); }
  function localToday() {
    var now = new Date();
    return Date.UTC(now.getFullYear(), now.getMonth(), now.getDate()) / 86400000;
  }
  function daysIn(year, month) { return new Date(utcDay(year, month + 1, 0) * 86400000).getUTCDate(); }
  function addMonths(number, months) { // calendar-true: Jan 31 + 1 month = Feb 28/29
    var d = new Date(number * 86400000);
    var total = d.getUTCFullYear() * 12 + d.getUTCMonth() + months;
    var year = Math.floor(total / 12), month = total % 12;
    return utcDay(year, month, Math.min(d.getUTCDate(), daysIn(year, month)));
  }
  function after(cadence, number) {
    var count = cadence[0], unit = cadence[1];
    if (unit === "days") return number + count;
    if (unit === "weeks") return number + 7 * count;
    return addMonths(number, unit === "months" ? count : 12 * count);
  }

  function assess(person, today, soonDays, years) {
    var last = null;
    person.touches.forEach(function (iso) {
      var n = dayNumber(iso), year = +iso.split("-")[0];
      if (year < years[0] || year > years[1]) return; // the years followup works with (dates.py)
      if (n <= today && (last === null || n > last)) last = n;
    });
    if (!person.cadence) return {status: "none", last: last, next: null, late: null, lateness: 0};
    var next = last !== null ? after(person.cadence, last) : today;
    var late = today - next, status;
    if (person.next && dayNumber(person.next) >= today) status = "booked";
    else if (person.snooze && dayNumber(person.snooze) > today) status = "snoozed";
    else if (late > 0) status = "overdue";
    else if (late === 0) status = "due";
    else if (-late <= soonDays) status = "soon";
    else status = "ok";
    var lateness = last !== null ? late / Math.max(next - last, 1) : 0;
    return {status: status, last: last, next: next, late: late, lateness: lateness};
  }

  function compare(a, b) {
    var keys = [
      [ORDER.indexOf(a.due.status), ORDER.indexOf(b.due.status)],
      [-a.due.lateness, -b.due.lateness],
      [a.due.last === null ? 1 : 0, b.due.last === null ? 1 : 0],
      [a.person.key, b.person.key],
      [a.person.slug, b.person.slug]
    ];
    for (var i = 0; i < keys.length; i++) {
      if (keys[i][0] < keys[i][1]) return -1;
      if (keys[i][0] > keys[i][1]) return 1;
    }
    return 0;
  }

  function picks(rankedDue, today, count) {
    if (count <= 0 || !rankedDue.length) return [];
    var top = Math.floor((count + 1) / 2);
    var chosen = rankedDue.slice(0, top), rest = rankedDue.slice(top);
    var rotating = Math.min(count - top, rest.length);
    if (rotating) {
      var start = ((today + ORDINAL_OF_1970) * rotating) % rest.length;
      for (var i = 0; i < rotating; i++) chosen.push(rest[(start + i) % rest.length]);
    }
    return chosen;
  }

  function occasions(person, today, days) {
    var found = [];
    person.yearly.forEach(function (date) {
      var year = new Date(today * 86400000).getUTCFullYear();
      for (var y = year; y <= year + 1; y++) {
        var day = Math.min(date.day, daysIn(y, date.month - 1));
        var n = utcDay(y, date.month - 1, day);
        if (n >= today) {
          if (n - today <= days) {
            found.push({date: n, label: date.label, years: date.year === null ? null : y - date.year});
          }
          break;
        }
      }
    });
    return found;
  }

  /* Everything the dashboard shows, as of `today` (a day number): the same answers as the Python core. */
  function dashboard(data, today) {
    var rows = data.people.map(function (person) {
      return {person: person, due: assess(person, today, data.soon_days, data.years)};
    });
    var ranked = rows.slice().sort(compare);
    function withStatus(status) { return ranked.filter(function (r) { return r.due.status === status; }); }
    var due = ranked.filter(function (r) { return r.due.status === "overdue" || r.due.status === "due"; });
    var promises = [], dates = [];
    rows.forEach(function (row) {
      row.person.promises.forEach(function (promise) {
        var n = dayNumber(promise.due);
        if (n - today <= data.soon_days) promises.push({row: row, promise: promise, due: n, late: n < today});
      });
      occasions(row.person, today, data.dates_days).forEach(function (o) { dates.push({row: row, occasion: o}); });
    });
    promises.sort(function (a, b) { return a.due - b.due || (a.row.person.key < b.row.person.key ? -1 : 1); });
    dates.sort(function (a, b) {
      return a.occasion.date - b.occasion.date || (a.row.person.key < b.row.person.key ? -1 : 1);
    });
    return {
      rows: rows, ranked: ranked, picks: picks(due, today, data.picks_per_day),
      overdue: withStatus("overdue"), due: withStatus("due"), soon: withStatus("soon"),
      promises: promises, dates: dates
    };
  }

  function element(tag, className, text) {
    var node = document.createElement(tag);
    if (className) node.className = className;
    if (text !== undefined) node.textContent = text;
    return node;
  }
  function when(row) {
    var due = row.due, person = row.person;
    if (due.status === "booked") return "booked " + person.next;
    if (due.status === "snoozed") return "snoozed until " + person.snooze;
    if (due.status === "none") return "no cadence";
    if (due.last === null) return "never touched";
    if (due.late > 0) return due.late + " day" + (due.late !== 1 ? "s" : "") + " late";
    if (due.late === 0) return "due today";
    return "due " + isoOf(due.next);
  }
  function named(person, rest) { // <span><a>Name</a>: rest</span>, as the template writes it
    var span = element("span"), link = element("a", "fu-name", person.name);
    link.href = person.url;
    span.appendChild(link);
    span.appendChild(document.createTextNode(rest));
    return span;
  }
  function personItem(row) {
    var item = element("li", "fu-person");
    item.dataset.slug = row.person.slug;
    item.dataset.status = row.due.status;
    var link = element("a", "fu-name", row.person.name);
    link.href = row.person.url;
    item.appendChild(link);
    item.appendChild(document.createTextNode(" "));
    item.appendChild(element("span", "fu-badge fu-" + row.due.status, row.due.status));
    item.appendChild(document.createTextNode(" "));
    item.appendChild(element("span", "fu-when", when(row)));
    if (row.person.channel) item.appendChild(element("span", "fu-channel", row.person.channel));
    row.person.reach.forEach(function (reach) {
      var a = element("a", "fu-reach fu-reach-" + reach.kind + (reach.preferred ? " fu-preferred" : ""), reach.label);
      a.href = reach.href;
      item.appendChild(a);
    });
    return item;
  }
  function section(name, count, empty) { // the section's box, emptied; a sentence instead when nobody is in it
    var box = document.querySelector('[data-fu-section="' + name + '"]');
    if (!box) return null;
    box.textContent = "";
    if (!count) { box.appendChild(element("p", "fu-empty", empty)); return null; }
    return box;
  }
  function fill(name, rows, empty, limit) {
    var box = section(name, rows.length, empty);
    if (!box) return;
    var list = element("ul", "fu-people");
    rows.slice(0, limit || rows.length).forEach(function (row) { list.appendChild(personItem(row)); });
    box.appendChild(list);
    if (limit && rows.length > limit) {
      box.appendChild(element("p", "fu-more", "and " + (rows.length - limit) + " more: see People."));
    }
  }
  function fillPromises(promises, soonDays) {
    var box = section("promises", promises.length, "No promise due in the next " + soonDays + " days.");
    if (!box) return;
    var list = element("ul", "fu-promises");
    promises.forEach(function (entry) {
      var item = element("li", "fu-person fu-promise" + (entry.late ? " fu-late" : ""));
      item.dataset.slug = entry.row.person.slug;
      item.dataset.status = entry.row.due.status;
      item.dataset.due = entry.promise.due;
      item.appendChild(named(entry.row.person, ": " + entry.promise.what));
      item.appendChild(element("span", "fu-when", "by " + entry.promise.due + (entry.late ? " (late)" : "")));
      list.appendChild(item);
    });
    box.appendChild(list);
  }
  function fillDates(dates, days) {
    var box = section("dates", dates.length, "No birthday or yearly date in the next " + days + " days.");
    if (!box) return;
    var list = element("ul", "fu-dates");
    dates.forEach(function (entry) {
      var item = element("li", "fu-person");
      item.dataset.slug = entry.row.person.slug;
      item.dataset.status = entry.row.due.status;
      item.dataset.date = isoOf(entry.occasion.date);
      item.appendChild(element("span", "fu-when", isoOf(entry.occasion.date)));
      item.appendChild(named(entry.row.person, ": " + entry.occasion.label +
        (entry.occasion.years ? " (" + entry.occasion.years + ")" : "")));
      list.appendChild(item);
    });
    box.appendChild(list);
  }

  function render(data, today) {
    var view = dashboard(data, today);
    fillPromises(view.promises, data.soon_days);
    fill("picks", view.picks, "Nobody is due: a good day to add someone to the hit list.");
    fill("overdue", view.overdue, "Nobody is overdue.", data.dashboard_rows);
    fill("due", view.due, "Nobody else is due today.", data.dashboard_rows);
    fill("soon", view.soon, "Nobody is due in the next " + data.soon_days + " days.", data.dashboard_rows);
    fillDates(view.dates, data.dates_days);
    var built = document.querySelector(".fu-built");
    if (built) built.textContent = "Statuses as of " + isoOf(today) + " (built " + data.built + ").";
  }

  window.followup = {dashboard: dashboard, dayNumber: dayNumber, isoOf: isoOf};
  if (window.followupData && document.querySelector("[data-fu-section]")) {
    render(window.followupData, localToday());
  }
})();
