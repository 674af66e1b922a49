// The phone page, live: follows the ticket's own event stream and changes only what changed.
// Without this script the page still works (it looks again every 45 s until the visit is over).
"use strict";

(() => {
  const main = document.querySelector("main[data-stream]");
  if (!main) return;
  const body = document.body;
  const language = document.documentElement.lang;
  const OVER = ["done", "cancelled"];
  // A phone that slept, or a network that dropped the connection silently: no event (not even the
  // ping every 15 s) for this long means the stream is dead; open a new one.
  const SILENCE_MS = 40000;

  let state = main.dataset.state;
  let calledAt = main.dataset.calledAt;
  let counterName = (main.querySelector("[data-field=counter]") || {}).textContent || "";
  let source = null;
  let lastHeard = Date.now();
  let audio = null;

  const all = (selector) => Array.from(main.querySelectorAll(selector));
  const show = (name, visible) => all(`[data-show="${name}"]`).forEach((el) => { el.hidden = !visible; });
  const setField = (name, value) => all(`[data-field="${name}"]`).forEach((el) => {
    if (el.textContent !== String(value)) el.textContent = value;
  });
  const nameIn = (names) => (names && (names[language] || Object.values(names)[0])) || "";

  function apply(status, announced) {
    const previous = state;
    if (status.status === "waiting") {
      setField("position", status.position);
      show("next", status.position === 0);
      show("ahead", status.position !== 0);
      show("wait-known", Boolean(status.wait));
      show("wait-unknown", !status.wait);
      if (status.wait) {
        setField("wait-low", status.wait.low_min);
        setField("wait-high", status.wait.high_min);
      }
    }
    setField("service", nameIn(status.service_names));
    const from = nameIn(status.transferred_from_names);
    setField("transferred-from", from);
    show("transferred", Boolean(from));
    counterName = (status.counter_names && status.counter_names[language]) || status.counter_name || status.counter || "";
    setField("counter", counterName);
    if (status.status !== previous) {
      all("[data-for-state]").forEach((el) => { el.hidden = el.dataset.forState !== status.status; });
      body.className = `state-${status.status}`;
      main.dataset.state = state = status.status;
    }
    const newCall = status.status === "called" && (announced || status.called_at !== calledAt);
    calledAt = status.called_at;
    if (newCall) announce(announced === "recall" || previous === "called");
    if (status.status !== "called") document.title = main.dataset.title;
    if (OVER.includes(status.status)) stop();
  }

  // -- "It is your turn": the view, the title, vibration, a sound, a notification.

  function announce(again) {
    show("first-call", !again);
    show("called-again", again);
    const title = (again ? main.dataset.titleAgain : main.dataset.titleTurn).replace("{counter}", counterName);
    document.title = title;
    body.classList.remove("alerting");
    void body.offsetWidth; // restart the flashing for a recall
    body.classList.add("alerting");
    main.dataset.announcements = String(Number(main.dataset.announcements || 0) + 1);
    if (navigator.vibrate) navigator.vibrate([600, 250, 600, 250, 1200]);
    chime();
    notify(title);
  }

  function unlockSound() {
    // Browsers let a page play sound only after the visitor touched it.
    const Context = window.AudioContext || window.webkitAudioContext;
    if (!audio && Context) audio = new Context();
    if (audio && audio.state === "suspended") audio.resume();
    show("sound-hint", false);
  }

  function chime() {
    if (!audio || audio.state !== "running") return;
    const start = audio.currentTime + 0.05;
    [880, 660, 880, 660, 990].forEach((frequency, i) => {
      const at = start + i * 0.35;
      const tone = audio.createOscillator();
      const volume = audio.createGain();
      tone.frequency.value = frequency;
      volume.gain.setValueAtTime(0.0001, at);
      volume.gain.exponentialRampToValueAtTime(0.6, at + 0.03);
      volume.gain.exponentialRampToValueAtTime(0.0001, at + 0.3);
      tone.connect(volume).connect(audio.destination);
      tone.start(at);
      tone.stop(at + 0.32);
    });
  }

  function notify(title) {
    if (!("Notification" in window) || Notification.permission !== "granted") return;
    const where = main.querySelector(".turn-where");
    try {
      new Notification(title, { body: where ? where.textContent.trim() : "", tag: main.dataset.stream, renotify: true });
    } catch (error) {
      // Some phones show notifications only from a service worker: the page itself still shows it.
    }
  }

  function offerNotifications() {
    if (!("Notification" in window) || OVER.includes(state)) return;
    show("notify-on", Notification.permission === "granted");
    if (Notification.permission !== "default") return;
    const button = main.querySelector("button.notify");
    show("notify", true);
    // Asked only when the visitor taps this button, never on load.
    button.addEventListener("click", () => {
      Notification.requestPermission().then((answer) => {
        show("notify", false);
        show("notify-on", answer === "granted");
      });
    });
  }

  // -- the stream

  function listen() {
    if (OVER.includes(state)) return;
    if (!window.EventSource) {
      poll();
      return;
    }
    source = new EventSource(main.dataset.stream);
    const heard = () => { lastHeard = Date.now(); show("offline", false); };
    source.onopen = heard;
    source.addEventListener("ping", heard);
    source.addEventListener("status", (event) => { heard(); apply(JSON.parse(event.data), null); });
    source.addEventListener("call", (event) => { heard(); apply(JSON.parse(event.data), "call"); });
    source.addEventListener("recall", (event) => { heard(); apply(JSON.parse(event.data), "recall"); });
    // The service day changed: the server's page says what that means.
    source.addEventListener("expired", () => { stop(); location.reload(); });
    source.onerror = () => {
      if (OVER.includes(state)) return;
      show("offline", true);
      // A closed source does not come back by itself (the server answered with an error, or a proxy
      // did): ask again in a while. An open one is already reconnecting.
      if (source.readyState === EventSource.CLOSED) {
        source = null;
        setTimeout(checkThenListen, 5000);
      }
    };
  }

  function checkThenListen() {
    fetch(main.dataset.statusUrl, { cache: "no-store" }).then((answer) => {
      // The code no longer leads to a ticket today: the server's page says why.
      if ([400, 404, 410].includes(answer.status)) location.reload();
      else listen();
    }, () => setTimeout(checkThenListen, 5000));
  }

  function poll() {
    fetch(main.dataset.statusUrl, { cache: "no-store" })
      .then((answer) => (answer.ok ? answer.json() : null))
      .then((status) => { if (status) apply(status, null); })
      .catch(() => {})
      .finally(() => { if (!OVER.includes(state)) setTimeout(poll, 30000); });
  }

  function stop() {
    if (source) source.close();
    source = null;
    show("live", false);
    show("offline", false);
    show("notify", false);
    show("sound-hint", false);
  }

  function restartIfSilent() {
    if (source && Date.now() - lastHeard > SILENCE_MS) {
      source.close();
      source = null;
      lastHeard = Date.now();
      listen();
    }
  }

  setInterval(restartIfSilent, 5000);
  document.addEventListener("visibilitychange", () => { if (!document.hidden) restartIfSilent(); });
  ["pointerdown", "keydown", "touchstart"].forEach((name) => document.addEventListener(name, unlockSound, { passive: true }));
  if (!OVER.includes(state) && (window.AudioContext || window.webkitAudioContext)) show("sound-hint", true);
  offerNotifications();
  listen();
})();

// A later slot's page: on the day, how long until the window begins (the page itself says when).
(() => {
  const main = document.querySelector("main[data-window-start]");
  if (!main || !main.dataset.windowStart) return;
  const start = Date.parse(main.dataset.windowStart);
  const end = Date.parse(main.dataset.windowEnd);
  const line = main.querySelector('[data-show="countdown"]');
  const DAY_MS = 24 * 3600 * 1000;

  function duration(ms) {
    const minutes = Math.max(1, Math.ceil(ms / 60000));
    const hours = Math.floor(minutes / 60);
    if (hours === 0) return main.dataset.minutes.replace("{minutes}", String(minutes));
    return main.dataset.hoursMinutes.replace("{hours}", String(hours)).replace("{minutes}", String(minutes % 60));
  }

  function tick() {
    const now = Date.now();
    let text = "";
    if (now < start && start - now < DAY_MS) text = main.dataset.beginsIn.replace("{time}", duration(start - now));
    else if (now >= start && now < end) text = main.dataset.begun;
    line.textContent = text;
    line.hidden = !text;
  }

  tick();
  setInterval(tick, 30000);
})();
