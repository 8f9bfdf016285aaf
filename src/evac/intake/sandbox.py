"""Read a partner's file in a child process with a memory and a time limit.

A spreadsheet is a zip of XML, and a few kB of it can ask for gigabytes or for minutes of
work; the bounds of `limits` refuse the shapes known to do so, and this process boundary
holds for the rest. The child (`python -m evac.intake.sandbox`) starts fresh, so it holds no
key, no database connection and no other request's data, lowers its own priority (the
server answering other requests comes first), caps its address space and its CPU time, reads
the file from its standard input and writes to its standard output, as JSON (data, never
code: the parent does not unpickle what a hostile file may have shaped), either the tables,
one line a row, or, for the upload page, only the mapping it proposes: the server then
decodes a few lines, not a table (decoding a large table holds the server's lock on the
interpreter, and every other request waits). The parent kills it at the time limit; a file
goes through pipes, never through the disk.
"""

import asyncio
import io
import json
import math
import os
import resource
import subprocess
import sys
from collections.abc import Iterator
from dataclasses import asdict, fields

from evac.intake import limits
from evac.intake.mapping import DateOrderChoice, UploadProposal, propose_upload
from evac.intake.readers import SourceRow, SourceTable, UnreadableFile

CHILD_NICENESS = 19  # the lowest: the server answering others comes first
EXIT_OK = 0


class ParseFailed(UnreadableFile):
    """The child ran out of memory or time, or ended without an answer."""


def parse_in_child(
    name: str,
    content: bytes,
    *,
    form_name: str | None = None,
    form_content: bytes = b"",
    headerless: bool = False,
    seconds: float = limits.IMPORT_PARSE_SECONDS,
    memory_bytes: int = limits.PARSE_MEMORY_BYTES,
) -> list[SourceTable]:
    """The tables of a file (and the labels of its XLSForm, when given), read in a child;
    `headerless` as `read_source`'s."""
    try:
        done = subprocess.run(
            _child_command(),
            input=_request(
                name,
                content,
                form_name=form_name,
                form_content=form_content,
                headerless=headerless,
                seconds=seconds,
                memory_bytes=memory_bytes,
            ),
            capture_output=True,
            timeout=seconds,
            check=False,
        )
    except subprocess.TimeoutExpired:  # run() has killed the child
        raise _too_slow(name, seconds) from None
    return _answer(name, done.returncode, done.stdout, memory_bytes)


async def parse_in_child_async(
    name: str,
    content: bytes,
    *,
    seconds: float = limits.UPLOAD_PARSE_SECONDS,
    memory_bytes: int = limits.PARSE_MEMORY_BYTES,
) -> list[SourceTable]:
    """`parse_in_child` awaited: the event loop serves other requests meanwhile."""
    request = _request(
        name,
        content,
        form_name=None,
        form_content=b"",
        headerless=False,
        seconds=seconds,
        memory_bytes=memory_bytes,
    )
    returncode, stdout = await _run_child(name, request, seconds)
    # decoding a large answer takes a while: off the event loop
    return await asyncio.to_thread(_answer, name, returncode, stdout, memory_bytes)


async def propose_in_child_async(
    name: str,
    content: bytes,
    *,
    saved: dict[str, str | None],
    saved_orders: dict[str, str],
    form_name: str | None = None,
    form_content: bytes = b"",
    seconds: float = limits.UPLOAD_PARSE_SECONDS,
    memory_bytes: int = limits.PARSE_MEMORY_BYTES,
) -> UploadProposal:
    """The upload page's proposal for a file (`mapping.propose_upload`), worked out in the
    child: only the proposal comes back, never the rows, so the server decodes a few lines
    instead of a whole table while the upload page waits (a thread decoding rows holds the
    interpreter lock that every other request needs)."""
    request = _request(
        name,
        content,
        form_name=form_name,
        form_content=form_content,
        headerless=False,
        seconds=seconds,
        memory_bytes=memory_bytes,
        proposal={"saved": saved, "saved_orders": saved_orders},
    )
    returncode, stdout = await _run_child(name, request, seconds)
    answer = _header(returncode, stdout.decode("utf-8", errors="replace").split("\n")[0])
    if "proposal" not in answer:
        raise _failed(name, returncode, memory_bytes)
    orders = answer["proposal"]["date_orders"]
    return UploadProposal(
        answer["proposal"]["mapping"],
        {header: DateOrderChoice(**choice) for header, choice in orders.items()},
    )


