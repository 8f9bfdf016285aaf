// Reading and checking an evac pass in the browser, with no network: the same format as
// evac.passes.format ("EP1:" + Base45(zlib(COSE_Sign1 of a CBOR claims map)), Ed25519), and
// the same checks as evac.passes.verify. Only the CBOR the passes use is decoded.

const BASE45 = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ $%*+-./:";
export const PASS_PREFIX = "EP1:";
export const REVOCATIONS_PREFIX = "EPR1:";
const COSE_SIGN1_TAG = 18;
const EDDSA = -8;
const [COSE_ALG, COSE_CONTENT_TYPE, COSE_KID] = [1, 3, 4];
const [EXPIRES, ISSUED_AT, PASS_ID] = [4, 6, 7];
const [PARTY, HEAD_COUNT, GATE, WINDOW_START, WINDOW_END, DOCUMENTS] = [-1, -2, -3, -4, -5, -6];
const REVOKED = -10;
const CROCKFORD = "0123456789ABCDEFGHJKMNPQRSTVWXYZ";
const CHECK_SYMBOLS = CROCKFORD + "*~$=U";

// The flags of evac.passes.verify.Flag, by the words the server uses.
export const FLAGS = {
  tampered: "tampered",
  unknownKey: "unknown key",
  forged: "forged",
  expired: "expired",
  outsideWindow: "outside its window",
  wrongGate: "wrong gate",
  revoked: "revoked",
  wrongDocument: "document does not belong to this pass",
};

export class Malformed extends Error {}

export function hex(bytes) {
  return Array.from(bytes, (b) => b.toString(16).padStart(2, "0")).join("");
}

export function fromBase64url(text) {
  const binary = atob(text.replace(/-/g, "+").replace(/_/g, "/"));
  return Uint8Array.from(binary, (c) => c.charCodeAt(0));
}

function base45Decode(text) {
  const values = Array.from(text, (c) => BASE45.indexOf(c));
  if (values.includes(-1) || values.length % 3 === 1) throw new Malformed("not Base45");
  const out = [];
  for (let i = 0; i < values.length; i += 3) {
    if (i + 2 < values.length) {
      const n = values[i] + values[i + 1] * 45 + values[i + 2] * 2025;
      if (n > 0xffff) throw new Malformed("not Base45");
      out.push(n >> 8, n & 0xff);
    } else {
      const n = values[i] + values[i + 1] * 45;
      if (n > 0xff) throw new Malformed("not Base45");
      out.push(n);
    }
  }
  return Uint8Array.from(out);
}

async function inflate(bytes) {
  // zlib's format is what the Compression Streams API calls "deflate"; its checksum catches
  // a changed character, which is what tells "tampered" from "forged".
  const stream = new Blob([bytes]).stream().pipeThrough(new DecompressionStream("deflate"));
  return new Uint8Array(await new Response(stream).arrayBuffer());
}

// --- CBOR (RFC 8949): integers, byte and text strings, arrays, maps, tags ---------------

function cborDecode(bytes) {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  let at = 0;
  const length = (info) => {
    if (info < 24) return info;
    const size = { 24: 1, 25: 2, 26: 4, 27: 8 }[info];
    if (!size || at + size > bytes.length) throw new Malformed("unsupported CBOR");
    const value =
      size === 1 ? view.getUint8(at) : size === 2 ? view.getUint16(at) :
      size === 4 ? view.getUint32(at) : Number(view.getBigUint64(at));
    at += size;
    return value;
  };
  const item = () => {
    if (at >= bytes.length) throw new Malformed("CBOR cut short");
    const first = bytes[at++];
    const major = first >> 5;
    const n = length(first & 31);
    switch (major) {
      case 0: return n;
      case 1: return -1 - n;
      case 2:
      case 3: {
        if (at + n > bytes.length) throw new Malformed("CBOR cut short");
        const chunk = bytes.slice(at, at + n);
        at += n;
        return major === 2 ? chunk : new TextDecoder("utf-8", { fatal: true }).decode(chunk);
      }
      case 4: return Array.from({ length: n }, item);
      case 5: {
        const map = new Map();
        for (let i = 0; i < n; i++) map.set(item(), item());
        return map;
      }
      case 6: return { tag: n, value: item() };
      default: throw new Malformed("unsupported CBOR");
    }
  };
  const value = item();
  if (at !== bytes.length) throw new Malformed("trailing bytes");
  return value;
}

function cborHead(major, n) {
  if (n < 24) return [(major << 5) | n];
  if (n < 0x100) return [(major << 5) | 24, n];
  if (n < 0x10000) return [(major << 5) | 25, n >> 8, n & 0xff];
  return [(major << 5) | 26, (n >>> 24) & 0xff, (n >> 16) & 0xff, (n >> 8) & 0xff, n & 0xff];
}

function toBeSigned(protectedBytes, payload) {
  // COSE's Sig_structure for Sign1: ["Signature1", protected, b"", payload]
  const label = new TextEncoder().encode("Signature1");
  return Uint8Array.from([
    ...cborHead(4, 4),
    ...cborHead(3, label.length), ...label,
    ...cborHead(2, protectedBytes.length), ...protectedBytes,
    ...cborHead(2, 0),
    ...cborHead(2, payload.length), ...payload,
  ]);
}

