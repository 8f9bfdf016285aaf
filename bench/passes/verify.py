"""How many passes a gate verifies a second, on one core.

    flock /tmp/evac-bench.lock .venv/bin/python bench/passes/verify.py \\
        [--passes 20000] [--core 0] [--stages]

Measured in one run, on the same passes, pinned to one core:
  full check   evac.passes.verify.verify_pass as `evac pass verify` makes it: Base45, zlib,
               COSE_Sign1, Ed25519 signature (libsodium), claims, window, gate, head count,
               a revocation list of 5,000 ids, a used-list, and one passport checked
  anchor       libsodium's bare Ed25519 verification of the same signed bytes (PyNaCl), the
               floor no format can go under
  OpenSSL      the same bare verification through `cryptography`, for comparison
measured in alternating chunks (the machine is shared), so that all three see the same load;
the ratio is full-check time / anchor time. Every pass is verified in full each time: nothing
is remembered from one pass to the next. Target: >= 10,000 passes a second.
Synthetic parties and passport numbers; keys made for the run.
"""

import argparse
import os
import random
import secrets
import time
import zlib
from datetime import UTC, datetime, timedelta
from typing import NamedTuple

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat

from evac.passes.format import (
    PASS_PREFIX,
    PassClaims,
    SignedEnvelope,
    b45decode,
    document_digest,
    encode_pass,
    open_envelope,
    pass_claims,
)
from evac.passes.verify import StationKeys, verify_pass
from evac.vault.signing import key_id_of

START = datetime(2021, 8, 20, 6, 0, tzinfo=UTC)
CHUNK = 500
GATES = ["North Gate", "Abbey Gate", "East Gate", "Camp Sullivan"]


class Seconds(NamedTuple):
    """Time on the wall clock, the figure, and on this process's CPU clock: on a shared machine
    the wall counts the moments other programs had the core, the CPU clock does not."""

    wall: float
    cpu: float

    @classmethod
    def now(cls) -> "Seconds":
        return cls(time.perf_counter(), time.process_time())

    def __add__(self, other: "Seconds") -> "Seconds":
        return Seconds(self.wall + other.wall, self.cpu + other.cpu)

    def __sub__(self, other: "Seconds") -> "Seconds":
        return Seconds(self.wall - other.wall, self.cpu - other.cpu)


def make_passes(
    count: int, seed: int = 15
) -> tuple[StationKeys, list[tuple[str, str, str, datetime]]]:
    """Passes for parties of 1 to 8 travellers; each with its gate, one of its passports and
    a moment in its window."""
    rng = random.Random(seed)
    signing_key = Ed25519PrivateKey.generate()
    public = signing_key.public_key()
    key_id = key_id_of(public.public_bytes(Encoding.Raw, PublicFormat.Raw))
    document_key = secrets.token_bytes(32)
    passes = []
    for number in range(count):
        pass_id = rng.randbytes(10)
        passports = [f"P{rng.randrange(10**7, 10**8)}" for _ in range(rng.randint(1, 8))]
        window_start = START + timedelta(hours=rng.randrange(0, 17 * 24))
        claims = PassClaims(
            pass_id=pass_id,
            key_id=key_id,
            party_reference=f"P-{number:05X}",
            head_count=len(passports) + rng.randint(0, 2),
            gate=rng.choice(GATES),
            window_start=window_start,
            window_end=window_start + timedelta(hours=2),
            expires_at=window_start + timedelta(hours=8),
            issued_at=START - timedelta(days=1),
            document_digests=tuple(document_digest(document_key, pass_id, n) for n in passports),
        )
        text = encode_pass(claims, signing_key=signing_key)
        passes.append((text, claims.gate, passports[0], window_start + timedelta(hours=1)))
    return StationKeys({key_id: public}, {key_id: document_key}), passes


def full_check(keys: StationKeys, passes, revoked: frozenset[bytes]) -> tuple[Seconds, int]:
    admitted = 0
    started = Seconds.now()
    for text, gate, passport, at in passes:
        verdict = verify_pass(
            text, keys=keys, at=at, gate=gate, documents=[passport], revoked=revoked, used=revoked
        )
        admitted += verdict.admitted
    return Seconds.now() - started, admitted


def libsodium(keys: StationKeys, envelopes: list[SignedEnvelope]) -> Seconds:
    """Bare Ed25519 verification of each pass's signed bytes (decoded beforehand, untimed)."""
    verify_key = next(iter(keys.verify_keys.values()))
    started = Seconds.now()
    for envelope in envelopes:
        verify_key.verify(envelope.signed_bytes, envelope.signature)
    return Seconds.now() - started


def openssl(keys: StationKeys, envelopes: list[SignedEnvelope]) -> Seconds:
    """The same, through `cryptography` (OpenSSL), which passes were verified with before."""
    public_key = next(iter(keys.public_keys.values()))
    started = Seconds.now()
    for envelope in envelopes:
        public_key.verify(envelope.signature, envelope.signed_bytes)
    return Seconds.now() - started


