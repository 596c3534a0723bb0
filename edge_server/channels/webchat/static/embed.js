/* Switchboard web chat loader: one <script src="https://edge/widget/embed.js" async></script> on a site.
 * Adds a launcher button and an iframe with the chat; only identity and locale cross into the frame
 * (postMessage, origin-checked both ways). No external resources. */
(function () {
  "use strict";
  var script = document.currentScript;
  if (!script || window.__sbWebchatLoaded) { return; }
  window.__sbWebchatLoaded = true;
  var base = new URL(script.src, location.href).origin;
  var ds = script.dataset || {};
  var init = {
    type: "sb-init", user_id: ds.userId || "", user_hash: ds.userHash || "", name: ds.name || "",
    email: ds.email || "", lang: ds.lang || navigator.language || "en"
  };
  var zh = init.lang.toLowerCase().indexOf("zh") === 0;

  var btn = document.createElement("button");
  btn.id = "sb-webchat-launcher";
  btn.type = "button";
  btn.setAttribute("aria-label", zh ? "在线客服" : "Chat with us");
  btn.textContent = zh ? "在线客服" : "Chat";
  var bs = btn.style;
  bs.position = "fixed"; bs.right = "20px"; bs.bottom = "20px"; bs.zIndex = "2147483000";
  bs.padding = "12px 18px"; bs.borderRadius = "24px"; bs.border = "0"; bs.background = "#1565c0";
  bs.color = "#fff"; bs.font = "15px system-ui, sans-serif"; bs.cursor = "pointer";
  bs.boxShadow = "0 2px 8px rgba(0,0,0,.3)";

  var badge = document.createElement("span");
  badge.id = "sb-webchat-unread";
  badge.style.cssText = "display:none;margin-left:8px;background:#e53935;border-radius:9px;padding:0 6px;";
  btn.appendChild(badge);

  var frame = document.createElement("iframe");
  frame.id = "sb-webchat-frame";
  frame.title = btn.getAttribute("aria-label");
  frame.src = base + "/widget/frame.html";
  frame.setAttribute("allow", "clipboard-write");
  var fs = frame.style;
  fs.position = "fixed"; fs.right = "20px"; fs.bottom = "76px"; fs.width = "370px"; fs.height = "560px";
  fs.maxHeight = "calc(100vh - 96px)"; fs.maxWidth = "calc(100vw - 40px)"; fs.border = "0";
  fs.borderRadius = "12px"; fs.boxShadow = "0 4px 24px rgba(0,0,0,.25)"; fs.zIndex = "2147483000";
  fs.background = "#fff"; fs.display = "none";

  var open = false;
  function post(msg) { if (frame.contentWindow) { frame.contentWindow.postMessage(msg, base); } }
  function setOpen(v) {
    open = v;
    fs.display = v ? "block" : "none";
    if (v) { badge.style.display = "none"; }
    post({ type: v ? "sb-open" : "sb-closed" });
  }
  btn.addEventListener("click", function () { setOpen(!open); });
  window.addEventListener("message", function (ev) {
    if (ev.origin !== base || ev.source !== frame.contentWindow) { return; }
    var d = ev.data || {};
    if (d.type === "sb-ready") { post(init); post({ type: open ? "sb-open" : "sb-closed" }); }
    else if (d.type === "sb-hide") { setOpen(false); }
    else if (d.type === "sb-unread" && !open) {
      badge.textContent = String(Number(d.count) || 0);
      badge.style.display = d.count ? "inline-block" : "none";
    }
  });
  function mount() { document.body.appendChild(frame); document.body.appendChild(btn); }
  if (document.body) { mount(); } else { document.addEventListener("DOMContentLoaded", mount); }
})();
