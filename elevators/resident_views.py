"""The resident's page: through the same dwelling link session as the voting pages (the
session is the consultations app's; this page only asks it which dwelling it is), the
stairwell's retrofit status, the dwelling's share, schedule and what it has paid."""

from django.shortcuts import render
from django.views import View

from elevators import selectors
from elevators.shared import resident_household


class ResidentShareView(View):
    def get(self, request):
        household = resident_household(request)
        if household is None:
            return render(
                request, "consultations/resident_invalid.html", {"expired": True}, status=403
            )
        retrofit = selectors.retrofit_for_household(household)
        context = {"household": household, "retrofit": retrofit}
        if retrofit is not None:
            context.update(
                statement=selectors.dwelling_statement(retrofit, household),
                # The stairwell's table as it is publicised: rooms and figures, never names.
                table=selectors.share_table(retrofit, personal=False),
                steps=retrofit.steps.order_by("on", "pk"),
            )
        return render(request, "elevators/resident_share.html", context)
