// Logs made with no connection wait on this device and are sent once it returns.
// Each entry carries a client-made id (a UUID): the API stores a repeat as the same entry, so an
// entry whose answer was lost is sent again safely. A refused entry stays here with the reason
// until it is sent or the person discards it: nothing is dropped silently.
(function () {
  "use strict";

  const KEY = "crampless.outbox";
  const ENDPOINTS = { cramps: "/api/v1/cramps/", hydration: "/api/v1/hydration/" };
  const LABELS = { cramps: "Cramp", hydration: "Drink" };
  // Whose entries these are: on a shared device, one person's waiting entries are never sent
  // into the account of whoever signs in next; they wait for their owner (base.html's data-user).
  const ME = document.body.dataset.user || "";
  let sending = false;

  // The words, in the page's language: base.html puts each sentence on <body> (data-t-outbox-*),
  // English here only if a page lacks them. A waiting entry keeps what went wrong, not words, so
  // it reads in whatever language the page is in when it is shown.
  const WORDS = {
    One: "1 entry is kept on this device, waiting to be sent.",
    Many: "{n} entries are kept on this device, waiting to be sent.",
    Cramp: "A cramp, logged {when}.",
    Drink: "A drink, logged {when}.",
    CrampFailed: "A cramp, logged {when}: not sent. {reason}",
    DrinkFailed: "A drink, logged {when}: not sent. {reason}",
    Offline: "No connection yet.",
    Login: "Log in to send it.",
    Server: "The server answered {status}.",
    Discard: "Discard",
    Send: "Send now",
    Kept: "No connection: kept on this device. It will be sent when you are back online.",
  };
  const t = (key, values) =>
    (document.body.dataset["tOutbox" + key] || WORDS[key]).replace(/\{(\w+)\}/g, (m, k) =>
      values && k in values ? values[k] : m
    );

  function mine(items) {
    return items.filter((item) => item.owner === ME);
  }

  function load() {
    try {
      const items = JSON.parse(localStorage.getItem(KEY) || "[]");
      return Array.isArray(items) ? items : [];
    } catch (error) {
      return [];
    }
  }

  function save(items) {
    localStorage.setItem(KEY, JSON.stringify(items));
    render(mine(items));
  }

  function uuid() {
    if (crypto.randomUUID) return crypto.randomUUID();
    const b = crypto.getRandomValues(new Uint8Array(16));
    b[6] = (b[6] & 0x0f) | 0x40;
    b[8] = (b[8] & 0x3f) | 0x80;
    const h = Array.from(b, (x) => x.toString(16).padStart(2, "0")).join("");
    return [h.slice(0, 8), h.slice(8, 12), h.slice(12, 16), h.slice(16, 20), h.slice(20)].join("-");
  }

  function csrfToken() {
    const match = document.cookie.match(/(?:^|;\s*)csrftoken=([^;]+)/);
    return match ? decodeURIComponent(match[1]) : "";
  }

  function add(kind, body) {
    const items = load();
    const id = uuid();
    items.push({
      id, kind, owner: ME, body: { ...body, client_id: id }, queuedAt: new Date().toISOString(),
    });
    save(items);
    flush();
    return id;
  }

  // What went wrong, kept with the entry: {offline}, {login}, {status} or the API's own words.
  function failureOf(response, data) {
    if (response.status === 401 || response.status === 403) return { login: true };
    if (data && typeof data === "object") {
      return {
        detail: Object.entries(data)
          .map(([field, errors]) => field + ": " + [].concat(errors).join(" "))
          .join("; "),
      };
    }
    return { status: response.status };
  }

  // Entries queued before the words were translated kept an English sentence in `error`.
  function failureOfItem(item) {
    if (item.failure) return item.failure;
    if (!item.error) return null;
    return item.error === "No connection yet." ? { offline: true } : { detail: item.error };
  }

  function reasonText(failure) {
    if (failure.offline) return t("Offline");
    if (failure.login) return t("Login");
    if (failure.status) return t("Server", { status: failure.status });
    return failure.detail || "";
  }

  async function sendOne(item) {
    let response;
    try {
      response = await fetch(ENDPOINTS[item.kind], {
        method: "POST",
        credentials: "same-origin",
        headers: {
          "Content-Type": "application/json",
          "X-CSRFToken": csrfToken(),
          // The API's messages (a refused field) in the page's language.
          "Accept-Language": document.documentElement.lang || "en",
        },
        body: JSON.stringify(item.body),
      });
    } catch (error) {
      return { sent: false, failure: { offline: true } };
    }
    if (response.ok) return { sent: true };
    let data = null;
    try {
      data = await response.json();
    } catch (error) {
      data = null;
    }
    return { sent: false, failure: failureOf(response, data) };
  }

  async function flush() {
    if (sending || !navigator.onLine || !ME || mine(load()).length === 0) return;
    sending = true;
    try {
      for (const item of mine(load())) {
        const result = await sendOne(item);
        // Read again: another tab may have sent or queued entries meanwhile.
        const items = load();
        if (result.sent) {
          save(items.filter((other) => other.id !== item.id));
        } else {
          save(
            items.map((other) => {
              if (other.id !== item.id) return other;
              const updated = { ...other, failure: result.failure };
              delete updated.error; // an older entry's English sentence: replaced
              return updated;
            })
          );
          if (result.failure.offline) break;
        }
      }
    } finally {
      sending = false;
    }
  }

  function discard(id) {
    save(load().filter((item) => item.id !== id));
  }

  function render(items) {
    let box = document.querySelector("[data-outbox]");
    if (items.length === 0) {
      if (box) box.remove();
      return;
    }
    if (!box) {
      box = document.createElement("div");
      box.className = "alert alert-info outbox";
      box.setAttribute("role", "status");
      box.dataset.outbox = "";
      const main = document.querySelector("main") || document.body;
      main.prepend(box);
    }
    box.replaceChildren();
    const head = document.createElement("p");
    head.className = "mb-1";
    head.textContent = items.length === 1 ? t("One") : t("Many", { n: items.length });
    box.append(head);
    const list = document.createElement("ul");
    list.className = "mb-2 small";
    items.forEach((item) => {
      const li = document.createElement("li");
      const when = new Date(item.queuedAt).toLocaleString(document.documentElement.lang || undefined);
      const failure = failureOfItem(item);
      li.textContent = failure
        ? t(LABELS[item.kind] + "Failed", { when, reason: reasonText(failure) })
        : t(LABELS[item.kind], { when });
      li.dataset.outboxItem = item.id;
      if (failure && !failure.offline) {
        const button = document.createElement("button");
        button.type = "button";
        button.className = "btn btn-link btn-sm p-0 ms-2 align-baseline";
        button.textContent = t("Discard");
        button.addEventListener("click", () => discard(item.id));
        li.append(button);
      }
      list.append(li);
    });
    box.append(list);
    const send = document.createElement("button");
    send.type = "button";
    send.className = "btn btn-sm btn-primary";
    send.textContent = t("Send");
    send.addEventListener("click", flush);
    box.append(send);
  }

  // --- Forms that opt in with data-offline-log="cramps" or "hydration" ---------------------

  function fieldValue(form, name) {
    const field = form.elements.namedItem(name);
    if (!field) return "";
    return (field.value || "").trim();
  }

  function pairs(text) {
    // "key=value;key=value" from a data attribute.
    return Object.fromEntries(
      (text || "").split(";").filter(Boolean).map((pair) => pair.split("="))
    );
  }

  function bodyOf(form) {
    const kind = form.dataset.offlineLog;
    const now = new Date().toISOString();
    if (kind === "hydration") {
      const body = { amount_ml: parseInt(fieldValue(form, "amount_ml"), 10), at: fieldValue(form, "at") || now };
      const drink = fieldValue(form, "drink");
      if (drink) body.drink = drink;
      return body;
    }
    const body = {
      side: fieldValue(form, "side"),
      severity: parseInt(fieldValue(form, "severity"), 10),
      started_at: fieldValue(form, "started_at") || now,
    };
    ["muscle", "context", "notes"].forEach((name) => {
      const value = fieldValue(form, name);
      if (value) body[name] = value;
    });
    const minutes = parseInt(fieldValue(form, "duration_minutes"), 10);
    const seconds = pairs(form.dataset.durations)[fieldValue(form, "duration")];
    if (minutes > 0) body.duration_seconds = minutes * 60;
    else if (seconds) body.duration_seconds = parseInt(seconds, 10);
    const trials = pairs(form.dataset.trials);
    body.techniques_tried = Object.entries(trials)
      .map(([field, slug]) => ({ field: fieldValue(form, field), slug }))
      .filter((t) => t.field)
      .map((t) => ({ technique: t.slug, outcome: t.field === "tried" ? "" : t.field }));
    return body;
  }

  document.addEventListener("submit", (event) => {
    const form = event.target;
    if (form.matches && form.matches('form[action$="/logout/"]')) {
      // Pages kept for this account go with it (the public relief pages stay).
      if (window.caches) caches.delete("crampless-mine");
      return;
    }
    if (!form.dataset || !form.dataset.offlineLog || navigator.onLine) return;
    event.preventDefault();
    add(form.dataset.offlineLog, bodyOf(form));
    const note = document.createElement("p");
    note.className = "alert alert-success mt-2";
    note.setAttribute("role", "status");
    note.textContent = t("Kept");
    form.after(note);
  });

  window.addEventListener("online", flush);
  document.addEventListener("visibilitychange", () => {
    if (document.visibilityState === "visible") flush();
  });
  window.crampless = Object.assign(window.crampless || {}, { outbox: { add, flush, load } });
  render(mine(load()));
  flush();
})();
