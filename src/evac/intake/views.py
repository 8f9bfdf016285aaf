"""HTTP routes of intake: the public self-registration form, the partner API, the upload page.

The public form is plain HTML: every step is a form submission (add a family member, remove
one, register), so it works without JavaScript on a slow phone, in English, Dari and Pashto.
"""

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse
from sqlalchemy.orm import Session

from evac.deps import LanguageDep, SessionDep, render
from evac.intake.service import (
    MEMBER_FIELDS,
    PRINCIPAL_FIELDS,
    current_operation,
    register_household,
)
from evac.people.models import Role
from evac.vault.keys import provider_from_settings
from evac.vault.service import OperationCipher, cipher_for

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


def operation_cipher(request: Request, session: Session) -> OperationCipher:
    operation = current_operation(session)
    provider = provider_from_settings(request.app.state.settings)
    return cipher_for(session, provider=provider, operation_id=operation.id)


def _form_people(form) -> tuple[dict[str, str], list[dict[str, str]]]:
    principal = {f: form.get(f"p_{f}", "").strip() for f in PRINCIPAL_FIELDS}
    count = min(int(form.get("members", "0") or 0), MAX_MEMBERS)
    members = [{f: form.get(f"m{i}_{f}", "").strip() for f in MEMBER_FIELDS} for i in range(count)]
    return {k: v for k, v in principal.items() if v}, members


def _page(request: Request, lang, principal, members, errors=None, status_code=200):
    response = render(
        request,
        "intake/register.html",
        lang,
        principal=principal,
        members=members,
        errors=errors or {},
        categories=CATEGORIES,
        sexes=SEXES,
        relationships=RELATIONSHIPS,
        max_members=MAX_MEMBERS,
    )
    response.status_code = status_code
    return response


@router.get("/register", response_class=HTMLResponse, include_in_schema=False)
def registration_form(request: Request, lang: LanguageDep):
    return _page(request, lang, {}, [])


@router.post("/register", response_class=HTMLResponse, include_in_schema=False)
async def submit_registration(request: Request, session: SessionDep, lang: LanguageDep):
    form = await request.form()
    principal, members = _form_people(form)
    action = form.get("action", "register")
    if action == "add" and len(members) < MAX_MEMBERS:
        return _page(request, lang, principal, [*members, {}])
    if action == "remove" and members:
        return _page(request, lang, principal, members[:-1])
    filled = [m for m in members if any(m.values())]
    outcome = register_household(
        session,
        cipher=operation_cipher(request, session),
        principal=principal,
        members=[{k: v for k, v in m.items() if v} for m in filled],
    )
    if outcome.errors:
        return _page(request, lang, principal, filled, outcome.errors, status_code=422)
    return render(
        request,
        "intake/registered.html",
        lang,
        reference=outcome.reference,
        people=outcome.accepted + outcome.duplicates,
        already=outcome.accepted == 0,
    )
