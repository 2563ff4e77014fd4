/* followup: the Due dashboard recomputed from the browser's date, so a site built last Tuesday
   does not lie today. The rule is the one of followup/core/due.py, date for date; both run the
   shared test vectors in tests/vectors/ so they cannot drift. */
(function () {
  "use strict";

  var ORDER = ["overdue", "due", "soon", "ok", "booked", "tried", "snoozed", "none"];
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

  function byLateness(late, data) { // due._by_lateness
    if (late > 0) return "overdue";
    if (late === 0) return "due";
    return -late <= data.soon_days ? "soon" : "ok";
  }

  // due.organisation_due: by the organisation's own cadence, from the latest touch of anyone there
  function organisationDue(organisation, lastOf, today, data) {
    var last = null;
    organisation.people.forEach(function (slug) {
      var n = lastOf[slug];
      if (n !== undefined && n !== null && (last === null || n > last)) last = n;
    });
    var next = last !== null ? after(organisation.cadence, last) : today, late = today - next;
    return {status: byLateness(late, data), last: last, next: next, late: late,
            lateness: last !== null ? late / Math.max(next - last, 1) : 0};
  }

  // `morning`: as the day began, today's touches and calls left out (due.morning_due): the picks' view.
  function assess(person, today, data, morning) {
    var last = null, years = data.years, until = morning ? today - 1 : today;
    person.touches.forEach(function (iso) {
      var n = dayNumber(iso), year = +iso.split("-")[0];
      if (year < years[0] || year > years[1]) return; // the years followup works with (dates.py)
      if (n <= until && (last === null || n > last)) last = n;
    });
    var booked = person.next ? dayNumber(person.next) : null;
    var passed = booked !== null && booked < today && (last === null || last < booked);
    var owed = (person.heard || []).filter(function (heard) { // due.replies_owed: until a touch on or after
      var n = dayNumber(heard.date);
      return (last === null || n > last) && n <= today;
    });
    var step = null; // due.plan_step: the first step of a running plan not done by a touch on or after its day
    if (person.plan) {
      for (var i = 0; i < person.plan.days.length && step === null; i++) {
        var day = dayNumber(person.plan.days[i]);
        if (last === null || day > last) step = {name: person.plan.name, number: i + 1, total: person.plan.days.length, day: day};
      }
    }
    if (!person.cadence && step === null) {
      return {status: "none", last: last, next: null, late: null, lateness: 0, attempts: 0, passed: passed,
              owed: owed, plan: null};
    }
    var next = step !== null ? step.day : last !== null ? after(person.cadence, last) : today;
    var late = today - next, status;
    var attempts = person.attempts.map(dayNumber).filter(function (n) {
      return (last === null || n > last) && n <= until;
    });
    var retry = attempts.length ? Math.max.apply(null, attempts) + data.retry_days : null;
    if (booked !== null && booked >= today) status = "booked";
    else if (person.snooze && dayNumber(person.snooze) > today) status = "snoozed";
    else if (late >= 0 && retry !== null && retry > today) status = "tried";
    else status = byLateness(late, data);
    var lateness = last !== null ? late / Math.max(next - last, 1) : 0;
    return {status: status, last: last, next: next, late: late, lateness: lateness, attempts: attempts.length,
            retry: retry, passed: passed, reached: last === today, owed: owed, plan: step};
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
      return {person: person, due: assess(person, today, data)};
    });
    var ranked = rows.slice().sort(compare);
    function withStatus(status) { return ranked.filter(function (r) { return r.due.status === status; }); }
    var morning = rows.map(function (row) {
      return {person: row.person, due: assess(row.person, today, data, true), now: row};
    }).filter(function (r) { return r.due.status === "overdue" || r.due.status === "due"; }).sort(compare);
    var chosen = picks(morning, today, data.picks_per_day).map(function (r) { return r.now; });
    var promises = [], dates = [], replies = [];
    rows.forEach(function (row) {
      row.due.owed.forEach(function (heard) { replies.push({row: row, heard: heard, date: dayNumber(heard.date)}); });
      row.person.promises.forEach(function (promise) {
        var n = dayNumber(promise.due);
        if (n - today <= data.soon_days) promises.push({row: row, promise: promise, due: n, late: n < today});
      });
      occasions(row.person, today, data.dates_days).forEach(function (o) { dates.push({row: row, occasion: o}); });
    });
    promises.sort(function (a, b) { return a.due - b.due || (a.row.person.key < b.row.person.key ? -1 : 1); });
    replies.sort(function (a, b) { return a.date - b.date || (a.row.person.key < b.row.person.key ? -1 : 1); });
    dates.sort(function (a, b) {
      return a.occasion.date - b.occasion.date || (a.row.person.key < b.row.person.key ? -1 : 1);
    });
    var lastOf = {};
    rows.forEach(function (row) { lastOf[row.person.slug] = row.due.last; });
    var present = (data.organisations || []).map(function (organisation) { // of this page's people (an owner's)
      return Object.assign({}, organisation, {people: organisation.people.filter(function (slug) {
        return slug in lastOf; })});
    }).filter(function (organisation) { return organisation.people.length > 0; });
    var organisations = present.map(function (organisation) {
      return {organisation: organisation, due: organisationDue(organisation, lastOf, today, data)};
    }).filter(function (entry) { return ["overdue", "due", "soon"].indexOf(entry.due.status) >= 0; });
    organisations.sort(function (a, b) { // journal.organisations_due
      return ORDER.indexOf(a.due.status) - ORDER.indexOf(b.due.status) || b.due.lateness - a.due.lateness ||
        (a.organisation.key < b.organisation.key ? -1 : a.organisation.key > b.organisation.key ? 1 : 0);
    });
    return {
      rows: rows, ranked: ranked, picks: chosen, replies: replies,
      overdue: withStatus("overdue"), due: withStatus("due"), soon: withStatus("soon"),
      promises: promises, dates: dates, organisations: organisations
    };
  }

  /* Drawing: every row, word and empty-state sentence is the page's own (Jinja drew them, the rows blank in
     <template id="fu-rows">); this only fills them in. Values are set with textContent. */
  // Of the page shown: start() reads them from each page Material brings in. `root`: the site's root seen from
  // this page, since the data's page addresses are from the root and an owner's dashboard is two folders down.
  var rows = null, words = {}, root = "";

  function say(key, values) {
    return words[key].replace(/\{(\w+)\}/g, function (_, name) { return values[name]; });
  }
  function whenPhrase(due) { // the one of WORDS that describes the person: wording.when_phrase, in the browser
    if (["booked", "snoozed", "tried", "none"].indexOf(due.status) >= 0) return due.status;
    if (due.last === null) return "never";
    if (due.late > 0) return due.late === 1 ? "late-one" : "late";
    return due.late === 0 ? "today" : "ahead";
  }
  function when(row) {
    return say(whenPhrase(row.due), {days: row.due.late, next_due: row.due.next === null ? "" : isoOf(row.due.next),
                                     next: row.person.next, snoozed: row.person.snooze,
                                     retry: row.due.retry === null ? "" : isoOf(row.due.retry)});
  }
  function labels(row, picked) { // wording.labels, in the browser
    var found = row.person.inactive ? [words.inactive] : [];
    if (row.due.plan) found.push(say("plan", {plan: row.due.plan.name, number: row.due.plan.number, total: row.due.plan.total}));
    if (row.due.passed) found.push(say("booking-passed", {next: row.person.next}));
    var count = row.due.attempts;
    if (count) {
      var times = count === 1 ? words.once : say("times", {attempts: count});
      found.push(say(row.due.last === null ? "attempts" : "attempts-since", {times: times, last: isoOf(row.due.last)}));
    }
    if (row.due.reached) found.push(words["reached-today"]);
    if (picked) found.push(words.pick);
    return found;
  }
  function prototype(selector) { return rows.content.querySelector(selector).cloneNode(true); }
  function setName(item, row) {
    var link = item.querySelector(".fu-name");
    link.textContent = row.person.name;
    link.href = root + row.person.url;
    item.dataset.slug = row.person.slug;
    item.dataset.status = row.due.status;
  }
  function personItem(row, picked) { // `picked`: today's picks, labelled as such in another section
    var item = prototype("li.fu-person:not(.fu-promise):not(.fu-reply):not([data-date])");
    setName(item, row);
    var badge = item.querySelector(".fu-badge");
    badge.className = "fu-badge fu-" + row.due.status;
    badge.textContent = row.due.status;
    item.querySelector(".fu-when").textContent = when(row);
    var label = item.querySelector(".fu-label");
    labels(row, picked !== undefined && picked.has(row.person.slug)).forEach(function (text) {
      var copy = label.cloneNode(false);
      copy.textContent = text;
      item.insertBefore(copy, label);
    });
    label.remove();
    var channel = item.querySelector(".fu-channel");
    if (row.person.channel) channel.textContent = row.person.channel; else channel.remove();
    var link = item.querySelector(".fu-reach");
    row.person.reach.forEach(function (reach) {
      var copy = link.cloneNode(false);
      copy.className = "fu-reach fu-reach-" + reach.kind + (reach.preferred ? " fu-preferred" : "");
      copy.href = reach.href;
      copy.textContent = reach.label;
      item.insertBefore(copy, link);
    });
    link.remove();
    return item;
  }
  function promiseItem(entry) {
    var item = prototype("li.fu-promise");
    setName(item, entry.row);
    item.classList.toggle("fu-late", entry.late);
    item.dataset.due = entry.promise.due;
    item.querySelector(".fu-what").textContent = entry.promise.what;
    item.querySelector(".fu-when").textContent = say(entry.late ? "by-late" : "by", {due: entry.promise.due});
    return item;
  }
  function replyItem(entry) {
    var item = prototype("li.fu-reply");
    setName(item, entry.row);
    var missed = entry.heard.kind === "missed", said = words[missed ? "missed" : "wrote"].split("{name}");
    item.dataset.owed = entry.heard.date;
    item.querySelector(".fu-before").textContent = said[0];
    item.querySelector(".fu-when").textContent = said[1].replace("{date}", entry.heard.date);
    item.querySelector(".fu-what").textContent = entry.heard.detail ? (missed ? " " : ": ") + entry.heard.detail : "";
    return item;
  }
  function dateItem(entry) {
    var item = prototype("li[data-date]");
    setName(item, entry.row);
    item.dataset.date = isoOf(entry.occasion.date);
    item.querySelector(".fu-when").textContent = isoOf(entry.occasion.date);
    item.querySelector(".fu-label").textContent = entry.occasion.label;
    var years = item.querySelector(".fu-years");
    if (entry.occasion.years) years.textContent = " (" + entry.occasion.years + ")"; else years.remove();
    return item;
  }
  function organisationItem(entry) {
    var item = prototype("li.fu-organisation");
    var link = item.querySelector(".fu-name");
    link.textContent = entry.organisation.name;
    link.href = root + entry.organisation.url;
    item.dataset.organisation = entry.organisation.key;
    item.dataset.status = entry.due.status;
    var badge = item.querySelector(".fu-badge");
    badge.className = "fu-badge fu-" + entry.due.status;
    badge.textContent = entry.due.status;
    item.querySelector(".fu-when").textContent = say(whenPhrase(entry.due), {days: entry.due.late,
                                                                          next_due: isoOf(entry.due.next)});
    item.querySelector(".fu-label").textContent = say("people", {count: entry.organisation.people.length});
    return item;
  }
  function fill(name, entries, draw, limit, picked) { // a section's list, its "and N more", its empty sentence
    var box = document.querySelector('[data-fu-section="' + name + '"]');
    if (!box) return;
    var list = box.querySelector("ul");
    list.textContent = "";
    entries.slice(0, limit || entries.length).forEach(function (entry) { list.appendChild(draw(entry, picked)); });
    box.querySelector(".fu-empty").hidden = entries.length > 0;
    var more = box.querySelector(".fu-more");
    if (more) {
      more.hidden = !(limit && entries.length > limit);
      more.querySelector(".fu-count").textContent = Math.max(entries.length - (limit || 0), 0);
    }
  }

  function render(data, today) {
    var view = dashboard(data, today);
    var picked = new Set(view.picks.map(function (row) { return row.person.slug; }));
    fill("replies", view.replies, replyItem);
    fill("promises", view.promises, promiseItem);
    fill("picks", view.picks, personItem);
    fill("overdue", view.overdue, personItem, data.dashboard_rows, picked);
    fill("due", view.due, personItem, data.dashboard_rows, picked);
    fill("soon", view.soon, personItem, data.dashboard_rows);
    fill("dates", view.dates, dateItem);
    fill("organisations", view.organisations, organisationItem);
    var built = document.querySelector(".fu-built");
    if (built) built.textContent = say("built", {today: isoOf(today), built: data.built});
  }

  /* An owner's dashboard (data-owner: their key, "" for the relationships nobody keeps) is of their people. */
  function ofThisPage(data) {
    var owner = rows.dataset.owner;
    if (owner === undefined) return data;
    return Object.assign({}, data, {people: data.people.filter(function (p) { return (p.owner || "") === owner; })});
  }

  /* A dashboard page: its data (a script of the site, loaded once: a script tag works from disk, where a fetch
     does not), then the sections redrawn for the browser's day. A site built for a named day (FOLLOWUP_TODAY)
     is a picture of that day: the page is already drawn for it. */
  function start() {
    rows = document.getElementById("fu-rows");
    if (!rows) return;
    words = JSON.parse(rows.dataset.words);
    root = rows.dataset.root.replace(/^\.\//, "");  // "./" at the root: links drawn as Jinja draws them
    var draw = function () {
      if (window.followupData && !window.followupData.fixed) render(ofThisPage(window.followupData), localToday());
    };
    if (window.followupData) { draw(); return; }
    var script = document.createElement("script");
    script.src = rows.dataset.data;
    script.onload = draw;
    document.head.appendChild(script);
  }

  window.followup = {dashboard: dashboard, dayNumber: dayNumber, isoOf: isoOf};
  // With Material's instant navigation a page is brought in without loading the scripts again: document$ says so.
  if (window.document$ && window.document$.subscribe) window.document$.subscribe(start); else start();
})();
