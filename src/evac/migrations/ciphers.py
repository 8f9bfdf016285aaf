"""Operations' ciphers for migrations that seal or digest what older versions kept in clear."""

from collections.abc import Callable
from functools import cache

from sqlalchemy import Connection
from sqlalchemy.orm import Session

from evac.config import Settings
from evac.vault.keys import provider_from_settings
from evac.vault.service import KeysDestroyed, OperationCipher, cipher_for


def operation_ciphers(connection: Connection) -> Callable[[int], OperationCipher | None]:
    """Each operation's cipher, its keys unwrapped once; None for a shredded operation (its
    clear rows are then cleared, not sealed). Call it only when there are rows to migrate:
    it needs the master key (EVAC_MASTER_KEY or the key file), which a new database does not."""
    provider = provider_from_settings(Settings())
    session = Session(bind=connection)

    @cache
    def cipher(operation_id: int) -> OperationCipher | None:
        try:
            return cipher_for(session, provider=provider, operation_id=operation_id)
        except KeysDestroyed:
            return None

    return cipher
