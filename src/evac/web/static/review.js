// Keys of the review page: S same person, N not the same, J next pair, K previous pair.
// The page works without this script: the keys only tick, focus or follow what it shows.
// Physical keys (event.code), so they work on a Dari or Pashto keyboard layout too.
"use strict";

const VERDICTS = { KeyS: "verdict-same", KeyN: "verdict-different" };
const LINKS = { KeyJ: "next-pair", KeyK: "previous-pair" };

function choose(verdictId) {
  const verdict = document.getElementById(verdictId);
  const reason = document.getElementById("reason");
  if (!verdict || !reason) return;  // a decided pair has no form
  verdict.checked = true;
  if (reason.value.trim()) {
    verdict.form.requestSubmit();
  } else {
    reason.focus();  // a decision needs its reason; Enter then records it
  }
}

document.addEventListener("keydown", (event) => {
  if (event.ctrlKey || event.metaKey || event.altKey) return;
  if (event.target.closest("input:not([type=radio]):not([type=checkbox]), textarea, select")) {
    if (event.key === "Escape") event.target.blur();
    return;
  }
  if (VERDICTS[event.code]) {
    event.preventDefault();
    choose(VERDICTS[event.code]);
  } else if (LINKS[event.code]) {
    const link = document.getElementById(LINKS[event.code]);
    if (link) window.location.href = link.href;
  }
});
