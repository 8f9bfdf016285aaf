"""HTTP routes of intake: the public self-registration form, the partner API, the upload page.

The public form is plain HTML: every step is a form submission (add a family member, remove
one, register), so it works without JavaScript on a slow phone, in English, Dari and Pashto.
"""

import tempfile
from datetime import datetime
from pathlib import Path
from typing import Annotated

from fastapi import APIRouter, Depends, HTTPException, Request, Response
from fastapi.responses import HTMLResponse
from markupsafe import Markup
from pydantic import AfterValidator, BaseModel, Field, StringConstraints
from sqlalchemy.orm import Session
from starlette.concurrency import run_in_threadpool

from evac.auth.deps import ActorDep, requires
from evac.auth.permissions import Actor, Permission
from evac.auth.permissions import Role as AuthRole
from evac.auth.ratelimit import rate_limit
from evac.deps import LanguageDep, SessionDep, chosen_operation, key_cache, render
from evac.i18n import Language
from evac.intake import limits
from evac.intake.dates import DATE_ORDERS
from evac.intake.mapping import FIELDS, MappingError
from evac.intake.models import ImportBatch
from evac.intake.readers import READABLE, SourceTable, UnreadableFile
from evac.intake.sandbox import parse_in_child_async, propose_in_child_async
from evac.intake.service import (
    MEMBER_FIELDS,
    PRINCIPAL_FIELDS,
    IntakeFailed,
    batch_rejections,
    check_source_access,
    current_operation,
    get_batch,
    import_tables,
    list_batches,
    register_household,
    rejects_csv,
    save_mapping,
    saved_date_orders,
    saved_mapping,
    submission_registrations,
    submit_rows,
)
from evac.intake.status import Progress, registration_progress
from evac.intake.uploads import (
    UploadGone,
    discard_upload,
    expire_uploads,
    keep_upload,
    open_upload,
)
from evac.intake.workers import workers_for
from evac.people.models import Role
from evac.people.places import provinces
from evac.vault.audit import record_access
from evac.vault.service import OperationCipher

router = APIRouter()
MAX_MEMBERS = 20
CATEGORIES = (
    ("siv", "SIV applicant or holder"),
    ("us_citizen", "US citizen"),
    ("lpr", "US permanent resident (green card)"),
    ("local_staff", "Embassy or agency local staff"),
    ("refugee_referral", "Refugee referral (P-1/P-2)"),
    ("at_risk", "Other Afghan at risk"),
)
SEXES = (("F", "Female"), ("M", "Male"), ("X", "Other"))
RELATIONSHIPS = [role.value for role in Role if role != Role.principal]
# What to write instead, per field of the public form: one whole sentence in the evacuee's
# language, its examples (numbers, dates) filled in isolated as left-to-right pieces.
FIELD_HINTS = {
    "full_name": "Write your full name as in your passport or tazkira.",
    "name_native": "Write the name in Dari or Pashto letters.",
    "father_name": "Write your father's name in letters.",
    "birth_date": (
        "Write the date as year/month/day, for example {shamsi} or {gregorian}, or the year alone."
    ),
    # what the check accepts: an Afghan mobile with or without +93, any other with its code
    "phone": (
        "Write an Afghan mobile number such as {local} or {international}, or a number "
        "from another country with its country code, such as {foreign}."
    ),
    "email": "Write an e-mail address such as {example}, or leave it empty.",
    "tazkira_number": "Write the tazkira number as printed, for example {example}.",
    "passport_number": (
        "Write the passport number as printed: one or two letters and 7 or 8 digits, "
        "for example {example}."
    ),
    "province": "Choose a province from the list.",
    "sex": "Choose one of the answers.",
    "category_claimed": "Choose one of the answers.",
    "relationship": "Choose one of the answers.",
}
HINT_EXAMPLES = {
    "birth_date": {"shamsi": "1365/02/22", "gregorian": "1986-05-12"},
    "phone": {
        "local": "0799 123 456",
        "international": "+93 799 123 456",
        "foreign": "+49 1512 3456789",
    },
    "email": {"example": "name@example.org"},
    "tazkira_number": {"example": "1400-0101-12345"},
    "passport_number": {"example": "P01234567"},
}
# A refused answer of a field with no hint of its own (a hidden field a script altered).
UNREADABLE = "This answer cannot be read: check it and send the form again."
# What the status page can say, and nothing more: never a name, never another person's data.
PROGRESS_ANSWERS = {
    Progress.received: "We have received your registration. Nobody has looked at it yet.",
    Progress.being_reviewed: "Your registration is being reviewed.",
    Progress.will_be_contacted: (
        "You will be contacted. Do not go to the airport until a message tells you when "
        "and where to come."
    ),
    # a wrong pair and an unknown reference get the same answer: the page tells nobody
    # whether a reference or a phone number is in the register
    Progress.unknown: (
        "We have no answer for this reference number with this phone number. Write both "
        "exactly as you wrote them when you registered."
    ),
}


