// What the station keeps on the device, in IndexedDB: the shift (gate, lane, the PIN's salt
// and the bundle's expiry, in clear), the bundle sealed under the shift PIN, and the queue of
// check-ins, each sealed too and sent until the server has answered it.
//
// The key is AES-GCM, derived from the PIN with PBKDF2 and held in memory only: a device
// taken from a closed or reloaded page holds ciphertext, and nobody reads the roster's names
// without the PIN. (A non-extractable key stored in IndexedDB would be handed to whoever
// opens the browser.) docs/gate.md says why.

const DB_NAME = "evac-station";
const PBKDF2_ITERATIONS = 600000; // OWASP's figure for PBKDF2-SHA256

function request(r) {
  return new Promise((resolve, reject) => {
    r.onsuccess = () => resolve(r.result);
    r.onerror = () => reject(r.error);
  });
}

function open() {
  const opening = indexedDB.open(DB_NAME, 1);
  opening.onupgradeneeded = () => {
    const db = opening.result;
    db.createObjectStore("shift");
    db.createObjectStore("queue", { keyPath: "key" });
  };
  return request(opening);
}

async function withStore(name, mode, work) {
  const db = await open();
  try {
    const transaction = db.transaction(name, mode);
    const result = await work(transaction.objectStore(name));
    await new Promise((resolve, reject) => {
      transaction.oncomplete = resolve;
      transaction.onerror = () => reject(transaction.error);
    });
    return result;
  } finally {
    db.close();
  }
}

export async function deriveKey(pin, salt) {
  const material = await crypto.subtle.importKey(
    "raw", new TextEncoder().encode(pin), "PBKDF2", false, ["deriveKey"]);
  return crypto.subtle.deriveKey(
    { name: "PBKDF2", salt, iterations: PBKDF2_ITERATIONS, hash: "SHA-256" },
    material, { name: "AES-GCM", length: 256 }, false, ["encrypt", "decrypt"]);
}

async function seal(key, value) {
  const iv = crypto.getRandomValues(new Uint8Array(12));
  const plain = new TextEncoder().encode(JSON.stringify(value));
  return { iv, ciphertext: await crypto.subtle.encrypt({ name: "AES-GCM", iv }, key, plain) };
}

export async function unseal(key, sealed) {
  const plain = await crypto.subtle.decrypt({ name: "AES-GCM", iv: sealed.iv }, key, sealed.ciphertext);
  return JSON.parse(new TextDecoder().decode(plain));
}

export function readShift() {
  return withStore("shift", "readonly", (store) => request(store.get("current")));
}

export async function startShift(key, salt, { gate, station, bundle }) {
  const shift = { gate, station, salt, expiresAt: bundle.expires_at, bundle: await seal(key, bundle) };
  await withStore("shift", "readwrite", (store) => request(store.put(shift, "current")));
  return shift;
}

// The roster's names go at the bundle's expiry; the salt stays while check-ins wait to be
// sent, so that the PIN still opens them.
export async function dropRoster() {
  await withStore("shift", "readwrite", async (store) => {
    const shift = await request(store.get("current"));
    if (shift) store.put({ ...shift, bundle: null }, "current");
  });
}

export async function wipe() {
  await withStore("shift", "readwrite", (store) => request(store.clear()));
  await withStore("queue", "readwrite", (store) => request(store.clear()));
}

export async function enqueue(key, checkIn) {
  const item = {
    key: checkIn.idempotency_key, state: "queued", party: checkIn.party, queuedAt: Date.now(),
    sealed: await seal(key, checkIn), answer: null,
  };
  await withStore("queue", "readwrite", (store) => request(store.add(item)));
  return item;
}

// Oldest first: sent in the order the parties stood at the gate.
export async function queued() {
  const items = await withStore("queue", "readonly", (store) => request(store.getAll()));
  return items.sort((a, b) => a.queuedAt - b.queuedAt);
}

export async function settle(itemKey, state, answer) {
  await withStore("queue", "readwrite", async (store) => {
    const item = await request(store.get(itemKey));
    store.put({ ...item, state, answer });
  });
}
