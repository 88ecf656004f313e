// The inbox badge, live: hand-written (not built by esbuild), loaded by base.html on every page.
// /ws/updates/ pushes {"type": "inbox", "unread": n, "items": [...]} when the user's inbox changes;
// the socket is a hint (the count on page load comes from the database), so it just reconnects.
(function () {
  "use strict";
  function connect(badge, delay) {
    var scheme = location.protocol === "https:" ? "wss://" : "ws://";
    var socket = new WebSocket(scheme + location.host + "/ws/updates/");
    socket.onmessage = function (event) {
      var data = JSON.parse(event.data);
      if (data.type !== "inbox") return;
      badge.textContent = String(data.unread);
      badge.classList.toggle("hidden", data.unread === 0);
    };
    socket.onclose = function (event) {
      if (event.code === 4401) return; // signed out
      setTimeout(function () { connect(badge, Math.min(delay * 2, 30000)); }, delay);
    };
  }
  document.addEventListener("DOMContentLoaded", function () {
    var badge = document.getElementById("inbox-badge");
    if (badge) connect(badge, 1000);
  });
})();