def field_error(lang: Language, name: str) -> Markup:
    """Why a field was refused, as one sentence in the form's language."""
    sentence = lang.gettext(FIELD_HINTS.get(name, UNREADABLE))
    return lang.with_ltr(sentence, **HINT_EXAMPLES.get(name, {}))


def operation_cipher(request: Request, session: Session) -> OperationCipher:
    operation = chosen_operation(request, session)
    keys = key_cache(request)
    provider = keys.provider(request.app.state.settings)
    return keys.cipher(session, provider=provider, operation_id=operation.id)


def _form_people(form) -> tuple[dict[str, str], list[dict[str, str]], dict[tuple[int, str], str]]:
    """The principal's and the members' answers, and what cannot be taken as sent: a member
    count that is not a number, an answer longer than any name or number (a script's
    flood, not a person's typing)."""
    errors: dict[tuple[int, str], str] = {}
    count = str(form.get("members", "0") or "0").strip()
    if not count.isdigit():
        errors[(0, "members")] = "the number of family members is not a number"
    members_count = min(int(count), MAX_MEMBERS) if count.isdigit() else 0
    principal = {f: str(form.get(f"p_{f}", "")).strip() for f in PRINCIPAL_FIELDS}
    members = [
        {f: str(form.get(f"m{i}_{f}", "")).strip() for f in MEMBER_FIELDS}
        for i in range(members_count)
    ]
    for index, person in enumerate([principal, *members]):
        for name, value in person.items():
            if len(value) > limits.FORM_FIELD_CHARS:
                errors[(index, name)] = f"longer than {limits.FORM_FIELD_CHARS} characters"
                person[name] = value[: limits.FORM_FIELD_CHARS]
    return {k: v for k, v in principal.items() if v}, members, errors


def _runner(request: Request, session: Session) -> dict[str, str]:
    """Who runs the form and for which operation, to name on the page."""
    try:
        operation = current_operation(session).name
    except IntakeFailed:  # no operation yet: the form names none (registering is refused)
        operation = ""
    return {"organisation": request.app.state.settings.organisation, "operation": operation}


def _page(request, session, lang, principal, members, errors=None, status_code=200):
    response = render(
        request,
        "intake/register.html",
        lang,
        principal=principal,
        members=members,
        errors={(index, name): field_error(lang, name) for index, name in errors or {}},
        categories=CATEGORIES,
        sexes=SEXES,
        relationships=RELATIONSHIPS,
        provinces=[(p.name, p.name if lang.code == "en" else p.native) for p in provinces()],
        max_members=MAX_MEMBERS,
        examples=HINT_EXAMPLES,
        **_runner(request, session),
    )
    response.status_code = status_code
    return response


@router.get("/register", response_class=HTMLResponse, include_in_schema=False)
def registration_form(request: Request, session: SessionDep, lang: LanguageDep):
    return _page(request, session, lang, {}, [])


# 60 form steps per address in 10 minutes: several whole families (phones share carrier
# addresses), not a flood from a script.
REGISTER_LIMIT = rate_limit("register", limit=60, window=600)


@router.post(
    "/register",
    response_class=HTMLResponse,
    include_in_schema=False,
    dependencies=[Depends(REGISTER_LIMIT)],
)
async def submit_registration(request: Request, session: SessionDep, lang: LanguageDep):
    form = await request.form()
    # the rest reads and writes the database: in a thread (see `_saved_profile`)
    return await run_in_threadpool(_registration_answer, request, session, lang, form)


def _registration_answer(request: Request, session: Session, lang, form) -> Response:
    principal, members, errors = _form_people(form)
    if errors:
        return _page(request, session, lang, principal, members, errors, status_code=422)
    action = form.get("action", "register")
    if action == "add" and len(members) < MAX_MEMBERS:
        return _page(request, session, lang, principal, [*members, {}])
    if action == "remove" and members:
        return _page(request, session, lang, principal, members[:-1])
    filled = [m for m in members if any(m.values())]
    outcome = register_household(
        session,
        cipher=operation_cipher(request, session),
        principal=principal,
        members=[{k: v for k, v in m.items() if v} for m in filled],
    )
    if outcome.errors:
        return _page(request, session, lang, principal, filled, outcome.errors, status_code=422)
    return render(
        request,
        "intake/registered.html",
        lang,
        reference=outcome.reference,
        people=outcome.accepted + outcome.duplicates,
        already=outcome.accepted == 0,
    )


