"""Confirming what cannot be undone (or not easily): a page that says what will happen, then
does it. Works without JavaScript, so it works on every phone.

The action's own view stays the one place that acts. Its form posts as usual; while the POST
does not carry `confirmed=yes`, the view answers with the confirmation page, which posts the
same fields back to the same address with `confirmed=yes`:

    if not confirm.is_confirmed(request):
        return confirm.confirmation(
            request,
            title=_("Suspend the project?"),
            consequences=[...],            # what will happen, one sentence each
            confirm_label=_("Suspend the project"),
            cancel_url=reverse("projects:detail", args=[project.pk]),
        )
    services.project_transition(...)

Check that the action is allowed before asking (a refused action is explained, not confirmed).
Uploaded files cannot ride along in hidden fields: confirm before a step that takes files, or
keep them first (`renovation.uploads`) and carry their tokens."""

from dataclasses import dataclass, field

from django.shortcuts import render

CONFIRM_FIELD = "confirmed"
CONFIRM_VALUE = "yes"
# Never repeated into the confirmation's hidden fields.
NOT_CARRIED = {"csrfmiddlewaretoken", CONFIRM_FIELD}


def is_confirmed(request) -> bool:
    """Whether this POST is the answer to a confirmation page."""
    return request.method == "POST" and request.POST.get(CONFIRM_FIELD) == CONFIRM_VALUE


@dataclass
class Confirmation:
    title: str
    consequences: list[str]
    confirm_label: str
    cancel_url: str
    action_url: str = ""  # empty: post back to the address that asked
    carried: list[tuple[str, str]] = field(default_factory=list)
    danger: bool = True


def carried_fields(data) -> list[tuple[str, str]]:
    """(name, value) of every field the first POST sent, to post them again unchanged."""
    return [
        (name, value) for name in data if name not in NOT_CARRIED for value in data.getlist(name)
    ]


def confirmation(
    request,
    *,
    title: str,
    consequences: list[str],
    confirm_label: str,
    cancel_url: str,
    action_url: str = "",
    danger: bool = True,
    template_name: str = "renovation/confirm.html",
    context: dict | None = None,
):
    """The confirmation page for the action the request asked for."""
    confirm = Confirmation(
        title=str(title),
        consequences=[str(c) for c in consequences],
        confirm_label=str(confirm_label),
        cancel_url=cancel_url,
        action_url=action_url or request.get_full_path(),
        carried=carried_fields(request.POST) if request.method == "POST" else [],
        danger=danger,
    )
    return render(
        request,
        template_name,
        {"confirm": confirm, "confirm_field": CONFIRM_FIELD, "confirm_value": CONFIRM_VALUE}
        | (context or {}),
    )
