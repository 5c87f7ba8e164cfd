"""Each staff user's own API tokens: list, create (shown once), revoke."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from clinic.accounts import queries
from clinic.accounts.forms import TokenForm
from clinic.accounts.tokens import issue_token, revoke_token


@never_cache
@login_required
def tokens(request: HttpRequest) -> HttpResponse:
    form = TokenForm(request.POST or None)
    new_token = None
    if request.method == "POST" and form.is_valid():
        # Rendered here rather than after a redirect: the plain token is never stored anywhere.
        _, new_token = issue_token(user=request.user, name=form.cleaned_data["name"], now=timezone.now())
        form = TokenForm()
    return render(request, "accounts/tokens.html",
                  {"tokens": list(queries.own_tokens(user=request.user)), "form": form,
                   "new_token": new_token})


@login_required
@require_POST
def token_revoke(request: HttpRequest, token_id: int) -> HttpResponse:
    # Another user's token answers 404, the same as a missing one.
    token = get_object_or_404(queries.own_tokens(user=request.user), pk=token_id)
    revoke_token(token=token, actor=request.user, now=timezone.now())
    messages.success(request, f"The token “{token.name}” ({token.prefix}…) is revoked; it no longer works.")
    return redirect("accounts:tokens")