async function openEnvelope(text, prefix) {
  text = text.replace(/[\r\n]+$/, "").replace(/^[\r\n]+/, "");
  if (!text.startsWith(prefix)) throw new Malformed(`does not start with ${prefix}`);
  try {
    const sign1 = cborDecode(await inflate(base45Decode(text.slice(prefix.length))));
    const [protectedBytes, , payload, signature] = sign1.value;
    const header = cborDecode(protectedBytes);
    if (sign1.tag !== COSE_SIGN1_TAG || header.get(COSE_ALG) !== EDDSA) throw new Malformed();
    return {
      keyId: hex(header.get(COSE_KID)),
      contentType: header.get(COSE_CONTENT_TYPE),
      payload,
      signedBytes: toBeSigned(protectedBytes, payload),
      signature,
    };
  } catch (error) {
    throw new Malformed("the text was altered or damaged");
  }
}

export async function importKeys(publicKeys) {
  const keys = {};
  for (const [keyId, raw] of Object.entries(publicKeys)) {
    keys[keyId] = await crypto.subtle.importKey(
      "raw", fromBase64url(raw), { name: "Ed25519" }, false, ["verify"]);
  }
  return keys;
}

async function signatureFlag(envelope, keys) {
  const key = keys[envelope.keyId];
  if (!key) return FLAGS.unknownKey;
  const good = await crypto.subtle.verify(
    { name: "Ed25519" }, key, envelope.signature, envelope.signedBytes);
  return good ? null : FLAGS.forged;
}

function claimsOf(envelope) {
  if (envelope.contentType !== "evac-pass") throw new Malformed("this is not a pass");
  const map = cborDecode(envelope.payload);
  const seconds = (key) => new Date(map.get(key) * 1000);
  const claims = {
    passId: hex(map.get(PASS_ID)),
    keyId: envelope.keyId,
    party: map.get(PARTY),
    headCount: map.get(HEAD_COUNT),
    gate: map.get(GATE),
    windowStart: seconds(WINDOW_START),
    windowEnd: seconds(WINDOW_END),
    expiresAt: seconds(EXPIRES),
    issuedAt: seconds(ISSUED_AT),
    digests: (map.get(DOCUMENTS) || []).map(hex),
  };
  if (typeof claims.party !== "string" || typeof claims.gate !== "string") {
    throw new Malformed("the pass's claims are incomplete");
  }
  return claims;
}

// Every check a gate makes offline; a pass that cannot be trusted gets one flag, no claims.
export async function verifyPass(text, { keys, at, gate, revoked }) {
  let envelope;
  try {
    envelope = await openEnvelope(text, PASS_PREFIX);
  } catch {
    return { flags: [FLAGS.tampered], claims: null };
  }
  const untrusted = await signatureFlag(envelope, keys);
  if (untrusted) return { flags: [untrusted], claims: null };
  let claims;
  try {
    claims = claimsOf(envelope);
  } catch {
    return { flags: [FLAGS.tampered], claims: null };
  }
  const flags = [];
  if (at > claims.expiresAt) flags.push(FLAGS.expired);
  else if (at < claims.windowStart || at > claims.windowEnd) flags.push(FLAGS.outsideWindow);
  if (gate && gate.toLowerCase() !== claims.gate.toLowerCase()) flags.push(FLAGS.wrongGate);
  if (revoked.has(claims.passId)) flags.push(FLAGS.revoked);
  return { flags, claims };
}

// The pass ids of a signed revocation list, refused unless a known key signed it.
export async function revokedIds(text, keys) {
  const envelope = await openEnvelope(text, REVOCATIONS_PREFIX);
  if (envelope.contentType !== "evac-revocations" || (await signatureFlag(envelope, keys))) {
    throw new Malformed("the revocation list is not signed by a key this station knows");
  }
  return new Set((cborDecode(envelope.payload).get(REVOKED) || []).map(hex));
}

// The pass id a short code names ("QNVN-EGME-KA1X-NCGK-V"), or null if it does not check.
export function passIdOfShortCode(code) {
  const cleaned = code.toUpperCase().replace(/O/g, "0").replace(/[IL]/g, "1").replace(/[- ]/g, "");
  const symbols = cleaned.slice(0, -1);
  if (symbols.length !== 16 || [...symbols].some((s) => !CROCKFORD.includes(s))) return null;
  let number = 0n;
  for (const symbol of symbols) number = number * 32n + BigInt(CROCKFORD.indexOf(symbol));
  if (CHECK_SYMBOLS[Number(number % 37n)] !== cleaned.slice(-1)) return null;
  return number.toString(16).padStart(20, "0");
}

// The document number of a passport's (TD3) or an ID card's (TD1) machine-readable zone.
export function documentOfZone(text) {
  const lines = text.toUpperCase().split(/[\r\n]+/).map((l) => l.replace(/\s/g, "")).filter(Boolean);
  let field = null;
  if (lines.length === 2 && lines[1].length === 44) field = lines[1].slice(0, 9);
  if (lines.length === 3 && lines[0].length === 30) field = lines[0].slice(5, 14);
  return field ? field.replace(/</g, "") : null;
}

// As evac.vault.service.normalise_for_index: NFKC, letters and digits only, upper case.
export function normaliseDocument(number) {
  return number.normalize("NFKC").replace(/[^\p{L}\p{N}]/gu, "").toUpperCase();
}

// Whether a document number is one the pass holds: HMAC-SHA256(document key, pass id ||
// number), its first 8 bytes, as evac.passes.format.document_digest.
export async function passHoldsDocument(claims, documentKey, number) {
  const key = await crypto.subtle.importKey(
    "raw", documentKey, { name: "HMAC", hash: "SHA-256" }, false, ["sign"]);
  const passId = Uint8Array.from(claims.passId.match(/../g), (h) => parseInt(h, 16));
  const message = new Uint8Array([...passId, ...new TextEncoder().encode(normaliseDocument(number))]);
  const digest = new Uint8Array(await crypto.subtle.sign("HMAC", key, message));
  return claims.digests.includes(hex(digest.slice(0, 8)));
}