@router.get("/register/status", response_class=HTMLResponse, include_in_schema=False)
def registration_status_form(request: Request, lang: LanguageDep):
    return render(request, "intake/status.html", lang, answer=None, reference="")


# 20 questions per address in 10 minutes: a family asking again, never a script trying
# references and phone numbers.
STATUS_LIMIT = rate_limit("register-status", limit=20, window=600)


@router.post(
    "/register/status",
    response_class=HTMLResponse,
    include_in_schema=False,
    dependencies=[Depends(STATUS_LIMIT)],
)
async def registration_status(request: Request, session: SessionDep, lang: LanguageDep):
    """One of three answers for a reference and phone given together, or a neutral one."""
    form = await request.form()
    reference = str(form.get("reference", ""))[: limits.FORM_FIELD_CHARS]
    phone = str(form.get("phone", ""))[: limits.FORM_FIELD_CHARS]
    progress = await run_in_threadpool(  # see `_saved_profile`
        lambda: registration_progress(
            session, cipher=operation_cipher(request, session), reference=reference, phone=phone
        )
    )
    return render(
        request,
        "intake/status.html",
        lang,
        answer=PROGRESS_ANSWERS[progress],
        progress=progress.value,
        reference=reference,
    )


# --- partner API --------------------------------------------------------------------------


# A column name and a value of a submitted row: far longer than any real one, far shorter
# than a flood (a 10 MB name was taken as it came).
def _short_enough(value: str | int | float | None) -> str | int | float | None:
    if isinstance(value, str) and len(value) > limits.FORM_FIELD_CHARS:
        raise ValueError(f"a value may have at most {limits.FORM_FIELD_CHARS} characters")
    return value


ColumnName = Annotated[str, StringConstraints(max_length=limits.COLUMN_NAME_CHARS)]
RowValue = Annotated[str | int | float | None, AfterValidator(_short_enough)]


class SubmissionIn(BaseModel):
    rows: list[dict[ColumnName, RowValue]] = Field(min_length=1, max_length=5000)
    source: str | None = Field(
        None,
        max_length=80,
        pattern=r"^[^\x00-\x1f\x7f]+$",  # a name: no control characters (PostgreSQL refuses NUL)
        description="Staff only: the source the rows come from. Partners send their own.",
    )
    mapping: dict[str, str | None] | None = Field(
        None,
        description="{key: field} when the keys are not evac's field names "
        "(default: the source's saved mapping, then a proposal from the keys)",
    )


class Rejection(BaseModel):
    row: str
    column: str
    reason: str


class Submission(BaseModel):
    reference: str
    source: str
    status: str
    rows_read: int
    accepted: int
    duplicates: int
    rejected: int
    households: int
    started_at: datetime
    finished_at: datetime | None
    rejections: list[Rejection] = []
    registration_ids: list[int] = Field(
        [],
        description="A self-registration's registrations (the reference the form gave names "
        "them); empty for files and API submissions",
    )


def _submission(batch: ImportBatch, rejections=(), registration_ids=()) -> Submission:
    return Submission(
        reference=batch.reference,
        source=batch.source,
        status=batch.status,
        rows_read=batch.rows_read,
        accepted=batch.accepted,
        duplicates=batch.duplicates,
        rejected=batch.rejected,
        households=batch.households,
        started_at=batch.started_at,
        finished_at=batch.finished_at,
        rejections=[Rejection(row=r, column=c, reason=why) for r, c, why in rejections],
        registration_ids=list(registration_ids),
    )


def _source_for(actor: Actor, requested: str | None) -> str:
    source = actor.partner_source if actor.role == AuthRole.partner else requested
    if not source:
        raise HTTPException(422, 'give the source the rows come from ("source": "ngo-alpha")')
    return source


@router.post(
    "/api/v1/intake/submissions",
    response_model=Submission,
    status_code=201,
    tags=["intake"],
    operation_id="submitRegistrations",
    summary="Submit registrations",
)
def submit(
    body: SubmissionIn,
    request: Request,
    session: SessionDep,
    actor: Annotated[Actor, Depends(requires(Permission.registrations_write))],
) -> Submission:
    """Submit registrations as JSON rows. Good rows are stored, bad ones listed with the
    column and reason; rows this source already sent are skipped. Partners submit for their
    own source only."""
    cipher = operation_cipher(request, session)
    try:
        summary = submit_rows(
            session,
            actor=actor,
            cipher=cipher,
            source=_source_for(actor, body.source),
            rows=[{k: v for k, v in row.items()} for row in body.rows],
            mapping=body.mapping,
        )
    except MappingError as error:
        raise HTTPException(422, str(error)) from None
    batch = get_batch(session, actor=actor, reference=summary.reference)
    return _submission(batch, batch_rejections(session, actor=actor, cipher=cipher, batch=batch))


