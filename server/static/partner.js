// The partner page's one script: a "Print" button for the slot's paper (printing works without it,
// from the browser's own menu; the button only shows where a script can press print).
"use strict";

document.querySelectorAll("[data-print]").forEach((button) => {
  button.hidden = false;
  button.addEventListener("click", () => window.print());
});
