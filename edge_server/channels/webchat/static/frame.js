/* Switchboard web chat frame: the chat UI and its WebSocket client.
 * Rules: every text from the network goes in with textContent (never innerHTML); messages are ordered by
 * the edge's seq, never by clocks; every send carries a client_msg_id and stays pending until acked, and
 * pending sends are resent after a reconnect (the edge ignores repeats). */
(function () {
  "use strict";
  var TOKEN_KEY = "sb_webchat_token";
  var RATED_KEY = "sb_webchat_rated";
  var $ = function (id) { return document.getElementById(id); };
  var S = {
    ws: null, token: "", visitorId: "", lastSeq: 0, interactionId: "", istate: "", view: "",
    pending: [], heartbeat: 5, lastRx: 0, backoff: 500, limits: null, prechat: null, agentReadSeq: 0,
    agentNames: [], open: true, init: null, lang: "en", typingOn: false, typingSentAt: 0, typingTimer: 0,
    agentTypingTimer: 0, unread: 0, stars: 0, connected: false, readSent: 0
  };
  var T = window.SB_I18N.en;

  function t(key, vars) {
    var s = T[key] || window.SB_I18N.en[key] || key;
    if (vars) { Object.keys(vars).forEach(function (k) { s = s.split("{" + k + "}").join(String(vars[k])); }); }
    return s;
  }
  function uuid() {
    if (window.crypto && crypto.randomUUID) { return crypto.randomUUID().replace(/-/g, ""); }
    var a = new Uint8Array(16); crypto.getRandomValues(a);
    return Array.prototype.map.call(a, function (b) { return ("0" + b.toString(16)).slice(-2); }).join("");
  }
  function store(key, value) { try { localStorage.setItem(key, value); } catch (e) { /* private mode */ } }
  function load(key) { try { return localStorage.getItem(key) || ""; } catch (e) { return ""; } }
  function rated() { try { return JSON.parse(load(RATED_KEY) || "{}"); } catch (e) { return {}; } }

  function applyTexts() {
    document.documentElement.lang = S.lang;
    document.querySelectorAll("[data-i18n]").forEach(function (el) { el.textContent = t(el.dataset.i18n); });
    document.querySelectorAll("[data-i18n-label]").forEach(function (el) {
      el.setAttribute("aria-label", t(el.dataset.i18nLabel)); el.title = t(el.dataset.i18nLabel);
    });
    $("input").placeholder = t("placeholder");
    $("rating-comment").placeholder = t("rate_comment");
    $("title").textContent = t("title");
  }

  function show(view) {
    S.view = view;
    ["prechat", "offline", "chat"].forEach(function (v) { $(v).hidden = v !== view; });
    $("end-btn").hidden = !(view === "chat" && isLive());
  }
  function isLive() { return S.istate && S.istate !== "closed" && S.istate !== "wrapup"; }
  function banner(text) { var b = $("banner"); b.textContent = text || ""; b.hidden = !text; }
  var noticeTimer = 0;
  function notice(text) {
    var n = $("notice"); n.textContent = text || ""; n.hidden = !text;
    clearTimeout(noticeTimer);
    if (text) { noticeTimer = setTimeout(function () { n.hidden = true; }, 6000); }
  }
  function toParent(msg) { if (window.parent !== window) { window.parent.postMessage(msg, "*"); } }

  // --- socket -------------------------------------------------------------------------------
  function send(frame) {
    if (S.ws && S.ws.readyState === 1) { S.ws.send(JSON.stringify(frame)); return true; }
    return false;
  }
  function connect() {
    var url = (location.protocol === "https:" ? "wss://" : "ws://") + location.host + "/widget/ws";
    var ws;
    try { ws = new WebSocket(url); } catch (e) { scheduleReconnect(); return; }
    S.ws = ws;
    ws.onopen = function () {
      S.lastRx = Date.now();
      var i = S.init || {};
      ws.send(JSON.stringify({ type: "hello", token: S.token, client: {
        user_id: i.user_id || "", user_hash: i.user_hash || "", name: i.name || "", email: i.email || "",
        lang: S.lang } }));
    };
    ws.onmessage = function (ev) {
      S.lastRx = Date.now();
      var f;
      try { f = JSON.parse(ev.data); } catch (e) { return; }
      var h = handlers[f.type];
      if (h) { h(f); }
    };
    ws.onclose = function () {
      if (S.ws !== ws) { return; }
      S.ws = null; S.connected = false;
      banner(t("reconnecting"));
      scheduleReconnect();
    };
  }
  function scheduleReconnect() {
    var delay = S.backoff * (0.5 + Math.random());  // jitter: tabs and visitors do not reconnect in step
    S.backoff = Math.min(S.backoff * 2, 30000);
    setTimeout(connect, delay);
  }
  setInterval(function () {  // two missed server pings: the socket is dead even if the browser has not noticed
    if (S.ws && S.ws.readyState === 1 && Date.now() - S.lastRx > 2.5 * S.heartbeat * 1000) { S.ws.close(); }
  }, 1000);

  // --- server frames ---------------------------------------------------------------------
  var handlers = {
    welcome: function (f) {
      S.connected = true; S.backoff = 500; banner("");
      S.token = f.token; S.visitorId = f.visitor_id; store(TOKEN_KEY, f.token);
      S.heartbeat = f.heartbeat_s || 5; S.limits = f.limits; S.prechat = f.prechat;
      $("title").textContent = f.title || t("title");
      $("attach-label").hidden = !(f.limits && f.limits.attachment_types && f.limits.attachment_types.length);
      if (f.state === "chat" && f.interaction) {
        setInteraction(f.interaction);
        show("chat");
        send({ type: "resume", after_seq: S.lastSeq });
      } else if (S.interactionId && S.istate !== "closed") {
        // Our chat ended while we were away: fetch the end (rating) before anything else.
        send({ type: "resume", after_seq: S.lastSeq });
        show("chat");
      } else if (S.view !== "chat" || !S.interactionId) {
        if (f.state === "offline") { showOffline(); } else { showPrechat(); }
      }
      S.pending.forEach(function (p) { send(p.frame); });
    },
    message: function (f) { renderMessage(f); },
    ack: function (f) {
      var idx = S.pending.findIndex(function (p) { return p.id === f.client_msg_id; });
      if (idx >= 0) { S.pending.splice(idx, 1); }
      var li = findByCmid(f.client_msg_id);
      if (li) { setSeq(li, f.seq); }
      if (f.seq > S.lastSeq) { S.lastSeq = f.seq; }
    },
    interaction: function (f) { setInteraction(f); },
    typing: function (f) {
      var el = $("typing");
      clearTimeout(S.agentTypingTimer);
      if (f.on) {
        el.textContent = t("typing", { name: f.name || t("agent") }); el.hidden = false;
        S.agentTypingTimer = setTimeout(function () { el.hidden = true; }, 30000);  // the edge's expiry too
      } else { el.hidden = true; }
    },
    error: function (f) {
      if (f.code === "throttled") {
        notice(t("slow_down"));
        var p = S.pending.find(function (x) { return x.id === f.client_msg_id; });
        if (p) { setTimeout(function () { send(p.frame); }, 1500); }
        return;
      }
      if (f.client_msg_id) {
        var i = S.pending.findIndex(function (x) { return x.id === f.client_msg_id; });
        var frame = i >= 0 ? S.pending[i].frame : null;
        if (i >= 0) { S.pending.splice(i, 1); }
        var li = findByCmid(f.client_msg_id);
        if (f.code === "unavailable" && frame && frame.type === "start") {
          if (li) { li.remove(); }
          showOffline(frame.text);
          return;
        }
        if (li) { li.classList.add("failed"); setReceipt(li, t("failed"), false); }
      }
      notice(t("error", { msg: f.message || f.code }));
    },
    done: function (f) {
      if (f.what === "rate") { $("rating-done").hidden = false; $("stars").hidden = true;
        $("rating-comment").hidden = true; $("rating-send").hidden = true; }
      else if (f.what === "offline") { $("offline-form").hidden = true; $("offline-done").hidden = false; }
      else if (f.what === "leave") { notice(t("left")); }
    },
    ping: function () { send({ type: "pong" }); },
    pong: function () {}
  };

  function setInteraction(f) {
    if (f.interaction_id !== S.interactionId) {
      S.interactionId = f.interaction_id; S.lastSeq = 0; S.agentReadSeq = 0; S.readSent = 0;
      $("messages").textContent = "";
      $("rating").hidden = true; $("new-chat").hidden = true;
    }
    S.istate = f.state;
    S.agentNames = f.agents || [];
    if (typeof f.agent_read_seq === "number" && f.agent_read_seq > S.agentReadSeq) { S.agentReadSeq = f.agent_read_seq; }
    updateReceipts();
    var line = $("agent-line");
    if (f.state === "connected" && S.agentNames.length) { line.textContent = t("joined", { name: S.agentNames.join(", ") }); }
    else if (f.state === "closed" || f.state === "wrapup") { line.textContent = t("ended"); }
    else if (f.state === "flow") { line.textContent = t("bot"); }
    else { line.textContent = t("waiting"); }
    var ended = f.state === "closed" || f.state === "wrapup";
    $("composer").hidden = ended;
    if (ended) {
      $("typing").hidden = true;
      var already = rated()[S.interactionId];
      $("rating").hidden = false;
      if (already) { handlers.done({ what: "rate" }); }
      $("new-chat").hidden = f.state !== "closed" && !already;
    }
    if (S.view === "chat") { show("chat"); }
  }

  // --- messages ------------------------------------------------------------------------------
  function fmtTime(ms) {
    var d = new Date(ms);
    return ("0" + d.getHours()).slice(-2) + ":" + ("0" + d.getMinutes()).slice(-2);
  }
  function findByCmid(id) {
    if (!id) { return null; }
    var all = $("messages").children;
    for (var i = 0; i < all.length; i++) { if (all[i].dataset.cmid === id) { return all[i]; } }
    return null;
  }
  function findBySeq(seq) { return $("messages").querySelector('li[data-seq="' + Number(seq) + '"]'); }
  function place(li, seq) {
    // Keep the list sorted by seq; pending bubbles (no seq yet) stay at the end.
    var list = $("messages");
    var kids = list.children;
    for (var i = 0; i < kids.length; i++) {
      var s = Number(kids[i].dataset.seq || 0);
      if (kids[i] !== li && (s === 0 || s > seq)) { list.insertBefore(li, kids[i]); return; }
    }
    list.appendChild(li);
  }
  function setSeq(li, seq) {
    li.dataset.seq = String(seq);
    li.classList.remove("pending", "failed");
    place(li, seq);
    updateReceipt(li);
  }
  function setReceipt(li, text, isRead) {
    var r = li.querySelector(".receipt");
    if (r) { r.textContent = text; r.classList.toggle("read", !!isRead); r.title = text; }
  }
  function updateReceipt(li) {
    if (!li.classList.contains("customer") || li.classList.contains("failed")) { return; }
    var seq = Number(li.dataset.seq || 0);
    if (!seq) { setReceipt(li, "…", false); return; }
    var isRead = S.agentReadSeq >= seq;
    setReceipt(li, isRead ? "✓✓" : "✓", isRead);
    li.querySelector(".receipt").setAttribute("aria-label", isRead ? t("read") : t("delivered"));
  }
  function updateReceipts() {
    var kids = $("messages").children;
    for (var i = 0; i < kids.length; i++) { updateReceipt(kids[i]); }
  }
  function buildBubble(kind, text, attachments, authorName, tsMs) {
    var li = document.createElement("li");
    li.className = "msg " + kind;
    var bubble = document.createElement("div");
    bubble.className = "bubble";
    if (text) { bubble.appendChild(document.createTextNode(text)); }
    (attachments || []).forEach(function (a) {
      var url = "/widget/attachment/" + encodeURIComponent(a.attachment_id) + "?token=" + encodeURIComponent(S.token);
      var link = document.createElement("a");
      link.href = url; link.target = "_blank"; link.rel = "noopener";
      if (/^image\/(png|jpeg|gif)$/.test(a.content_type || "")) {
        var img = document.createElement("img"); img.src = url; img.alt = a.name || ""; link.appendChild(img);
      } else { link.textContent = "📎 " + (a.name || "file"); }
      var div = document.createElement("div"); div.appendChild(link); bubble.appendChild(div);
    });
    li.appendChild(bubble);
    if (kind !== "system") {
      var meta = document.createElement("div");
      meta.className = "meta";
      var who = kind === "customer" ? "" : (authorName || t("agent")) + " · ";
      meta.appendChild(document.createTextNode(who + fmtTime(tsMs || Date.now())));
      if (kind === "customer") {
        var r = document.createElement("span"); r.className = "receipt"; r.textContent = "…"; meta.appendChild(r);
      }
      li.appendChild(meta);
    }
    return li;
  }
  function renderMessage(f) {
    if (f.interaction_id !== S.interactionId) {
      if (!S.interactionId) { setInteraction({ interaction_id: f.interaction_id, state: "queued" }); }
      else { return; }
    }
    if (f.seq > S.lastSeq) { S.lastSeq = f.seq; }
    if (findBySeq(f.seq)) { return; }  // a replay of what we have: never a duplicate
    var mine = f.author_kind === "customer";
    var li = mine ? findByCmid(f.client_msg_id) : null;
    if (li) { setSeq(li, f.seq); return; }
    var kind = mine ? "customer" : (f.author_kind === "system" || f.author_kind === "bot" ? f.author_kind : "agent");
    li = buildBubble(kind, f.text, f.attachments, f.author_name, f.ts_ms);
    li.dataset.seq = String(f.seq);
    if (f.client_msg_id) { li.dataset.cmid = f.client_msg_id; }
    place(li, f.seq);
    updateReceipt(li);
    $("messages").scrollTop = $("messages").scrollHeight;
    if (!mine) {
      if (kind === "agent" || kind === "bot") { $("typing").hidden = true; }
      if (S.open && document.visibilityState === "visible") { markRead(); }
      else { S.unread += 1; toParent({ type: "sb-unread", count: S.unread }); }
    }
  }
  function markRead() {
    S.unread = 0; toParent({ type: "sb-unread", count: 0 });
    if (S.lastSeq > S.readSent && isLive()) { S.readSent = S.lastSeq; send({ type: "read", seq: S.lastSeq }); }
  }
  document.addEventListener("visibilitychange", function () { if (document.visibilityState === "visible" && S.open) { markRead(); } });

  function queueSend(frame, text, attachments) {
    S.pending.push({ id: frame.client_msg_id, frame: frame });
    var li = buildBubble("customer", text, attachments, "", Date.now());
    li.dataset.cmid = frame.client_msg_id;
    li.classList.add("pending");
    $("messages").appendChild(li);
    $("messages").scrollTop = $("messages").scrollHeight;
    send(frame);  // if the socket is down it goes out after the next welcome
  }

  // --- views -----------------------------------------------------------------------------
  function showPrechat() {
    var form = $("prechat-form");
    ["name", "email", "phone"].forEach(function (k) {
      var mode = (S.prechat && S.prechat[k]) || "optional";
      var label = form.querySelector('[data-field="' + k + '"]');
      label.hidden = mode === "hidden";
      label.querySelector("span").classList.toggle("req", mode === "required");
      form.elements[k].required = mode === "required";
    });
    if (S.init && S.init.name && !form.elements.name.value) { form.elements.name.value = S.init.name; }
    if (S.init && S.init.email && !form.elements.email.value) { form.elements.email.value = S.init.email; }
    show("prechat");
  }
  function showOffline(text) {
    var form = $("offline-form");
    if (text) { form.elements.text.value = text; }
    if (S.init && S.init.name && !form.elements.name.value) { form.elements.name.value = S.init.name; }
    form.hidden = false; $("offline-done").hidden = true;
    show("offline");
  }

  $("prechat-form").addEventListener("submit", function (ev) {
    ev.preventDefault();
    var form = ev.target;
    var missing = Array.prototype.filter.call(form.querySelectorAll("input, textarea"), function (el) {
      return el.required && !el.closest("label").hidden && !el.value.trim();
    });
    if (missing.length) { missing[0].focus(); notice(t("required")); return; }
    var text = form.elements.text.value.trim();
    var frame = { type: "start", client_msg_id: uuid(), text: text, name: form.elements.name.value.trim(),
      email: form.elements.email.value.trim(), phone: form.elements.phone.value.trim() };
    S.interactionId = ""; S.istate = "queued";
    $("messages").textContent = ""; $("rating").hidden = true; $("new-chat").hidden = true; $("composer").hidden = false;
    show("chat");
    $("agent-line").textContent = t("waiting");
    queueSend(frame, text, []);
    form.elements.text.value = "";
  });
  $("offline-form").addEventListener("submit", function (ev) {
    ev.preventDefault();
    var form = ev.target;
    var text = form.elements.text.value.trim();
    if (!text) { form.elements.text.focus(); notice(t("required")); return; }
    send({ type: "offline", name: form.elements.name.value.trim(), email: form.elements.email.value.trim(), text: text });
  });

  function sendComposer() {
    var input = $("input");
    var text = input.value.replace(/\s+$/, "");
    if (!text.trim()) { return; }
    input.value = "";
    typingOff();
    queueSend({ type: "send", client_msg_id: uuid(), text: text }, text, []);
  }
  $("composer").addEventListener("submit", function (ev) { ev.preventDefault(); sendComposer(); });
  $("input").addEventListener("keydown", function (ev) {
    if (ev.key === "Enter" && !ev.shiftKey && !ev.isComposing) { ev.preventDefault(); sendComposer(); }
  });
  $("input").addEventListener("input", function () {
    var now = Date.now();
    // Throttled: at most one "on" every 2 s while typing; "off" after 3 s without a key.
    if (!S.typingOn || now - S.typingSentAt >= 2000) {
      if ($("input").value) { S.typingOn = true; S.typingSentAt = now; send({ type: "typing", on: true }); }
    }
    clearTimeout(S.typingTimer);
    S.typingTimer = setTimeout(typingOff, 3000);
  });
  function typingOff() {
    clearTimeout(S.typingTimer);
    if (S.typingOn) { S.typingOn = false; send({ type: "typing", on: false }); }
  }

  $("file").addEventListener("change", function (ev) {
    var file = ev.target.files && ev.target.files[0];
    ev.target.value = "";
    if (!file || !S.limits) { return; }
    if (file.size > S.limits.max_attachment_bytes) {
      notice(t("too_big", { max: Math.round(S.limits.max_attachment_bytes / 1048576) + " MB" })); return;
    }
    if (S.limits.attachment_types.indexOf(file.type) < 0) { notice(t("bad_type")); return; }
    var body = new FormData();
    body.append("file", file, file.name);
    fetch("/widget/upload", { method: "POST", headers: { "X-Visitor-Token": S.token }, body: body })
      .then(function (r) { return r.json().then(function (j) { return { ok: r.ok, j: j }; }); })
      .then(function (res) {
        if (!res.ok) { notice(res.j.message || t("upload_failed")); return; }
        queueSend({ type: "send", client_msg_id: uuid(), text: "", attachment_ids: [res.j.attachment_id] }, "",
          [res.j]);
      })
      .catch(function () { notice(t("upload_failed")); });
  });

  // rating
  (function () {
    var stars = $("stars");
    for (var i = 1; i <= 5; i++) {
      var b = document.createElement("button");
      b.type = "button"; b.textContent = "★"; b.dataset.score = String(i);
      b.setAttribute("role", "radio"); b.setAttribute("aria-label", String(i));
      stars.appendChild(b);
    }
    stars.addEventListener("click", function (ev) {
      var b = ev.target.closest("button");
      if (!b) { return; }
      S.stars = Number(b.dataset.score);
      Array.prototype.forEach.call(stars.children, function (s) { s.classList.toggle("on", Number(s.dataset.score) <= S.stars); });
      $("rating-send").disabled = false;
    });
  })();
  $("rating-send").addEventListener("click", function () {
    if (!S.stars) { return; }
    var r = rated(); r[S.interactionId] = S.stars; store(RATED_KEY, JSON.stringify(r));
    send({ type: "rate", score: S.stars, comment: $("rating-comment").value.trim() });
    $("new-chat").hidden = false;
  });
  $("new-chat").addEventListener("click", function () {
    S.interactionId = ""; S.istate = ""; S.lastSeq = 0; S.stars = 0;
    $("messages").textContent = ""; $("rating").hidden = true; $("new-chat").hidden = true;
    $("rating-done").hidden = true; $("stars").hidden = false; $("rating-comment").hidden = false;
    $("rating-send").hidden = false; $("rating-send").disabled = true; $("rating-comment").value = "";
    Array.prototype.forEach.call($("stars").children, function (s) { s.classList.remove("on"); });
    if (S.ws) { S.view = ""; S.ws.close(); } else { showPrechat(); }  // a fresh welcome says prechat or offline
  });
  $("end-btn").addEventListener("click", function () { send({ type: "leave" }); });
  $("close-btn").addEventListener("click", function () { toParent({ type: "sb-hide" }); });

  // --- start ---------------------------------------------------------------------------------
  function begin(init) {
    if (S.init) { return; }
    S.init = init || {};
    var lang = (S.init.lang || navigator.language || "en").toLowerCase();
    S.lang = lang.indexOf("zh") === 0 ? "zh" : "en";
    T = window.SB_I18N[S.lang];
    applyTexts();
    banner(t("connecting"));
    connect();
  }
  window.addEventListener("message", function (ev) {
    if (ev.source !== window.parent) { return; }
    var d = ev.data || {};
    if (d.type === "sb-init") { begin(d); }
    else if (d.type === "sb-open") { S.open = true; markRead(); $("input").focus(); }
    else if (d.type === "sb-closed") { S.open = false; }
  });
  S.token = load(TOKEN_KEY);
  // Test hook (selenium): the state and a way to drop the socket as a network failure would.
  window.sbWebchat = { state: S, drop: function () { if (S.ws) { S.ws.close(); } } };
  if (window.parent === window) {
    var q = new URLSearchParams(location.search);
    begin({ lang: q.get("lang") || "" });
  } else {
    S.open = false;
    toParent({ type: "sb-ready" });
    setTimeout(function () { begin({}); }, 2000);  // no answer from the page: run without identity
  }
})();
