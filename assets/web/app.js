// The web interface's one script: on a job's page, follow its events (Server-Sent
// Events from /api/v1/jobs/ID/events) into the progress bar, and send Cancel with
// the page's CSRF token. Texts stay the server's; this only moves numbers.
"use strict";
(function () {
  var job = document.getElementById("job");
  if (!job) return;
  var id = job.dataset.job;
  var bar = document.getElementById("bar");
  var phase = document.getElementById("phase");
  var numbers = document.getElementById("numbers");
  var log = document.getElementById("log");
  var cancel = document.getElementById("cancel");
  function size(n) {
    var units = ["B", "kB", "MB", "GB", "TB"], i = 0;
    while (n >= 1000 && i < units.length - 1) { n /= 1000; i++; }
    return (i ? n.toFixed(1) : n) + " " + units[i];
  }
  function line(text) {
    var li = document.createElement("li");
    li.textContent = text;
    log.appendChild(li);
  }
  if (cancel) {
    cancel.addEventListener("click", function () {
      cancel.disabled = true;
      fetch("/jobs/" + encodeURIComponent(id) + "/cancel", {
        method: "POST", headers: { "X-CSRF-Token": cancel.dataset.csrf }, credentials: "same-origin"
      });
    });
  }
  if (job.dataset.state !== "running") return;
  var source = new EventSource("/api/v1/jobs/" + encodeURIComponent(id) + "/events");
  source.addEventListener("progress", function (e) {
    var p = JSON.parse(e.data);
    phase.textContent = p.phase;
    if (p.bytes_total) { bar.max = p.bytes_total; bar.value = Math.min(p.bytes_done, p.bytes_total); }
    else { bar.removeAttribute("value"); }
    var parts = [size(p.bytes_done) + (p.bytes_total ? " / " + size(p.bytes_total) : "")];
    if (p.rate) parts.push(size(p.rate) + "/s");
    if (p.eta_seconds != null) parts.push(p.eta_seconds + " s");
    numbers.textContent = parts.join(" · ");
  });
  source.addEventListener("warning", function (e) { line(JSON.parse(e.data).message); });
  source.addEventListener("log", function (e) { line(JSON.parse(e.data).message); });
  source.addEventListener("finished", function () {
    source.close();
    // the server renders the outcome in the page's language
    window.location.reload();
  });
})();
