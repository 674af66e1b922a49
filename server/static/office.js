// The office pages' one script: keeps the console's today page live. Without it the page reloads
// itself every 30 s (a <noscript> refresh); with it, the page follows the site's event stream and,
// after each burst of events, fetches its live part again as the server renders it.
"use strict";

(function () {
  const state = document.getElementById("live-state");
  const live = document.getElementById("live");
  if (!state || !live || !window.EventSource || !window.fetch) return;

  const EVENTS = [
    "ticket.issued", "ticket.called", "ticket.recalled", "ticket.updated", "service.updated",
    "device.updated", "slot.booked", "slot.checked_in", "slot.updated", "office.steered",
  ];
  let pending = null;
  let fetching = false;
  let again = false;

  async function refresh() {
    pending = null;
    if (fetching) { again = true; return; }
    fetching = true;
    try {
      const answer = await fetch(state.dataset.liveUrl, { credentials: "same-origin", cache: "no-store" });
      // A session that ended answers with the sign-in page: go there instead of showing it inside.
      if (answer.redirected) { window.location.assign(answer.url); return; }
      if (answer.ok) {
        live.innerHTML = await answer.text();
        live.dataset.updated = String(Date.now());
      }
    } catch (problem) {
      // The stream reconnects by itself; the next event or the minute's tick fetches again.
    } finally {
      fetching = false;
      if (again) { again = false; soon(); }
    }
  }

  function soon() {
    if (pending === null) pending = window.setTimeout(refresh, 300);
  }

  const stream = new EventSource(state.dataset.eventsUrl);
  EVENTS.forEach((name) => stream.addEventListener(name, soon));
  stream.addEventListener("open", () => {
    state.dataset.connected = "yes";
    state.textContent = state.dataset.liveText;
  });
  stream.addEventListener("error", () => { state.dataset.connected = "no"; });
  // Minutes at a counter move on without events.
  window.setInterval(soon, 60000);
})();
