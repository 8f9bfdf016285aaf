// The gate's station page: start a shift (the roster, keys and revocations fetched once and
// sealed under the shift PIN), check parties in with or without the network, and send the
// queued check-ins when it returns, each under the idempotency key it was given once.

import {
  documentOfZone, importKeys, passHoldsDocument, passIdOfShortCode, fromBase64url,
  revokedIds, verifyPass, PASS_PREFIX,
} from "/static/gate/pass.js";
import * as store from "/static/gate/store.js";

const root = document.getElementById("station");
const TEXT = JSON.parse(document.getElementById("station-text").textContent);
const $ = (id) => document.getElementById(id);
const SYNC_EVERY_MS = 5000;
const MEMBER_KEYS = "123456789";

const state = { key: null, shift: null, bundle: null, keys: null, revoked: new Set(), byPassId: new Map(), shown: null, syncing: false };

function show(panel) {
  for (const id of ["setup", "unlock", "desk"]) $(id).hidden = id !== panel;
  const focus = { setup: "gate", unlock: "unlock-pin", desk: "scan-input" }[panel];
  $(focus).focus();
}

function say(id, text, kind = "") {
  $(id).textContent = text;
  $(id).className = `notice ${kind}`.trim();
}

function when(moment) {
  return new Intl.DateTimeFormat(document.documentElement.lang, {
    timeZone: state.bundle?.time_zone || "UTC", dateStyle: "short", timeStyle: "short",
  }).format(new Date(moment));
}

function fullName(member) {
  const latin = [member.given_name, member.family_name].filter(Boolean).join(" ");
  return member.name_native ? `${latin} (${member.name_native})` : latin;
}

// --- The shift ------------------------------------------------------------------------

async function startShift(event) {
  event.preventDefault();
  const gate = $("gate").value.trim();
  const station = $("lane").value.trim();
  const pin = $("pin").value;
  say("setup-notice", TEXT.loading);
  try {
    const answer = await fetch(`${root.dataset.bundleUrl}?gate=${encodeURIComponent(gate)}`, { credentials: "same-origin" });
    if (!answer.ok) throw new Error(answer.status === 403 ? TEXT.not_allowed : TEXT.no_bundle);
    const bundle = await answer.json();
    const salt = crypto.getRandomValues(new Uint8Array(16));
    state.key = await store.deriveKey(pin, salt);
    state.shift = await store.startShift(state.key, salt, { gate, station, bundle });
    $("pin").value = "";
    await open(bundle);
  } catch (error) {
    say("setup-notice", error.message || TEXT.no_bundle, "refuse");
  }
}

async function unlock(event) {
  event.preventDefault();
  const key = await store.deriveKey($("unlock-pin").value, state.shift.salt);
  $("unlock-pin").value = "";
  try {
    const bundle = state.shift.bundle ? await store.unseal(key, state.shift.bundle) : null;
    state.key = key;
    await open(bundle);
  } catch {
    say("unlock-notice", TEXT.wrong_pin, "refuse");
  }
}

async function open(bundle) {
  state.bundle = bundle;
  state.byPassId = new Map();
  if (bundle) {
    state.keys = await importKeys(bundle.public_keys);
    state.revoked = await revokedIds(bundle.revocations, state.keys);
    for (const party of bundle.parties) {
      const verdict = await verifyPass(party.pass, { keys: state.keys, at: new Date(), gate: null, revoked: new Set() });
      if (verdict.claims) state.byPassId.set(verdict.claims.passId, { party, claims: verdict.claims });
    }
  }
  $("shift-line").textContent = `${state.shift.gate} — ${state.shift.station}`;
  $("expires").textContent = when(state.shift.expiresAt);
  show("desk");
  if (!bundle) say("scan-notice", TEXT.expired_shift, "refuse");
  await renderQueue();
  sync();
}

async function endShift() {
  const waiting = (await store.queued()).filter((item) => item.state === "queued");
  if (waiting.length) {
    say("scan-notice", `${TEXT.unsent_left} (${waiting.length})`, "refuse");
    return;
  }
  await store.wipe();
  Object.assign(state, { key: null, shift: null, bundle: null, keys: null, shown: null });
  state.byPassId = new Map();
  $("party").hidden = true;
  show("setup");
  say("setup-notice", TEXT.shift_ended);
}

async function expireIfDue() {
  if (!state.shift || Date.now() < Date.parse(state.shift.expiresAt)) return;
  const waiting = (await store.queued()).some((item) => item.state === "queued");
  if (waiting) {
    await store.dropRoster();
    state.shift = { ...state.shift, bundle: null };
    state.bundle = null;
    state.byPassId = new Map();
    $("party").hidden = true;
    say("scan-notice", TEXT.expired_shift, "refuse");
  } else {
    await endShift();
  }
}

// --- A party at the desk --------------------------------------------------------------

