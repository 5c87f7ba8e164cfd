"""The medical director's staff pages: list, invite, change, deactivate, reset second factor,
lift a sign-in lock."""

from collections.abc import Callable

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from clinic.accounts import actions, emails, queries
from clinic.accounts.access import director_only
from clinic.accounts.forms import InviteForm, PasswordLinkForm, StaffDetailsForm
from clinic.accounts.models import StaffUser
from clinic.accounts.tokens import live_token_count
from clinic.rules.errors import DomainError
from clinic.web.drafts import confirm_saved

INVITE_DRAFT = "staff-invite"
# The staff page lists this many addresses failing at one account, latest first, and counts the rest.
LOCKS_SHOWN = 10


@login_required
@director_only
def staff_list(request: HttpRequest) -> HttpResponse:
    staff = queries.staff_with_locks(user=request.user, now=timezone.now())
    return render(request, "accounts/staff/list.html", {"staff": staff})


@login_required
@director_only
def staff_invite(request: HttpRequest) -> HttpResponse:
    form = InviteForm(request.POST or None, organisation_id=request.user.organisation_id)
    if request.method == "POST" and form.is_valid():
        try:
            member = actions.invite_staff(actor=request.user, now=timezone.now(), **form.cleaned_data)
        except DomainError as error:
            form.add_error(error.field, error.message)
        else:
            confirm_saved(request, INVITE_DRAFT)
            _send_password_link(request, member=member, sent=f"Invitation sent to {member.email}.")
            return redirect("accounts:staff_edit", member_id=member.pk)
    return render(request, "accounts/staff/invite.html", {"form": form, "draft": INVITE_DRAFT})


@login_required
@director_only
def staff_edit(request: HttpRequest, member_id: int) -> HttpResponse:
    member = _colleague_or_404(request, member_id)
    form = StaffDetailsForm(request.POST or None, organisation_id=request.user.organisation_id,
                            initial=_initial(member))
    if request.method == "POST" and form.is_valid():
        try:
            changed = actions.change_staff(member=member, actor=request.user, now=timezone.now(),
                                           **form.cleaned_data)
        except DomainError as error:
            form.add_error(error.field, error.message)
        else:
            confirm_saved(request, _draft(member))
            messages.success(request, _changed_message(changed))
            return redirect("accounts:staff_edit", member_id=member.pk)
    now = timezone.now()
    locks = queries.sign_in_locks(member=member, now=now)
    return render(request, "accounts/staff/edit.html",
                  {"member": member, "form": form, "draft": _draft(member), "now": now,
                   "password_link_form": PasswordLinkForm(), "live_tokens": live_token_count(user=member),
                   "locks": locks[:LOCKS_SHOWN], "locks_not_shown": max(0, len(locks) - LOCKS_SHOWN)})


@login_required
@director_only
@require_POST
def staff_deactivate(request: HttpRequest, member_id: int) -> HttpResponse:
    return _account_act(request, member_id=member_id, act=actions.deactivate_staff,
                        done="{name} is deactivated: every session of theirs is ended and their API "
                             "tokens are revoked. Reactivating brings neither back.")


@login_required
@director_only
@require_POST
def staff_reactivate(request: HttpRequest, member_id: int) -> HttpResponse:
    return _account_act(request, member_id=member_id, act=actions.reactivate_staff,
                        done="{name} is active again and can sign in.")


@login_required
@director_only
@require_POST
def staff_reset_second_factor(request: HttpRequest, member_id: int) -> HttpResponse:
    return _account_act(request, member_id=member_id, act=actions.reset_second_factor,
                        done="{name}'s second factor is removed. They set up a new one when they "
                             "next sign in.")


@login_required
@director_only
@require_POST
def staff_unlock(request: HttpRequest, member_id: int) -> HttpResponse:
    member = _colleague_or_404(request, member_id)
    try:
        locked = actions.unlock_sign_in(member=member, actor=request.user, now=timezone.now())
    except DomainError as error:
        messages.error(request, error.message)
    else:
        name = member.get_full_name() or member.username
        messages.success(request, f"{name} can sign in again from every address"
                                  + (f" (locks at {len(locked)} address{'es' if len(locked) != 1 else ''} "
                                     "lifted)." if locked else "."))
    return redirect("accounts:staff_edit", member_id=member.pk)


@login_required
@director_only
@require_POST
def staff_send_password_link(request: HttpRequest, member_id: int) -> HttpResponse:
    member = _colleague_or_404(request, member_id)
    form = PasswordLinkForm(request.POST)
    form.is_valid()  # a checkbox: always valid, unticked when absent
    try:
        revoked = actions.reset_password(member=member, actor=request.user, now=timezone.now(),
                                         revoke_tokens=form.cleaned_data["revoke_tokens"])
    except DomainError as error:
        messages.error(request, error.message)
    else:
        tokens = f" and {len(revoked)} API token{'s' if len(revoked) != 1 else ''} revoked" if revoked else ""
        _send_password_link(request, member=member,
                            sent=f"A link to choose a password was sent to {member.email}; their old "
                                 f"password no longer works, every session of theirs is ended{tokens}.")
    return redirect("accounts:staff_edit", member_id=member.pk)


def _account_act(request: HttpRequest, *, member_id: int, act: Callable[..., None], done: str) -> HttpResponse:
    member = _colleague_or_404(request, member_id)
    try:
        act(member=member, actor=request.user, now=timezone.now())
    except DomainError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, done.format(name=member.get_full_name() or member.username))
    return redirect("accounts:staff_edit", member_id=member.pk)


def _send_password_link(request: HttpRequest, *, member: StaffUser, sent: str) -> None:
    if emails.send_password_link(request=request, user=member, invited_by=request.user):
        messages.success(request, sent)
    else:
        messages.warning(request, f"The email to {member.email} could not be sent. Check the "
                                  "clinic's email settings, then use “Send a password link”.")


def _colleague_or_404(request: HttpRequest, member_id: int) -> StaffUser:
    # Someone of another organisation answers 404, the same as no one at all.
    return get_object_or_404(queries.organisation_staff(user=request.user), pk=member_id)


def _initial(member: StaffUser) -> dict:
    return {**{name: getattr(member, name) for name in actions.STAFF_FIELDS},
            "sites": list(member.sites.all())}


def _draft(member: StaffUser) -> str:
    return f"staff-{member.pk}"


def _changed_message(changed: list[str]) -> str:
    if not changed:
        return "Nothing was changed."
    labels = {"first_name": "given name", "last_name": "family name", "site_ids": "sites"}
    return "Saved: " + ", ".join(labels.get(name, name) for name in changed) + "."
