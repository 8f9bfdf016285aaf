"""The messages page: compose a message for an audience, preview who gets it (counts per
channel and language), send it, follow it. And the SMS gateway's delivery callbacks."""

from datetime import UTC, datetime
from typing import Annotated

from fastapi import APIRouter, Form, HTTPException, Request, Response
from fastapi.responses import HTMLResponse, RedirectResponse
from pydantic import Field
from starlette.concurrency import run_in_threadpool

from evac.auth.deps import ActorDep
from evac.auth.permissions import Permission
from evac.deps import NO_NUL, LanguageDep, RowId, SessionDep, chosen_operation, render
from evac.intake.views import operation_cipher
from evac.notify.audience import Audience, save_audience, saved_audience, saved_audiences
from evac.notify.config import NotifySettings
from evac.notify.delivery import record_status, signature_is_valid
from evac.notify.flows import SendError, preview_send, queue_send
from evac.notify.models import Channel, SendState, Status
from evac.notify.service import audience_choices, recent_sends, send_summary
from evac.notify.templates import Template, digits
from evac.operation.service import local_time
from evac.vault.keys import provider_from_settings

router = APIRouter()

TEMPLATE_LABELS = {
    Template.call_forward: "Call-forward, with the pass",
    Template.change: "Change to a call-forward, with a new pass",
    Template.cancellation: "Cancellation of a call-forward",
    Template.leave_now: "Warden notice: leave the country now",
    Template.do_not_come: "Warden notice: do not come to the airport",
}
CHANNEL_LABELS = {Channel.email: "E-mail", Channel.sms: "SMS", Channel.whatsapp: "WhatsApp"}
STATUS_LABELS = {
    Status.queued: "Waiting to be sent",
    Status.in_flight: "Being sent",
    Status.sent: "Sent",
    Status.failed: "Failed",
}
SEND_STATE_LABELS = {
    SendState.previewed: "Previewed, not sent",
    SendState.queued: "Sent to the outbox",
    SendState.cancelled: "Cancelled",
}
DROPPED_LABELS = {
    "merged into another person": "Merged into another person since the preview",
    "no longer in the audience": "No longer in the audience since the preview",
}
NO_WINDOW = "Choose the plan window this message is about."
NO_SAVED = "No saved audience has that name."
LABELS = (
    NO_WINDOW,
    NO_SAVED,
    *TEMPLATE_LABELS.values(),
    *CHANNEL_LABELS.values(),
    *STATUS_LABELS.values(),
    *SEND_STATE_LABELS.values(),
    *DROPPED_LABELS.values(),
)


def _utc(moment: datetime) -> datetime:
    """A window as the form sends it back (with its zone); a bare time is taken as UTC."""
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def _when(lang, operation, moment: datetime) -> str:
    return digits(lang, local_time(operation, moment).strftime("%Y-%m-%d %H:%M"))


def _compose(request, session, lang, actor, error: str | None = None, status_code: int = 200):
    actor.require(Permission.personal_read)
    operation = chosen_operation(request, session)
    response = render(
        request,
        "notify/compose.html",
        lang,
        operation=operation,
        choices=audience_choices(session, operation=operation),
        saved=saved_audiences(session, operation=operation),
        sends=recent_sends(session, operation=operation),
        when=lambda moment: _when(lang, operation, moment),
        templates=TEMPLATE_LABELS,
        channels=CHANNEL_LABELS,
        states=SEND_STATE_LABELS,
        error=error,
    )
    response.status_code = status_code
    return response


@router.get("/notify", response_class=HTMLResponse, include_in_schema=False)
def compose_page(request: Request, session: SessionDep, lang: LanguageDep, actor: ActorDep):
    return _compose(request, session, lang, actor)


