"""The ballots of a consultation as an xlsx download: dwellings and answers, counted and
replaced ballots alike, never names or phones. Only once voting has closed."""

import io

from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import redirect
from django.utils import timezone
from django.utils.translation import gettext as _

from consultations import selectors
from renovation import access
from renovation.exports import safe_cell
from renovation.views import staff_view

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def ballots_workbook(*, user, consultation) -> bytes:
    """Each ballot the user may handle ballots for as a row: where the dwelling is, its area in
    the frozen electorate, how and when the ballot was cast, whether it counts (the latest of a
    dwelling of the electorate), why it replaced an online ballot, one column per question."""
    from openpyxl import Workbook

    questions = selectors.consultation_questions(consultation=consultation)
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(_("Ballots"))
    sheet.append(
        [
            _("Building"),
            _("Stairwell"),
            _("Room"),
            _("Floor"),
            _("Floor area (m²)"),
            _("Channel"),
            _("Cast at"),
            _("Counts"),
            _("Entered by"),
            _("Why it replaces the online ballot"),
            *[q.text for q in questions],
        ]
    )
    for ballot in selectors.consultation_ballots(user=user, consultation=consultation):
        by_question: dict[int, list[str]] = {}
        for answer in ballot.answers.all():
            value = (
                answer.choice.text
                if answer.choice_id
                else (str(answer.rating) if answer.rating else answer.text)
            )
            by_question.setdefault(answer.question_id, []).append(value)
        h = ballot.household
        sheet.append(
            [
                h.stairwell.building.number,
                h.stairwell.number,
                h.room_number,
                h.floor,
                ballot.frozen_area,
                ballot.get_channel_display(),
                timezone.localtime(ballot.cast_at).strftime("%Y-%m-%d %H:%M"),
                # Not a bare "yes"/"no": other apps' catalogues translate those differently.
                _("counted")
                if ballot.is_current and ballot.frozen_area is not None
                else _("not counted"),
                ballot.entered_by.username if ballot.entered_by else "",
                safe_cell(ballot.replace_reason),
                # Residents' written answers are free text: no formula runs from them.
                *[safe_cell("; ".join(by_question.get(q.pk, []))) for q in questions],
            ]
        )
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


@staff_view
def ballots_export(request, pk):
    consultation = access.scoped_get_or_404(
        request.user, selectors.consultations_visible(user=request.user), access.BALLOT, pk=pk
    )
    if not consultation.results_visible:
        messages.error(request, _("Ballots can be exported once voting has closed."))
        return redirect("consultations:detail", pk=pk)
    response = HttpResponse(
        ballots_workbook(user=request.user, consultation=consultation), content_type=XLSX
    )
    response["Content-Disposition"] = f'attachment; filename="ballots-{consultation.pk}.xlsx"'
    return response
