"""A server's gate cache: keys unsealed once, yet a revocation, a withdrawn signing key or a
shred takes effect at the very next scan."""

import pytest

from evac.auth.permissions import cli_actor
from evac.gate import service
from evac.gate.service import GateCache, Status, check_in
from evac.passes.format import PASS_PREFIX, open_envelope, pass_claims
from evac.passes.service import revoke_pass
from evac.passes.verify import Flag
from evac.vault.service import KeysDestroyed, shred_operation_keys
from evac.vault.signing import rotate_signing_key

from .conftest import AGENT, arrival

PARTY, SINGLE = "P-7KQ2M", "P-3XHTW"


@pytest.fixture
def unseals(monkeypatch) -> list[int]:
    """Counts how often the station keys are unsealed from the database."""
    calls: list[int] = []
    unseal = service.station_keys

    def counted(session, *, cipher, operation):
        calls.append(operation.id)
        return unseal(session, cipher=cipher, operation=operation)

    monkeypatch.setattr(service, "station_keys", counted)
    return calls


@pytest.fixture
def gate(session, provider, operation):
    """check_in through one cache, as one server process runs it."""
    cache = GateCache()

    def run(sent):
        result = check_in(
            session, actor=AGENT, provider=provider, operation=operation, arrival=sent, cache=cache
        )
        session.commit()
        return result

    return run


def test_station_keys_are_unsealed_once(world, gate, unseals):
    assert gate(arrival("k-1", world.passes[PARTY])).status == Status.accepted
    assert gate(arrival("k-2", world.passes[SINGLE])).status == Status.accepted
    assert len(unseals) == 1


def test_a_pass_revoked_after_the_cache_is_warm_is_refused_at_once(session, world, gate, operation):
    assert gate(arrival("k-1", world.passes[PARTY])).status == Status.accepted
    claims = pass_claims(open_envelope(world.passes[SINGLE], prefix=PASS_PREFIX))
    revoke_pass(
        session, actor=cli_actor(), operation=operation, pass_id=claims.pass_id,
        reason="forwarded to a group chat",
    )  # fmt: skip
    session.commit()
    result = gate(arrival("k-2", world.passes[SINGLE]))
    assert (result.status, result.reasons) == (Status.refused, (Flag.revoked.value,))


def test_a_withdrawn_signing_key_is_distrusted_at_once(session, world, gate, cipher, unseals):
    assert gate(arrival("k-1", world.passes[PARTY])).status == Status.accepted
    rotate_signing_key(session, actor=cli_actor(), cipher=cipher, withdraw=True)
    session.commit()
    result = gate(arrival("k-2", world.passes[SINGLE]))
    assert (result.status, result.reasons) == (Status.refused, (Flag.unknown_key.value,))
    assert len(unseals) == 2


def test_a_shred_refuses_the_next_scan(session, world, gate, operation):
    assert gate(arrival("k-1", world.passes[PARTY])).status == Status.accepted
    shred_operation_keys(session, operation_id=operation.id)
    session.commit()
    with pytest.raises(KeysDestroyed):
        gate(arrival("k-2", world.passes[SINGLE]))