async def _run_child(name: str, request: bytes, seconds: float) -> tuple[int | None, bytes]:
    """The child's exit code and answer; it is killed at the time limit, or if the client
    goes away (it must not live on)."""
    child = await asyncio.create_subprocess_exec(
        *_child_command(),
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    try:
        stdout, _ = await asyncio.wait_for(child.communicate(request), timeout=seconds)
    except TimeoutError:
        child.kill()
        await child.wait()
        raise _too_slow(name, seconds) from None
    except asyncio.CancelledError:
        child.kill()
        await child.wait()
        raise
    return child.returncode, stdout


def _child_command() -> list[str]:
    # -P: the working directory is not on the child's import path
    return [sys.executable, "-P", "-m", "evac.intake.sandbox"]


def _request(
    name: str,
    content: bytes,
    *,
    form_name: str | None,
    form_content: bytes,
    headerless: bool,
    seconds: float,
    memory_bytes: int,
    proposal: dict | None = None,
) -> bytes:
    header = {
        "name": name,
        "size": len(content),
        "form_name": form_name,
        "headerless": headerless,
        "cpu_seconds": math.ceil(seconds),
        "memory_bytes": memory_bytes,
        "proposal": proposal,  # what the source saved; the child proposes instead of listing
    }
    return json.dumps(header).encode() + b"\n" + content + form_content


def _answer(
    name: str, returncode: int | None, stdout: bytes, memory_bytes: int
) -> list[SourceTable]:
    # As text, once: `json.loads` of bytes guesses each line's encoding (a third of the time)
    lines = iter(stdout.decode("utf-8", errors="replace").split("\n"))
    answer = _header(returncode, next(lines))
    try:
        tables = [_table_from_lines(lines) for _ in range(answer.get("tables", 0))]
    except (ValueError, KeyError, TypeError, AttributeError, StopIteration):  # cut short
        tables = []
    if not tables:
        raise _failed(name, returncode, memory_bytes)
    return tables


def _header(returncode: int | None, line: str) -> dict:
    """The child's first line: its answer's header, or a refusal (raised with its reason)."""
    try:
        answer = json.loads(line) if returncode == EXIT_OK else {}
    except ValueError:  # cut short
        answer = {}
    if not isinstance(answer, dict):
        answer = {}
    if "refused" in answer:
        raise UnreadableFile(answer["refused"])
    return answer


def _failed(name: str, returncode: int | None, memory_bytes: int) -> ParseFailed:
    return ParseFailed(
        f"{name} could not be read: the reader stopped (exit code {returncode}) before "
        f"its end, most likely for lack of memory (evac gives one file "
        f"{memory_bytes // limits.MB:,} MB); send the list in several "
        "smaller files, or as CSV"
    )


def _table_from_lines(lines: Iterator[str]) -> SourceTable:
    """A table from its line and its rows' lines: one small JSON document at a time, so a
    thread decoding a large file lets the event loop's thread run in between."""
    data = json.loads(next(lines))
    rows = [SourceRow(**json.loads(next(lines))) for _ in range(data.pop("row_count"))]
    return SourceTable(
        **{
            **data,
            "rows": rows,
            "labels": {header: tuple(words) for header, words in data["labels"].items()},
            "metadata": frozenset(data["metadata"]),
            "volatile": frozenset(data["volatile"]),
        }
    )


def _too_slow(name: str, seconds: float) -> ParseFailed:
    return ParseFailed(
        f"{name} took more than {seconds:g} s to read and was given up; send the list in "
        "several smaller files, or as CSV"
    )


# --- tables as JSON lines -----------------------------------------------------------------


def _table_lines(table: SourceTable) -> Iterator[str]:
    """A table as JSON lines: its own fields and row count, then one line a row."""
    rows = list(table.rows)
    data = {
        field.name: getattr(table, field.name) for field in fields(table) if field.name != "rows"
    }
    data["metadata"], data["volatile"] = sorted(table.metadata), sorted(table.volatile)
    yield json.dumps({**data, "row_count": len(rows)})
    yield from (json.dumps(asdict(row)) for row in rows)


# --- the child ----------------------------------------------------------------------------


def _limit_self(*, memory_bytes: int, cpu_seconds: int) -> None:
    os.nice(CHILD_NICENESS)
    resource.setrlimit(resource.RLIMIT_AS, (memory_bytes, memory_bytes))
    # CPU time as well as the parent's clock: a child whose parent died stops by itself
    resource.setrlimit(resource.RLIMIT_CPU, (cpu_seconds, cpu_seconds))


def _child_main() -> int:
    stdin = sys.stdin.buffer
    header = json.loads(stdin.readline())
    _limit_self(memory_bytes=header["memory_bytes"], cpu_seconds=header["cpu_seconds"])
    content = stdin.read(header["size"])
    form_content = stdin.read()
    try:
        tables = _read(
            header["name"], content, header["form_name"], form_content, header["headerless"]
        )
        if header["proposal"] is None:
            answer = "\n".join(
                [
                    json.dumps({"tables": len(tables)}),
                    *(line for t in tables for line in _table_lines(t)),
                ]
            )
        else:
            answer = json.dumps({"proposal": asdict(propose_upload(tables, **header["proposal"]))})
    except UnreadableFile as refused:
        answer = json.dumps({"refused": str(refused)})
    except (MemoryError, RecursionError):
        return 1  # the parent says what happened; nothing of the file goes to stderr
    sys.stdout.buffer.write(answer.encode())
    return EXIT_OK


def _read(
    name: str, content: bytes, form_name: str | None, form_content: bytes, headerless: bool
) -> list[SourceTable]:
    from evac.intake.collection_tools import apply_form, read_xlsform
    from evac.intake.readers import read_source_bytes

    tables = read_source_bytes(name, content, headerless=headerless)
    for table in tables:
        table.rows = list(table.rows)  # read to the end here, within the limits
    if form_name:
        apply_form(tables, read_xlsform(form_name, io.BytesIO(form_content)))
    return tables


if __name__ == "__main__":
    sys.exit(_child_main())