async function scan(event) {
  event.preventDefault();
  const text = $("scan-input").value.trim();
  $("scan-input").value = "";
  if (!text) return;
  if (!state.bundle) return say("scan-notice", TEXT.expired_shift, "refuse");
  const found = await identify(text);
  if (!found) return;
  const earlier = (await store.queued()).find((item) => item.party === found.party.reference);
  const flags = [...found.flags];
  if (earlier) flags.push(TEXT.already_here);
  state.shown = { ...found, flags, confirmed: new Set(), unlisted: [] };
  renderParty();
}

async function identify(text) {
  const passText = text.startsWith(PASS_PREFIX) ? text : rosterPass(passIdOfShortCode(text));
  if (passText) {
    const verdict = await verifyPass(passText, { keys: state.keys, at: new Date(), gate: state.shift.gate, revoked: state.revoked });
    if (!verdict.claims) return say("scan-notice", `${TEXT.refuse}: ${verdict.flags.join(", ")}`, "refuse");
    const listed = state.byPassId.get(verdict.claims.passId);
    const party = listed?.party || { reference: verdict.claims.party, members: [], pass: passText };
    return { party, claims: verdict.claims, flags: verdict.flags, passText, documents: [] };
  }
  const number = documentOfZone(text.replace(/(.{44})(?=.{44}$)/, "$1\n").replace(/^(.{30})(.{30})(.{30})$/, "$1\n$2\n$3"));
  if (!number) return say("scan-notice", TEXT.unreadable, "refuse");
  for (const { party, claims } of state.byPassId.values()) {
    const documentKey = state.bundle.document_keys[claims.keyId];
    if (documentKey && (await passHoldsDocument(claims, fromBase64url(documentKey), number))) {
      const verdict = await verifyPass(party.pass, { keys: state.keys, at: new Date(), gate: state.shift.gate, revoked: state.revoked });
      return { party, claims, flags: verdict.flags, passText: party.pass, documents: [number] };
    }
  }
  return say("scan-notice", TEXT.no_document, "refuse");
}

function rosterPass(passId) {
  return passId && state.byPassId.get(passId)?.party.pass;
}

function renderParty() {
  const { party, claims, flags, confirmed, unlisted } = state.shown;
  $("party").hidden = false;
  $("party-ref").textContent = party.reference;
  $("party-window").textContent = `${when(claims.windowStart)} – ${when(claims.windowEnd)}`;
  $("party-count").textContent = String(claims.headCount);
  $("verdict").textContent = flags.length ? `${TEXT.refuse}: ${flags.join(", ")}` : TEXT.admit;
  $("verdict").className = flags.length ? "verdict refuse" : "verdict admit";
  const list = $("members");
  list.replaceChildren();
  party.members.forEach((member, index) => {
    const item = document.createElement("li");
    const button = document.createElement("button");
    button.type = "button";
    button.dataset.person = member.person_id;
    button.setAttribute("aria-pressed", confirmed.has(member.person_id));
    button.textContent = `${MEMBER_KEYS[index] || ""} ${fullName(member)}`;
    button.disabled = member.flags.includes("deny");
    button.addEventListener("click", () => toggle(member.person_id));
    item.append(button);
    for (const flag of member.flags) {
      const mark = document.createElement("span");
      mark.className = `flag flag-${flag}`;
      mark.textContent = TEXT.flags[flag] || flag;
      item.append(" ", mark);
    }
    list.append(item);
  });
  for (const name of unlisted) {
    const item = document.createElement("li");
    item.textContent = `${name} — ${TEXT.unlisted_flag}`;
    item.className = "unlisted";
    list.append(item);
  }
  $("checkin").disabled = flags.length > 0 || confirmed.size === 0;
  $("party").focus(); // its number keys and Enter are read there (memberKey)
}

function toggle(personId) {
  const { confirmed } = state.shown;
  confirmed.has(personId) ? confirmed.delete(personId) : confirmed.add(personId);
  renderParty();
}

// One key a member: their number confirms them (again: unconfirms), Enter checks the party
// in, Escape puts it away. Keys typed into a field are the field's.
function memberKey(event) {
  if (!state.shown || $("party").hidden || ["INPUT", "TEXTAREA"].includes(event.target.tagName)) return;
  const index = MEMBER_KEYS.indexOf(event.key);
  const member = index >= 0 ? state.shown.party.members[index] : null;
  if (member && !member.flags.includes("deny")) toggle(member.person_id);
  if (event.key === "Enter" && event.target === $("party") && !$("checkin").disabled) checkIn();
  if (event.key === "Escape") closeParty();
}

function addUnlisted(event) {
  event.preventDefault();
  const name = $("unlisted-name").value.trim();
  if (!name || !state.shown) return;
  state.shown.unlisted.push(name);
  $("unlisted-name").value = "";
  renderParty();
}

function closeParty() {
  state.shown = null;
  $("party").hidden = true;
  $("scan-input").focus();
}

async function checkIn() {
  const { party, passText, documents, confirmed, unlisted } = state.shown;
  // The key is made once, here: every retry of this check-in sends the same one, so the
  // server takes it once however often the network drops the answer.
  await store.enqueue(state.key, {
    idempotency_key: crypto.randomUUID(),
    party: party.reference,
    gate: state.shift.gate,
    station: state.shift.station,
    at: new Date().toISOString(),
    pass: passText,
    documents,
    members: [...confirmed],
    unlisted,
  });
  say("scan-notice", `${TEXT.queued}: ${party.reference}`, "admit");
  closeParty();
  await renderQueue();
  sync();
}

