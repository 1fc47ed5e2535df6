"""The resident's page: through the same dwelling link session as the voting pages (the
session is the consultations app's; this page only asks `consultations.resident_views` which
dwelling it is), the stairwell's retrofit status, the dwelling's share, schedule and what it has
paid. Public like the consultations resident pages: no account, a session for one dwelling."""

from django.shortcuts import render

from consultations.resident_views import resident_household
from elevators import selectors


def resident_share(request):
    household = resident_household(request)
    if household is None:
        return render(request, "consultations/resident_invalid.html", {"expired": True}, status=403)
    retrofit = selectors.household_retrofit(household=household)
    context = {"household": household, "retrofit": retrofit}
    if retrofit is not None:
        context.update(
            statement=selectors.dwelling_statement(retrofit=retrofit, household=household),
            # The stairwell's table as it is publicised: rooms and figures, never names.
            table=selectors.share_table(retrofit=retrofit, personal=False),
            steps=retrofit.steps.order_by("on", "pk"),
        )
    return render(request, "elevators/resident_share.html", context)