@router.post("/notify/preview", include_in_schema=False)
def preview_page(
    request: Request,
    session: SessionDep,
    lang: LanguageDep,
    actor: ActorDep,
    template: Annotated[Template, Form()],
    window: Annotated[str, Form(max_length=40, pattern=NO_NUL)] = "",
    category: Annotated[list[Annotated[str, Field(max_length=40, pattern=NO_NUL)]], Form()] = [],  # noqa: B006  (FastAPI copies form defaults)
    # a priority is a small rank; an unbounded number broke Babel's formatting on the page
    priority: Annotated[list[Annotated[int, Field(ge=0, le=999)]], Form()] = [],  # noqa: B006
    channel: Annotated[list[Channel], Form()] = [],  # noqa: B006
    saved: Annotated[str, Form(max_length=80, pattern=NO_NUL)] = "",
    save_as: Annotated[str, Form(max_length=80, pattern=NO_NUL)] = "",
):
    operation = chosen_operation(request, session)
    try:
        if saved:
            audience = saved_audience(session, operation=operation, name=saved)
        else:
            audience = Audience(
                window_start=_utc(datetime.fromisoformat(window)) if window else None,
                categories=tuple(category),
                priorities=tuple(priority),
                channels=tuple(channel) or (Channel.email, Channel.sms),
            )
        if save_as.strip():
            save_audience(
                session,
                operation=operation,
                name=save_as.strip(),
                audience=audience,
                created_by=actor.username,
            )
        shown = preview_send(
            session,
            actor=actor,
            cipher=operation_cipher(request, session),
            operation=operation,
            template=template,
            audience=audience,
        )
    except LookupError:
        session.rollback()
        return _compose(request, session, lang, actor, error=NO_SAVED, status_code=422)
    except (SendError, ValueError):
        session.rollback()
        return _compose(request, session, lang, actor, error=NO_WINDOW, status_code=422)
    return RedirectResponse(f"/notify/sends/{shown.send_id}", status_code=303)


@router.get("/notify/sends/{send_id}", response_class=HTMLResponse, include_in_schema=False)
def send_page(
    request: Request, session: SessionDep, lang: LanguageDep, actor: ActorDep, send_id: RowId
):
    actor.require(Permission.personal_read)
    operation = chosen_operation(request, session)
    summary = send_summary(session, operation=operation, send_id=send_id)
    if summary is None:
        raise HTTPException(404, "no such send")
    audience = Audience.from_json(summary.send.audience)
    return render(
        request,
        "notify/send.html",
        lang,
        summary=summary,
        audience=audience,
        window=_when(lang, operation, audience.window_start) if audience.window_start else None,
        template_label=TEMPLATE_LABELS[Template(summary.send.template)],
        channels=CHANNEL_LABELS,
        statuses=STATUS_LABELS,
        dropped={DROPPED_LABELS.get(k, k): v for k, v in (summary.send.dropped or {}).items()},
        previewed=summary.send.state == SendState.previewed,
    )


@router.post("/notify/sends/{send_id}/send", include_in_schema=False)
def send_now(request: Request, session: SessionDep, actor: ActorDep, send_id: RowId):
    operation = chosen_operation(request, session)
    settings = request.app.state.settings
    try:
        queue_send(
            session,
            actor=actor,
            provider=provider_from_settings(settings),
            cipher=operation_cipher(request, session),
            operation=operation,
            send_id=send_id,
            domain=settings.smtp_sender.rpartition("@")[2] or "evac.invalid",
        )
    except SendError:
        session.rollback()  # sent already (a double click): the page shows its progress
    return RedirectResponse(f"/notify/sends/{send_id}", status_code=303)


# Left out of the published API: the gateway signs its calls, it holds no bearer token.
@router.post("/api/v1/notify/twilio/status", status_code=204, include_in_schema=False)
async def gateway_status(request: Request, session: SessionDep) -> Response:
    """The SMS/WhatsApp gateway's delivery report (Twilio's status callback), taken only with
    a valid X-Twilio-Signature."""
    form = {key: str(value) for key, value in (await request.form()).items()}
    signature = request.headers.get("x-twilio-signature", "")
    # The database work in a thread: on SQLite the event loop must never wait for the lock.
    await run_in_threadpool(_gateway_status, request, session, form, signature)
    return Response(status_code=204)


def _gateway_status(request: Request, session, form: dict[str, str], signature: str) -> None:
    notify = NotifySettings()
    url = notify.status_callback_url or str(request.url)
    token = notify.twilio_auth_token.get_secret_value() if notify.twilio_auth_token else None
    if token is None or not signature_is_valid(url, form, token, signature):
        raise HTTPException(403, "not signed by the gateway")
    if "MessageSid" in form and "MessageStatus" in form:
        record_status(
            session,
            provider_id=form["MessageSid"][:64],
            status=form["MessageStatus"][:24],
            error=form.get("ErrorCode"),
        )
