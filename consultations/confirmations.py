"""What consultations confirm before doing what cannot be undone: closing voting early (how
many dwellings have not voted yet), revoking a resident link, printing a new slip for one
dwelling (its old slip stops working), issuing slips for dwellings that already have one.

Each function answers the confirmation page (the portal's `renovation.confirm`: no JavaScript,
the same fields posted back with `confirmed=yes`); the action's own view stays the one place
that acts:

    if not confirm.is_confirmed(request):
        return confirmations.close_early(request, consultation=consultation)
    services.consultation_close(...)"""

from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from consultations import selectors
from renovation.confirm import confirmation


def _when(moment) -> str:
    return timezone.localtime(moment).strftime("%Y-%m-%d %H:%M")


def _dwelling(household) -> str:
    return f"{household.stairwell.building.number}-{household.stairwell.number}-{household.room_number}"


# ---------------------------------------------------------------------------------------------
# The consultations' confirmations
# ---------------------------------------------------------------------------------------------


def close_early(request, *, consultation):
    """Closing voting before its time: how many dwellings have not voted, and that it is final."""
    turnout = selectors.electorate_turnout(consultation=consultation)
    not_voted = turnout["total"] - turnout["voted"]
    consequences = []
    if consultation.closes_at > timezone.now():
        consequences.append(
            _("Voting ends now instead of at %(end)s.") % {"end": _when(consultation.closes_at)}
        )
    consequences += [
        ngettext(
            "%(n)s of %(total)s dwellings has not voted yet; it can no longer vote, online or on paper.",
            "%(n)s of %(total)s dwellings have not voted yet; they can no longer vote, online or on paper.",
            not_voted,
        )
        % {"n": not_voted, "total": turnout["total"]},
        _("The result is counted and the choices become visible to staff."),
        _("Voting cannot be opened again."),
    ]
    return confirmation(
        request,
        title=_("Close voting on “%(title)s” now?") % {"title": consultation.title},
        consequences=consequences,
        confirm_label=_("Close voting now"),
        cancel_url=reverse("consultations:detail", args=[consultation.pk]),
        context={"consultation": consultation, "not_voted": not_voted},
    )


def link_revoke(request, *, household, link, cancel_url: str):
    """Revoking a dwelling's link: its printed slip stops working."""
    return confirmation(
        request,
        title=_("Revoke the link of %(h)s?") % {"h": _dwelling(household)},
        consequences=[
            _(
                "The slip issued on %(when)s stops working at once; a resident who opened it is "
                "signed out at the next page."
            )
            % {"when": _when(link.issued_at)},
            _(
                "The dwelling cannot vote online until a new slip is printed. Ballots already "
                "cast still count."
            ),
        ],
        confirm_label=_("Revoke the link"),
        cancel_url=cancel_url,
    )


def link_reissue(request, *, household, link, cancel_url: str):
    """Printing a new slip for one dwelling that has one: only that dwelling's old slip stops."""
    return confirmation(
        request,
        title=_("Print a new slip for %(h)s?") % {"h": _dwelling(household)},
        consequences=[
            _("The slip issued on %(when)s stops working at once.")
            % {"when": _when(link.issued_at)},
            _("The slips of the other dwellings keep working."),
            _("The new slip is shown once, on the next page: print it there."),
        ],
        confirm_label=_("Print a new slip"),
        cancel_url=cancel_url,
        danger=False,
    )


def links_issue(request, *, count: int, replaced: int, cancel_url: str):
    """Issuing slips for many dwellings when some of them already have one."""
    return confirmation(
        request,
        title=ngettext("Issue and print %(n)s slip?", "Issue and print %(n)s slips?", count)
        % {"n": count},
        consequences=[
            ngettext(
                "%(n)s dwelling already has a slip; it stops working at once.",
                "%(n)s dwellings already have a slip; those slips stop working at once.",
                replaced,
            )
            % {"n": replaced},
            _("To replace one lost slip, use “New slip” on that dwelling's row instead."),
            _("The new slips are shown once, on the next page: print them there."),
        ],
        confirm_label=ngettext("Issue %(n)s slip", "Issue %(n)s slips", count) % {"n": count},
        cancel_url=cancel_url,
    )
