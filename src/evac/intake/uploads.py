"""Files uploaded on the import page, kept until the mapping is confirmed: sealed, never plain.

A partner's list names people whom a leak could get killed, so between the upload and the
import the file waits on disk only encrypted with the operation's data key (AES-GCM, as every
personal field), under a name derived from the upload token; the token itself is never on
disk. The seal holds the source and the uploader too: the import goes to the source chosen at
upload, by the user who uploaded, whatever the confirming form says. An upload is deleted once
imported, and expires an hour after it was made (swept at every upload or confirmation);
crypto-shredding the operation makes any left over unreadable at once.
"""

import base64
import hashlib
import json
import secrets
import time
from dataclasses import dataclass
from pathlib import Path

from evac.vault.service import DecryptionFailed, OperationCipher

UPLOAD_SECONDS = 3600  # long enough to check the columns and run a check-only import first
SUFFIX = ".sealed"


class UploadGone(LookupError):
    """No such upload for this user: never made, imported already, expired or tampered."""


@dataclass(frozen=True)
class PendingUpload:
    name: str  # the file's own name, which picks its reader by the extension
    source: str
    uploader: str
    content: bytes

    def __repr__(self) -> str:  # the content is personal data: keep it out of logs
        return f"PendingUpload({self.source!r}, {len(self.content)} bytes)"


def _path(directory: Path, token: str) -> Path:
    return directory / (hashlib.sha256(token.encode()).hexdigest()[:32] + SUFFIX)


def _field(path: Path) -> str:
    # bound into the seal: a sealed file renamed to another upload's name fails to open
    return f"intake_upload:{path.stem}"


def keep_upload(
    *,
    cipher: OperationCipher,
    directory: Path,
    name: str,
    source: str,
    uploader: str,
    content: bytes,
) -> str:
    """Seal the file with its source and uploader; returns the token that opens it."""
    directory.mkdir(mode=0o700, parents=True, exist_ok=True)
    token = secrets.token_urlsafe(24)
    path = _path(directory, token)
    header = json.dumps(
        {"name": name, "source": source, "uploader": uploader, "at": time.time()}
    ).encode()  # JSON escapes newlines: the first newline ends the header
    # base64, as the vault's `decrypt` gives text back and a workbook is not UTF-8
    plain = header + b"\n" + base64.b64encode(content)
    path.write_bytes(cipher.encrypt_bytes(plain, field=_field(path)))
    path.chmod(0o600)
    return token


def open_upload(
    *, cipher: OperationCipher, directory: Path, token: str, uploader: str
) -> PendingUpload:
    """The upload the token names, if it is this uploader's and not expired."""
    path = _path(directory, token)
    try:
        sealed = path.read_bytes()
    except (FileNotFoundError, NotADirectoryError):
        raise UploadGone("this upload has expired or was imported; upload the file again") from None
    try:
        plain = cipher.decrypt(sealed, field=_field(path)) or ""
    except DecryptionFailed:
        raise UploadGone("this upload cannot be opened; upload the file again") from None
    header, _, content = plain.partition("\n")
    meta = json.loads(header)
    if time.time() - meta["at"] > UPLOAD_SECONDS:
        path.unlink(missing_ok=True)
        raise UploadGone("this upload has expired; upload the file again")
    if meta["uploader"] != uploader:
        raise UploadGone("no such upload")  # another user's: say no more than that
    return PendingUpload(meta["name"], meta["source"], meta["uploader"], base64.b64decode(content))


def discard_upload(*, directory: Path, token: str) -> None:
    _path(directory, token).unlink(missing_ok=True)


def expire_uploads(*, directory: Path, max_age: float = UPLOAD_SECONDS) -> int:
    """Delete uploads older than `max_age` seconds (by the file's time), and any file that
    is not sealed (the plaintext an earlier version kept here); returns how many."""
    if not directory.is_dir():
        return 0
    removed = 0
    deadline = time.time() - max_age
    for path in directory.iterdir():
        try:
            if path.suffix != SUFFIX or path.stat().st_mtime < deadline:
                path.unlink()
                removed += 1
        except FileNotFoundError:
            continue  # another request swept it first
    return removed