@router.get(
    "/api/v1/intake/submissions",
    response_model=list[Submission],
    tags=["intake"],
    operation_id="listSubmissions",
    summary="List your submissions",
)
def submissions(request: Request, session: SessionDep, actor: ActorDep) -> list[Submission]:
    """Your submissions and their status, newest first (partners: their own source only)."""
    operation = chosen_operation(request, session)
    return [_submission(b) for b in list_batches(session, actor=actor, operation_id=operation.id)]


@router.get(
    "/api/v1/intake/submissions/{reference}",
    response_model=Submission,
    tags=["intake"],
    operation_id="getSubmission",
    summary="One submission, with its refused rows",
)
def submission(
    reference: str, request: Request, session: SessionDep, actor: ActorDep
) -> Submission:
    """One submission with where and why each rejected row was refused (a reason may quote
    the refused cell: the read is audited); for a self-registration's reference, the ids of
    the registrations it names."""
    batch = get_batch(session, actor=actor, reference=reference)
    if batch is None:
        raise HTTPException(404, f"no submission {reference}")
    cipher = operation_cipher(request, session)
    return _submission(
        batch,
        batch_rejections(session, actor=actor, cipher=cipher, batch=batch),
        submission_registrations(session, actor=actor, batch=batch),
    )


@router.get("/intake/batches/{reference}/rejects.csv", include_in_schema=False)
def rejects_download(reference: str, request: Request, session: SessionDep, actor: ActorDep):
    """The rejected rows to fix and send again; personal data, so the read is audited."""
    batch = get_batch(session, actor=actor, reference=reference)
    if batch is None:
        raise HTTPException(404, f"no import {reference}")
    text = rejects_csv(session, actor=actor, cipher=operation_cipher(request, session), batch=batch)
    record_access(
        session,
        actor=actor,
        action="intake.rejects.download",
        purpose="partner fixes rejected rows",
        subject=f"intake_batch:{batch.reference}",
        details={"rows": batch.rejected},
    )
    return Response(
        text,
        media_type="text/csv; charset=utf-8",
        headers={"Content-Disposition": f'attachment; filename="{reference}.rejected.csv"'},
    )


# --- upload page with the mapping step ------------------------------------------------------

UPLOADS = Path(tempfile.gettempdir()) / "evac-intake-uploads"
UPLOAD_HELP = READABLE
UPLOAD_SUFFIXES = {".csv", ".tsv", ".txt", ".xlsx", ".xlsm", ".json", ".zip"}


def _upload_page(request: Request, lang, actor: Actor, error: str | None = None, code=200):
    fixed = actor.partner_source if actor.role == AuthRole.partner else None
    response = render(request, "intake/upload.html", lang, fixed_source=fixed, error=error)
    response.status_code = code
    return response


@router.get("/intake/upload", response_class=HTMLResponse, include_in_schema=False)
def upload_form(request: Request, lang: LanguageDep, actor: ActorDep):
    actor.require(Permission.registrations_write)
    return _upload_page(request, lang, actor)


@router.post("/intake/upload", response_class=HTMLResponse, include_in_schema=False)
async def upload(request: Request, session: SessionDep, lang: LanguageDep, actor: ActorDep):
    """Keep the file aside, sealed (not in the database), and show the proposed mapping."""
    expire_uploads(directory=UPLOADS)
    session.commit()  # the sign-in's transaction ends before the file arrives (see `_parse`)
    form = await request.form()
    upload_file = form.get("file")
    source = _source_for(actor, str(form.get("source", "")).strip())
    check_source_access(actor, source, write=True)
    name = Path(getattr(upload_file, "filename", "") or "").name
    if Path(name).suffix.lower() not in UPLOAD_SUFFIXES:
        return _upload_page(request, lang, actor, error=UPLOAD_HELP, code=422)
    content = await upload_file.read(limits.UPLOAD_BYTES + 1)
    if len(content) > limits.UPLOAD_BYTES:
        too_large = f"{name} is over {limits.UPLOAD_BYTES // limits.MB} MB: send it in parts"
        return _upload_page(request, lang, actor, error=too_large, code=413)
    form_file = form.get("form")
    # The optional XLSForm of a KoboToolbox or ODK export: its labels guide the proposal
    # only (the confirmed mapping is what the import uses), so it is not kept.
    form_name = getattr(form_file, "filename", "") or None
    cipher, saved, saved_orders = await run_in_threadpool(_saved_profile, request, session, source)
    try:
        proposal = await propose_in_child_async(
            name,
            content,
            saved=saved,
            saved_orders=saved_orders,
            form_name=form_name,
            form_content=await form_file.read(limits.UPLOAD_BYTES) if form_name else b"",
        )
    except UnreadableFile as error:
        return _upload_page(request, lang, actor, error=str(error), code=422)
    token = keep_upload(
        cipher=cipher,
        directory=UPLOADS,
        name=name,
        source=source,
        uploader=actor.username,
        content=content,
    )
    return render(
        request,
        "intake/mapping.html",
        lang,
        token=token,
        source=source,
        mapping=proposal.mapping,
        fields=FIELDS,
        date_orders=proposal.date_orders,
        orders=DATE_ORDERS,
    )


