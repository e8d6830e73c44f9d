/* ctrack — the little script the pages use (no framework, no network but this server).
   - Upload page: sends each file on its own to POST /api/v1/documents with the session's CSRF
     token, showing its progress and then its result or error.
   - Review queue and a document's evidence view: keyboard shortcuts c (confirm), x (reject), e (correct),
     j/k or arrows (next, previous), u (undo the last decision), o (evidence), Esc; never while typing. */
(function () {
  "use strict";
  var csrf = (document.querySelector('meta[name="csrf-token"]') || {}).content || "";

  function el(tag, attrs, text) {
    var node = document.createElement(tag);
    Object.keys(attrs || {}).forEach(function (k) { node.setAttribute(k, attrs[k]); });
    if (text !== undefined) { node.textContent = text; }
    return node;
  }

  /* ---------------------------------------------------------------- upload */
  function setupUpload() {
    var input = document.getElementById("files");
    var send = document.getElementById("send");
    var drop = document.getElementById("drop");
    var tbody = document.querySelector("#results tbody");
    if (!input || !send || !tbody) { return; }
    var queued = [];

    function addFiles(list) {
      for (var i = 0; i < list.length; i++) { queued.push(list[i]); }
      send.textContent = "Upload and extract " + queued.length + " file" + (queued.length === 1 ? "" : "s");
    }
    input.addEventListener("change", function () { queued = []; addFiles(input.files); });
    ["dragenter", "dragover"].forEach(function (name) {
      drop.addEventListener(name, function (ev) { ev.preventDefault(); drop.classList.add("over"); });
    });
    ["dragleave", "drop"].forEach(function (name) {
      drop.addEventListener(name, function (ev) { ev.preventDefault(); drop.classList.remove("over"); });
    });
    drop.addEventListener("drop", function (ev) { addFiles(ev.dataTransfer.files); });

    function row(file) {
      var tr = el("tr");
      tr.appendChild(el("td", {}, file.name));
      var bar = el("progress", { max: "100", value: "0" });
      var cell = el("td"); cell.appendChild(bar); tr.appendChild(cell);
      var result = el("td", { "class": "result" }, "waiting");
      tr.appendChild(result);
      var events = el("td", { "class": "num" }), actors = el("td", { "class": "num" });
      tr.appendChild(events); tr.appendChild(actors);
      tbody.appendChild(tr);
      return { tr: tr, bar: bar, result: result, events: events, actors: actors };
    }

    function show(r, res) {
      r.bar.value = 100;
      r.result.textContent = "";
      var status = el("span", { "class": "status-" + res.status }, res.status);
      r.result.appendChild(status);
      if (res.status === "failed") {
        r.result.appendChild(document.createTextNode(" " + (res.code ? "[" + res.code + "] " : "") + (res.error || "")));
      } else {
        r.result.appendChild(document.createTextNode(" "));
        var link = el("a", { href: "/documents/" + res.document_id }, res.title || res.doc_key);
        r.result.appendChild(link);
        r.events.textContent = res.events; r.actors.textContent = res.actors;
      }
    }

    function uploadOne(file, r) {
      return new Promise(function (resolve) {
        var form = new FormData();
        form.append("files", file, file.name);
        var xhr = new XMLHttpRequest();
        xhr.open("POST", "/api/v1/documents");
        xhr.setRequestHeader("X-CSRF-Token", csrf);
        xhr.setRequestHeader("Accept", "application/json");
        xhr.upload.onprogress = function (ev) {
          if (ev.lengthComputable) { r.bar.value = Math.round(80 * ev.loaded / ev.total); }
        };
        xhr.upload.onload = function () { r.bar.value = 80; r.result.textContent = "extracting…"; };
        xhr.onload = function () {
          var body = null;
          try { body = JSON.parse(xhr.responseText); } catch (e) { body = null; }
          if (xhr.status === 200 && body && body.length) { show(r, body[0]); }
          else { show(r, { status: "failed", error: (body && body.detail) || ("HTTP " + xhr.status) }); }
          resolve();
        };
        xhr.onerror = function () { show(r, { status: "failed", error: "network error" }); resolve(); };
        r.result.textContent = "uploading…";
        xhr.send(form);
      });
    }

    send.addEventListener("click", function () {
      var files = queued.slice();
      queued = [];
      input.value = "";
      send.textContent = "Upload and extract";
      if (!files.length) { input.click(); return; }
      var rows = files.map(row);
      send.disabled = true;
      files.reduce(function (chain, file, i) {
        return chain.then(function () { return uploadOne(file, rows[i]); });
      }, Promise.resolve()).then(function () { send.disabled = false; });
    });
  }

  /* ---------------------------------------------------------------- review queue and evidence view */
  /* A decision reloads the page, which shows the decided card in its old place (same height, same scroll
     position: both kept in sessionStorage across the reload), so nothing moves under the pointer. */
  var KEEP = "ctrack-review-keep";

  function typing(target) {
    var tag = (target.tagName || "").toLowerCase();
    return tag === "input" || tag === "textarea" || tag === "select" || target.isContentEditable;
  }

  function setupReview() {
    var queue = document.getElementById("queue");
    if (!queue) { return; }
    document.documentElement.classList.add("js");
    var items = Array.prototype.slice.call(queue.querySelectorAll("li[data-ref]"));
    var doneCard = document.getElementById("done-card");
    var kept = null;
    try { kept = JSON.parse(sessionStorage.getItem(KEEP) || "null"); } catch (e) { kept = null; }
    sessionStorage.removeItem(KEEP);
    if (kept && kept.path === window.location.pathname) {
      if (doneCard && kept.height) { doneCard.style.minHeight = kept.height + "px"; }
      window.scrollTo(0, kept.y);
    }
    var doctext = document.getElementById("doctext");
    var current = Math.max(0, Math.min(items.length - 1, parseInt(queue.getAttribute("data-current") || "0", 10) || 0));

    function keep(li) {
      sessionStorage.setItem(KEEP, JSON.stringify({ path: window.location.pathname, y: window.scrollY,
                                                     height: li ? li.offsetHeight : 0 }));
    }
    function marks(ref, on) {
      if (!doctext) { return null; }
      var first = null;
      doctext.querySelectorAll("mark.ev").forEach(function (m) {
        var has = (" " + m.getAttribute("data-refs") + " ").indexOf(" " + ref + " ") >= 0;
        m.classList.toggle("on", on && has);
        if (on && has && !first) { first = m; }
      });
      return first;
    }
    function focus(i, scroll) {
      if (!items.length) { return; }
      items[current].classList.remove("current");
      marks(items[current].getAttribute("data-ref"), false);
      current = Math.max(0, Math.min(items.length - 1, i));
      var li = items[current];
      li.classList.add("current");
      var mark = marks(li.getAttribute("data-ref"), true);
      if (scroll !== false) {
        li.scrollIntoView({ block: "nearest" });
        if (mark) { mark.scrollIntoView({ block: "nearest" }); }
      }
    }
    function decide(action) {
      var li = items[current];
      var form = li && li.querySelector('form[data-action="' + action + '"]');
      if (!form) { return; }
      keep(li);
      form.submit();
    }
    function showField(li, name, focusInput) {
      li.querySelectorAll("form.correct label.value").forEach(function (label) {
        var on = label.getAttribute("data-field") === name;
        label.classList.toggle("on", on);
        label.querySelectorAll("input, select").forEach(function (input) { input.disabled = !on; });
        if (on && focusInput) {
          var input = label.querySelector("input, select");
          if (input) { input.focus(); if (input.select && input.type === "text") { input.select(); } }
        }
      });
    }
    function openEdit(li, open) {
      li.classList.toggle("editing", open);
      var field = li.querySelector('form.correct select[name="field"]');
      if (open && field) { field.focus(); }
    }
    items.forEach(function (li, i) {
      li.addEventListener("click", function (ev) {
        if (!li.classList.contains("current")) { focus(i, false); }
        if (ev.target.closest && ev.target.closest("button, a, input, select, label")) { return; }
      });
      var edit = li.querySelector('[data-action="edit"]');
      if (edit) { edit.addEventListener("click", function () { focus(i, false); openEdit(li, !li.classList.contains("editing")); }); }
      var cancel = li.querySelector('[data-action="cancel"]');
      if (cancel) { cancel.addEventListener("click", function () { openEdit(li, false); }); }
      var field = li.querySelector('form.correct select[name="field"]');
      if (field) {
        showField(li, field.value, false);
        field.addEventListener("change", function () { showField(li, field.value, false); });
      }
      li.querySelectorAll("form").forEach(function (form) {
        form.addEventListener("submit", function () { keep(li); });
      });
    });
    document.querySelectorAll("form.undo").forEach(function (form) {
      form.addEventListener("submit", function () { keep(doneCard); });
    });
    if (doctext) {
      doctext.addEventListener("click", function (ev) {
        var m = ev.target.closest ? ev.target.closest("mark.ev") : null;
        if (!m) { return; }
        var refs = m.getAttribute("data-refs").split(" ");
        for (var i = 0; i < items.length; i++) {
          if (refs.indexOf(items[i].getAttribute("data-ref")) >= 0) { focus(i); break; }
        }
      });
    }
    document.addEventListener("keydown", function (ev) {
      if (ev.ctrlKey || ev.metaKey || ev.altKey) { return; }
      if (typing(ev.target)) {
        if (ev.key === "Escape") {
          var open = ev.target.closest ? ev.target.closest("li.editing") : null;
          if (open) { openEdit(open, false); }
          ev.target.blur();
        }
        return;
      }
      var li = items[current];
      if (ev.key === "j" || ev.key === "ArrowDown") { focus(current + 1); ev.preventDefault(); }
      else if (ev.key === "k" || ev.key === "ArrowUp") { focus(current - 1); ev.preventDefault(); }
      else if (ev.key === "c") { decide("confirm"); ev.preventDefault(); }
      else if (ev.key === "x") { decide("reject"); ev.preventDefault(); }
      else if (ev.key === "e" && li && li.querySelector("form.correct")) { openEdit(li, true); ev.preventDefault(); }
      else if (ev.key === "Escape" && li) { openEdit(li, false); }
      else if (ev.key === "u") {
        var undo = document.querySelector("#status form.undo");
        if (undo) { keep(doneCard); undo.submit(); ev.preventDefault(); }
      } else if (ev.key === "o" && li) {
        var link = li.querySelector("a.evidence");
        if (link) { window.location = link.href; }
      }
    });
    if (items.length) { focus(current, !(kept && kept.path === window.location.pathname)); }
    var editing = queue.querySelector("li.editing");
    if (editing) { openEdit(editing, true); }
  }

  document.addEventListener("DOMContentLoaded", function () { setupUpload(); setupReview(); });
})();