def interleaved(
    keys: StationKeys, passes, revoked: frozenset[bytes]
) -> tuple[Seconds, Seconds, Seconds]:
    """The three measures in alternating chunks of 500 passes, so that all see the same load
    from whatever else runs on the machine. Returns (full, libsodium, OpenSSL) times."""
    envelopes = [open_envelope(text, prefix=PASS_PREFIX) for text, *_ in passes]
    full = sodium = ssl = Seconds(0.0, 0.0)
    admitted = 0
    for start in range(0, len(passes), CHUNK):
        seconds, admitted_here = full_check(keys, passes[start : start + CHUNK], revoked)
        full, admitted = full + seconds, admitted + admitted_here
        sodium += libsodium(keys, envelopes[start : start + CHUNK])
        ssl += openssl(keys, envelopes[start : start + CHUNK])
    if admitted != len(passes):
        raise SystemExit(f"only {admitted:,} of {len(passes):,} genuine passes were admitted")
    return full, sodium, ssl


def stages(keys: StationKeys, passes, revoked: frozenset[bytes]) -> None:
    """Where a pass's time goes: each step of the check alone, over every pass (best of three
    rounds; a step's input is made beforehand, untimed)."""
    texts = [text for text, *_ in passes]
    compressed = [b45decode(text[len(PASS_PREFIX) :]) for text in texts]
    envelopes = [open_envelope(text, prefix=PASS_PREFIX) for text in texts]
    claims = [pass_claims(envelope) for envelope in envelopes]
    document_key = next(iter(keys.document_keys.values()))
    steps = {
        "Base45": lambda i: b45decode(texts[i][len(PASS_PREFIX) :]),
        "zlib": lambda i: zlib.decompress(compressed[i]),
        "open_envelope (Base45, zlib, COSE)": lambda i: open_envelope(texts[i], prefix=PASS_PREFIX),
        "signature (libsodium)": lambda i: libsodium(keys, envelopes[i : i + 1]),
        "pass_claims (CBOR, claims)": lambda i: pass_claims(envelopes[i]),
        "one document's digest": lambda i: document_digest(
            document_key, claims[i].pass_id, passes[i][2]
        ),
        "whole check": lambda i: full_check(keys, passes[i : i + 1], revoked),
    }
    print(f"  {'step, alone (best of 3), us a pass':36} {'wall':>6} {'CPU':>6}")
    for name, step in steps.items():
        best = min((_seconds_for_each(step, len(passes)) for _ in range(3)), key=lambda t: t.cpu)
        wall, cpu = (seconds / len(passes) * 1e6 for seconds in best)
        print(f"  {name:36} {wall:6.1f} {cpu:6.1f}")


def _seconds_for_each(step, count: int) -> Seconds:
    started = Seconds.now()
    for index in range(count):
        step(index)
    return Seconds.now() - started


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--passes", type=int, default=20_000)
    parser.add_argument("--core", type=int, default=0, help="the one core to run on")
    parser.add_argument("--stages", action="store_true", help="also time each step alone")
    args = parser.parse_args()
    os.sched_setaffinity(0, {args.core})
    keys, passes = make_passes(args.passes)
    revoked = frozenset(secrets.token_bytes(10) for _ in range(5_000))
    sizes = sorted(len(text) for text, *_ in passes)
    full_check(keys, passes[:CHUNK], revoked)  # warm-up
    full, sodium, ssl = interleaved(keys, passes, revoked)
    count = len(passes)
    print(
        f"passes: {count:,}, text {sizes[0]}-{sizes[-1]} characters "
        f"(median {sizes[len(sizes) // 2]}); each admitted at its gate in its window; core "
        f"{args.core}, load {os.getloadavg()[0]:.2f}\n"
        f"{'':12}{'wall clock':>16}{'CPU clock':>16}\n"
        f"{'full check':12}{count / full.wall:>11,.0f} /s  {count / full.cpu:>11,.0f} /s  passes\n"
        f"{'anchor':12}{count / sodium.wall:>11,.0f} /s  {count / sodium.cpu:>11,.0f} /s  "
        "bare Ed25519 verifications (libsodium)\n"
        f"{'OpenSSL':12}{count / ssl.wall:>11,.0f} /s  {count / ssl.cpu:>11,.0f} /s  "
        "bare Ed25519 verifications (cryptography)\n"
        f"ratio full/anchor time {full.wall / sodium.wall:.2f} (CPU {full.cpu / sodium.cpu:.2f}); "
        f"format's own work {(full.wall - sodium.wall) / count * 1e6:.1f} us a pass "
        f"(CPU {(full.cpu - sodium.cpu) / count * 1e6:.1f} us)\n"
        f"target >= 10,000 passes/s: {'met' if count / full.wall >= 10_000 else 'NOT met'}"
    )
    if args.stages:
        stages(keys, passes, revoked)


if __name__ == "__main__":
    main()
