// A room, live: hand-written (not built by esbuild), loaded by rooms/detail.html.
// The page renders the stored history; the socket resumes after its last seq, so every message
// shows once and in order (the server replays what a reconnect missed). Typing and read markers
// ride the same socket; a read marker goes once a burst of messages has settled (the server
// also coalesces and keeps only markers that move forward). Edits and deletes go over the
// socket too and come back to every member as `update` frames that redraw the line. A refusal
// (4404: no longer a member) ends it for good.
(function () {
  "use strict";
  function button(label, className, onClick) {
    var b = document.createElement("button");
    b.type = "button";
    b.className = "ml-1 hover:underline " + className;
    b.textContent = label;
    b.addEventListener("click", onClick);
    return b;
  }
  function line(list, m) {
    var existing = list.querySelector('[data-seq="' + m.seq + '"]');
    var item = existing || document.createElement("li");
    item.className = "px-4 py-2 text-sm";
    item.dataset.seq = String(m.seq);
    item.dataset.author = m.author || "";
    item.dataset.kind = m.kind;
    if (m.deleted) item.dataset.deleted = "1";
    item.textContent = "";
    var who = document.createElement("span");
    who.className = "font-semibold";
    who.textContent = (m.author || "system") + " ";
    var body = document.createElement("span");
    body.className = "message-body" + (m.kind === "system" ? " italic text-slate-600" : "") + (m.deleted ? " text-slate-400" : "");
    body.textContent = m.deleted ? "message deleted" : m.body;
    item.append(who, body);
    if (m.edited && !m.deleted) {
      var edited = document.createElement("span");
      edited.className = "message-edited ml-1 text-xs text-slate-400";
      edited.textContent = "(edited)";
      item.append(edited);
    }
    (m.attachments || []).forEach(function (a) {
      var link = document.createElement("a");
      link.className = "ml-1 text-sky-700 hover:underline";
      link.href = a.url;
      if (a.thumbnail_url) {
        var thumb = document.createElement("img");
        thumb.className = "mt-1 block max-h-48 rounded border border-slate-200";
        thumb.src = a.thumbnail_url;
        thumb.alt = a.name;
        thumb.loading = "lazy";
        link.append(thumb);
      }
      link.append(document.createTextNode(a.name));
      item.append(link);
    });
    if (!existing) {
      list.append(item);
      list.scrollTop = list.scrollHeight;
    }
    return item;
  }
  function start(list) {
    var room = list.dataset.room;
    var afterSeq = Number(list.dataset.afterSeq || 0);
    var typing = document.getElementById("chat-typing");
    var status = document.getElementById("chat-status");
    var form = document.getElementById("chat-form");
    var input = document.getElementById("chat-input");
    var socket = null;
    var lastTyping = 0;
    var typingTimer = null;
    var readSent = 0;
    var readTimer = null;
    var readDue = 0;
    var READ_QUIET_MS = 1000; // a marker once no message came for this long…
    var READ_MAX_WAIT_MS = 5000; // …or this long after the first unread one, in a steady stream
    function sendRead() {
      readTimer = null;
      readDue = 0;
      if (afterSeq <= readSent || document.visibilityState !== "visible") return;
      if (!socket || socket.readyState !== WebSocket.OPEN) return;
      readSent = afterSeq;
      socket.send(JSON.stringify({ type: "read", seq: afterSeq }));
    }
    function scheduleRead() {
      var now = Date.now();
      if (!readDue) readDue = now + READ_MAX_WAIT_MS;
      clearTimeout(readTimer);
      readTimer = setTimeout(sendRead, Math.max(0, Math.min(READ_QUIET_MS, readDue - now)));
    }
    document.addEventListener("visibilitychange", scheduleRead);
    var me = list.dataset.me;
    var moderate = list.dataset.moderate === "1";
    function send(frame) {
      if (!socket || socket.readyState !== WebSocket.OPEN) {
        status.textContent = "Not connected; try again in a moment.";
        return false;
      }
      socket.send(JSON.stringify(frame));
      return true;
    }
    // Edit on the user's own messages, Delete on those and (admins) on everyone's; the change
    // shows once the server sends it back as an update (which redraws the line).
    function controls(item) {
      if (item.dataset.kind !== "user" || item.dataset.deleted) return;
      var mine = item.dataset.author === me;
      if (!mine && !moderate) return;
      var seq = Number(item.dataset.seq);
      var box = document.createElement("span");
      box.className = "message-actions ml-2 text-xs";
      if (mine) box.append(button("Edit", "text-sky-700", function () { edit(item, box, seq); }));
      box.append(button("Delete", "text-red-700", function () {
        if (window.confirm("Delete this message? Its text is gone for everyone.")) send({ type: "delete", seq: seq });
      }));
      item.append(box);
    }
    function edit(item, box, seq) {
      var form = document.createElement("form");
      form.className = "message-edit mt-1 flex gap-2";
      var field = document.createElement("input");
      field.className = "input flex-1";
      field.maxLength = 4000;
      field.value = item.querySelector(".message-body").textContent;
      field.setAttribute("aria-label", "Edit message");
      var save = document.createElement("button");
      save.type = "submit";
      save.className = "btn btn-primary";
      save.textContent = "Save";
      function cancel() { form.remove(); box.hidden = false; }
      form.append(field, save, button("Cancel", "btn btn-secondary", cancel));
      form.addEventListener("submit", function (event) {
        event.preventDefault();
        if (field.value.trim()) send({ type: "edit", seq: seq, body: field.value });
      });
      field.addEventListener("keydown", function (event) { if (event.key === "Escape") cancel(); });
      box.hidden = true;
      item.append(form);
      field.focus();
    }
    function show(m) { controls(line(list, m)); }
    list.querySelectorAll("li[data-seq]").forEach(controls);
    function connect(delay) {
      var scheme = location.protocol === "https:" ? "wss://" : "ws://";
      socket = new WebSocket(scheme + location.host + "/ws/chat/" + room + "/?after_seq=" + afterSeq);
      socket.onopen = function () { status.textContent = ""; delay = 1000; };
      socket.onmessage = function (event) {
        var data = JSON.parse(event.data);
        if (data.type === "messages") {
          data.messages.forEach(function (m) { if (m.seq > afterSeq) { afterSeq = m.seq; show(m); } });
          scheduleRead();
        } else if (data.type === "update") {
          show(data.message);
        } else if (data.type === "typing") {
          typing.textContent = data.user + " is typing…";
          clearTimeout(typingTimer);
          typingTimer = setTimeout(function () { typing.textContent = ""; }, 3000);
        } else if (data.type === "error") {
          status.textContent = Object.values(data.errors).flat().join(" ");
        }
      };
      socket.onclose = function (event) {
        if (event.code === 4404 || event.code === 4401) {
          status.textContent = event.code === 4404 ? "You are no longer a member of this room." : "You were signed out.";
          form.querySelector("button").disabled = true;
          return;
        }
        setTimeout(function () { connect(Math.min(delay * 2, 30000)); }, delay);
      };
    }
    form.addEventListener("submit", function (event) {
      event.preventDefault();
      if (input.value.trim() && send({ type: "message", body: input.value })) input.value = "";
    });
    input.addEventListener("input", function () {
      var now = Date.now();
      if (now - lastTyping > 2000 && socket && socket.readyState === WebSocket.OPEN) {
        lastTyping = now;
        socket.send(JSON.stringify({ type: "typing" }));
      }
    });
    connect(1000);
  }
  document.addEventListener("DOMContentLoaded", function () {
    var list = document.getElementById("chat-messages");
    if (list) start(list);
  });
})();