def _saved_profile(
    request: Request, session: Session, source: str
) -> tuple[OperationCipher, dict[str, str | None], dict[str, str]]:
    """The operation's cipher and the source's saved mapping and date orders, with the
    transaction ended. Called in a thread, as every database step of the upload pages is:
    on SQLite a transaction first waits for the write lock, and an event loop waiting for it
    cannot finish the request that holds it (the server stood still for 30 s)."""
    cipher = operation_cipher(request, session)
    saved = saved_mapping(session, cipher=cipher, source=source) or {}
    saved_orders = saved_date_orders(session, cipher=cipher, source=source)
    session.commit()
    return cipher, saved, saved_orders


async def _parse(session: Session, name: str, content: bytes) -> list[SourceTable]:
    """The file's tables, read in a child process (`sandbox`). The request's transaction ends
    first: on SQLite a transaction holds the write lock from its start (BEGIN IMMEDIATE), and
    every other request, `/health` too, would wait on it while the file is parsed."""
    session.commit()
    return await parse_in_child_async(name, content)


@router.post("/intake/upload/confirm", response_class=HTMLResponse, include_in_schema=False)
async def confirm_upload(request: Request, session: SessionDep, lang: LanguageDep, actor: ActorDep):
    """Import with the mapping as confirmed or corrected; the mapping is saved for the source.

    The source is the one sealed with the upload (a form field cannot redirect the rows to
    another source), and only the user who uploaded may confirm."""
    expire_uploads(directory=UPLOADS)
    session.commit()  # the sign-in's transaction ends before the file arrives (see `_parse`)
    form = await request.form()
    token = str(form.get("token", ""))
    dry_run = form.get("dry_run") == "1"
    cipher = await run_in_threadpool(operation_cipher, request, session)  # see `_saved_profile`
    try:
        pending = open_upload(
            cipher=cipher, directory=UPLOADS, token=token, uploader=actor.username
        )
    except UploadGone as error:
        raise HTTPException(404, str(error)) from None
    source = pending.source
    check_source_access(actor, source, write=True)
    try:
        tables = await _parse(session, pending.name, pending.content)
    except UnreadableFile as error:  # read once at the upload; the limits may have changed
        return _upload_page(request, lang, actor, error=str(error), code=422)
    headers = list(dict.fromkeys(h for t in tables for h in t.headers))
    mapping = {h: str(form.get(f"column-{i}", "")) or None for i, h in enumerate(headers)}
    date_orders = {
        h: order
        for i, h in enumerate(headers)
        if (order := form.get(f"date-order-{i}")) in DATE_ORDERS
    }
    if not dry_run:
        await run_in_threadpool(  # see `_saved_profile`
            save_mapping,
            session,
            actor=actor,
            cipher=cipher,
            source=source,
            mapping=mapping,
            date_orders=date_orders,
        )
    # validating and sealing every row takes seconds to minutes: off the event loop
    summary = await run_in_threadpool(
        import_tables,
        session,
        actor=actor,
        cipher=cipher,
        source=source,
        file=pending.name,
        tables=tables,
        mapping=mapping,
        date_orders=date_orders,
        dry_run=dry_run,
        channel="upload page",
        # a large file's rows are validated and sealed in a worker process: in a thread
        # they would hold the interpreter lock that every other request waits for
        workers=workers_for(len(pending.content)),
    )
    if not dry_run:
        discard_upload(directory=UPLOADS, token=token)
    return render(
        request,
        "intake/result.html",
        lang,
        summary=summary,
        source=source,
        token=token if dry_run else None,
        columns=list(enumerate(mapping.values())),
        date_orders={headers.index(h): order for h, order in date_orders.items()},
    )
