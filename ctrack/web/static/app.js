/* ctrack — the little script the pages use (no framework, no network but this server).
   - Upload page: sends each file on its own to POST /api/v1/documents with the session's CSRF
     token, showing its progress and then its result or error.
   - Review queue: keyboard shortcuts j/k (move), c (confirm), x (reject), e (correct), o (open source). */
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

  /* ---------------------------------------------------------------- review queue */
  function setupReview() {
    var queue = document.getElementById("queue");
    if (!queue) { return; }
    var items = Array.prototype.slice.call(queue.querySelectorAll("li[data-ref]"));
    if (!items.length) { return; }
    var current = 0;
    var hash = window.location.hash.match(/^#item-(\d+)$/);
    if (hash) { current = Math.min(items.length - 1, parseInt(hash[1], 10)); }

    function focus(i) {
      items[current].classList.remove("current");
      current = Math.max(0, Math.min(items.length - 1, i));
      items[current].classList.add("current");
      items[current].scrollIntoView({ block: "nearest" });
    }
    function submit(action) {
      var form = items[current].querySelector('form[data-action="' + action + '"]');
      if (!form) { return; }
      var back = form.querySelector('input[name="back"]');
      if (back) { back.value = back.value.split("#")[0] + "#item-" + current; }
      form.submit();
    }
    items.forEach(function (li, i) {
      li.addEventListener("click", function () { focus(i); });
      var edit = li.querySelector('[data-action="edit"]');
      if (edit) {
        edit.addEventListener("click", function () {
          focus(i); li.classList.toggle("editing");
          var field = li.querySelector('form.correct input[name="field"]');
          if (field && li.classList.contains("editing")) { field.focus(); }
        });
      }
    });
    document.addEventListener("keydown", function (ev) {
      var tag = (ev.target.tagName || "").toLowerCase();
      if (tag === "input" || tag === "textarea" || tag === "select" || ev.ctrlKey || ev.metaKey || ev.altKey) {
        if (ev.key === "Escape") { items[current].classList.remove("editing"); ev.target.blur(); }
        return;
      }
      if (ev.key === "j" || ev.key === "ArrowDown") { focus(current + 1); ev.preventDefault(); }
      else if (ev.key === "k" || ev.key === "ArrowUp") { focus(current - 1); ev.preventDefault(); }
      else if (ev.key === "c") { submit("confirm"); }
      else if (ev.key === "x") { submit("reject"); }
      else if (ev.key === "e") {
        var edit = items[current].querySelector('[data-action="edit"]');
        if (edit) { edit.click(); ev.preventDefault(); }
      } else if (ev.key === "o") {
        var link = items[current].querySelector(".sources a");
        if (link) { window.location = link.href; }
      }
    });
    focus(current);
  }

  document.addEventListener("DOMContentLoaded", function () { setupUpload(); setupReview(); });
})();
