// The cramp-now guide, step by step: one technique at a time with a countdown for its duration.
// Progressive enhancement: without this file the server-rendered page lists every step, and the
// "Log this cramp" link carries every guide technique. With it, the link carries the ones used.
(function () {
  "use strict";

  const list = document.querySelector("[data-guide-list]");
  const player = document.querySelector("[data-guide-player]");
  if (!list || !player) return;
  const items = Array.from(list.querySelectorAll("[data-slug]"));
  if (items.length === 0) return;

  const section = list.closest("section") || list.parentElement;
  const clotCheck = document.querySelector("[data-clot-check]");
  const clearedNote = document.querySelector("[data-clot-cleared-note]");
  // Safety first: no massage step and no player until the clot question is answered "No"
  // (guide.css hides them; "Yes" submits the form and leaves for the urgent-care page).
  const cleared = () => section.classList.contains("clot-cleared");
  const status = player.querySelector("[data-player-status]");
  const timer = player.querySelector("[data-player-timer]");
  const buttons = {};
  document.querySelectorAll("[data-action]").forEach((el) => {
    buttons[el.dataset.action] = el;
  });
  const logLink = document.querySelector("[data-log-link]");
  // The page's language: the template puts each phrase on the player (data-t-*), English if not.
  const t = (key, fallback, values) =>
    (player.dataset["t" + key] || fallback).replace(/\{(\w+)\}/g, (m, k) =>
      values && k in values ? values[k] : m
    );

  let index = 0;
  let remaining = 0;
  let endsAt = 0;
  let ticker = null;
  let wakeLock = null;
  let interacted = false;
  const used = new Set();

  function duration(item) {
    const seconds = parseInt(item.dataset.duration, 10);
    return Number.isFinite(seconds) && seconds > 0 ? seconds : 30;
  }

  function format(seconds) {
    const m = Math.floor(seconds / 60);
    const s = seconds % 60;
    return m + ":" + String(s).padStart(2, "0");
  }

  function nameOf(item) {
    const title = item.querySelector(".card-title");
    return title ? title.textContent.replace(/\s+/g, " ").trim() : "";
  }

  // The cramp started about when the guide was opened: the log form (after a log-in or a
  // sign-up, if need be: the time rides in the link) starts from it.
  const openedAt = new Date().toISOString();

  function updateLogLink() {
    if (!logLink) return;
    const params = new URLSearchParams();
    if (interacted) {
      items.forEach((item) => {
        if (used.has(item.dataset.slug)) params.append("tried", item.dataset.slug);
      });
    } else {
      new URL(logLink.href).searchParams.getAll("tried").forEach((slug) => params.append("tried", slug));
    }
    params.set("at", openedAt);
    logLink.href = logLink.dataset.logBase + "?" + params.toString();
  }

  // A technique counts as used once the user has reached it by the buttons or started its timer.
  function markUsed() {
    if (!interacted) return;
    used.add(items[index].dataset.slug);
    updateLogLink();
  }

  function keepAwake(on) {
    if (on && "wakeLock" in navigator && !wakeLock) {
      navigator.wakeLock.request("screen").then((lock) => { wakeLock = lock; }, () => {});
    } else if (!on && wakeLock) {
      wakeLock.release().catch(() => {});
      wakeLock = null;
    }
  }

  function setRunning(running) {
    buttons.start.hidden = running;
    buttons.pause.hidden = !running;
    keepAwake(running);
  }

  function stop() {
    if (ticker !== null) clearInterval(ticker);
    ticker = null;
    setRunning(false);
  }

  function render() {
    timer.textContent = format(remaining);
    timer.classList.toggle("is-done", remaining === 0);
  }

  function show(newIndex) {
    stop();
    index = Math.max(0, Math.min(items.length - 1, newIndex));
    items.forEach((item, i) => item.classList.toggle("is-current", i === index));
    remaining = duration(items[index]);
    buttons.start.textContent = t("Start", "Start");
    buttons.back.disabled = index === 0;
    buttons.next.textContent =
      index === items.length - 1 ? t("Finish", "Finish") : t("Next", "Next");
    status.textContent = t("Step", "Step {n} of {total}: {name}", {
      n: index + 1,
      total: items.length,
      name: nameOf(items[index]),
    });
    render();
    markUsed();
  }

  function tick() {
    remaining = Math.max(0, Math.ceil((endsAt - Date.now()) / 1000));
    render();
    if (remaining === 0) {
      stop();
      buttons.start.textContent = t("Again", "Again");
      status.textContent = t("Done", "Time's up. Tap {next} when you're ready.", {
        next: buttons.next.textContent,
      });
      if (navigator.vibrate) navigator.vibrate(200);
    }
  }

  function start() {
    if (!cleared()) return;
    interacted = true;
    if (remaining === 0) remaining = duration(items[index]);
    markUsed();
    endsAt = Date.now() + remaining * 1000;
    setRunning(true);
    ticker = setInterval(tick, 250);
    render();
  }

  function pause() {
    stop();
    buttons.start.textContent = t("Resume", "Resume");
  }

  function move(step) {
    if (!cleared()) return;
    interacted = true;
    markUsed();
    if (step > 0 && index === items.length - 1) {
      stop();
      document.getElementById("guide-end")?.scrollIntoView({ behavior: "smooth" });
      return;
    }
    show(index + step);
    items[index].scrollIntoView({ block: "start", behavior: "smooth" });
  }

  function stepMode(on) {
    if (on && !cleared()) return;
    section.classList.toggle("guide-stepping", on);
    player.hidden = !on;
    buttons.steps.hidden = on;
    if (on) show(index);
    else stop();
  }

  buttons.start.addEventListener("click", start);
  buttons.pause.addEventListener("click", pause);
  buttons.next.addEventListener("click", () => move(1));
  buttons.back.addEventListener("click", () => move(-1));
  buttons.list.addEventListener("click", () => stepMode(false));
  buttons.steps.addEventListener("click", () => stepMode(true));
  document.addEventListener("visibilitychange", () => {
    // The screen lock is dropped when the page is hidden; ask again when it comes back.
    if (document.visibilityState === "visible" && ticker !== null) keepAwake(true);
    else if (document.visibilityState === "hidden") wakeLock = null;
  });

  updateLogLink();
  if (clotCheck) {
    clotCheck.querySelector("[data-clot-no]").addEventListener("click", (event) => {
      event.preventDefault();
      section.classList.add("clot-cleared");
      clotCheck.hidden = true;
      if (clearedNote) clearedNote.hidden = false;
      stepMode(true);
      items[index].scrollIntoView({ block: "start" });
    });
  }
  stepMode(true);
})();