// --- The queue ------------------------------------------------------------------------

async function sync() {
  if (state.syncing || !state.key) return;
  state.syncing = true;
  try {
    for (const item of await store.queued()) {
      if (item.state !== "queued") continue;
      const sent = await send(await store.unseal(state.key, item.sealed));
      if (!sent) break;
      await store.settle(item.key, sent.state, sent.answer);
    }
  } finally {
    state.syncing = false;
    await renderQueue();
  }
}

// One check-in to the server: its new state, or null to try again later (no network, the
// server down, or the agent's sign-in expired).
async function send(checkIn) {
  const { party, unlisted, ...body } = checkIn;
  let answer;
  try {
    answer = await fetch(root.dataset.checkinUrl, {
      method: "POST",
      credentials: "same-origin",
      headers: { "Content-Type": "application/json", "X-CSRF-Token": root.dataset.csrf },
      body: JSON.stringify(body),
    });
  } catch {
    $("net-status").textContent = TEXT.offline;
    return null;
  }
  $("net-status").textContent = TEXT.online;
  if (answer.status === 401 || answer.status === 403) {
    say("scan-notice", TEXT.sign_in_again, "refuse");
    return null;
  }
  if (answer.status >= 500) return null;
  const result = await answer.json().catch(() => ({}));
  // The unlisted family members go to the officer whatever the server answered; if that
  // fails the whole item is sent again (the check-in's retry is answered as a duplicate).
  if (unlisted.length && !(await reportUnlisted(checkIn, unlisted))) return null;
  const states = { 200: "sent", 201: "sent", 409: "conflict" };
  return { state: states[answer.status] || "refused", answer: result };
}

async function reportUnlisted(checkIn, names) {
  const answer = await fetch(root.dataset.unlistedUrl, {
    method: "POST",
    credentials: "same-origin",
    headers: { "Content-Type": "application/json", "X-CSRF-Token": root.dataset.csrf },
    body: JSON.stringify({ idempotency_key: checkIn.idempotency_key, party: checkIn.party, gate: checkIn.gate, station: checkIn.station, names }),
  }).catch(() => null);
  return answer?.ok;
}

// The server's reasons: a refusal's list, or a malformed request's detail (text or a list).
function reasonsOf(answer) {
  const detail = answer?.detail;
  const listed = answer?.reasons?.length ? answer.reasons : Array.isArray(detail) ? detail.map((d) => d.msg) : [detail];
  return listed.filter(Boolean).join("; ");
}

async function renderQueue() {
  const items = await store.queued();
  const list = $("queue");
  list.replaceChildren();
  for (const item of [...items].reverse()) {
    const row = document.createElement("li");
    row.dataset.state = item.state;
    row.dataset.party = item.party;
    const numbers = (item.answer?.members || []).map((m) => m.evacuee_number).join(", ");
    const reasons = reasonsOf(item.answer);
    const said = {
      queued: TEXT.state_queued,
      sent: `${TEXT.state_sent}${numbers ? ` — ${TEXT.wristbands} ${numbers}` : ""}`,
      conflict: TEXT.state_conflict,
      refused: `${TEXT.state_refused}: ${reasons}`,
    }[item.state];
    row.textContent = `${item.party}: ${said}`;
    list.append(row);
  }
  const waiting = items.filter((item) => item.state === "queued").length;
  $("waiting").textContent = String(waiting);
}

// --- Start ----------------------------------------------------------------------------

async function begin() {
  if ("serviceWorker" in navigator) {
    navigator.serviceWorker.register(root.dataset.worker, { scope: "/gate/" }).catch(() => null);
  }
  $("start").addEventListener("submit", startShift);
  $("unlock-form").addEventListener("submit", unlock);
  $("scan").addEventListener("submit", scan);
  $("scan-input").addEventListener("keydown", (event) => {
    if (event.key === "Enter" && !event.shiftKey) scan(event); // a scanner types, then Enter
  });
  $("unlisted-form").addEventListener("submit", addUnlisted);
  $("checkin").addEventListener("click", checkIn);
  $("cancel").addEventListener("click", closeParty);
  $("end-shift").addEventListener("click", endShift);
  document.addEventListener("keydown", memberKey);
  window.addEventListener("online", () => { $("net-status").textContent = TEXT.online; sync(); });
  window.addEventListener("offline", () => { $("net-status").textContent = TEXT.offline; });
  $("net-status").textContent = navigator.onLine ? TEXT.online : TEXT.offline;
  setInterval(() => { sync(); expireIfDue(); }, SYNC_EVERY_MS);
  state.shift = await store.readShift();
  if (!state.shift) return show("setup");
  show("unlock");
  $("unlock-shift").textContent = `${state.shift.gate} — ${state.shift.station}`;
}

begin();
