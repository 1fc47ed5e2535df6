"""The base of every API viewset: authentication, role permission, scoping, filters,
pagination and exports (`?format=csv` / `?format=xlsx`) live here, so a plain CRUD viewset is
`queryset`, `serializer_class`, `filterset_class`. A service's ValidationError needs no
try/except in a view: the exception handler in `renovation.drf` turns it into a 400 keyed by
field. `StatisticsViewSet` is the base of every `/api/v1/statistics/<topic>/` endpoint."""

import copy
import json
from decimal import Decimal

from django.urls import path
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema
from rest_framework import renderers, serializers, viewsets
from rest_framework.exceptions import ValidationError
from rest_framework.renderers import JSONRenderer
from rest_framework.response import Response
from rest_framework.settings import api_settings

from renovation import access, dates, exports

MAX_WEEKS = 52


class ScopedQuerysetMixin:
    """Limits `queryset` to the caller's part of the tree; out of scope is 404."""

    def get_queryset(self):
        return access.scope_queryset(self.request.user, super().get_queryset())


class ScopedPrimaryKeyRelatedField(serializers.PrimaryKeyRelatedField):
    """A relation that accepts only objects the caller may write to (`perm`, default manage):
    an out-of-scope id reads as "does not exist", exactly like a wrong id."""

    def __init__(self, *args, perm=access.MANAGE, **kwargs):
        self.perm = perm
        super().__init__(*args, **kwargs)

    def get_queryset(self):
        queryset = super().get_queryset()
        request = self.context.get("request")
        if request is None:
            return queryset.none()
        return access.scope_queryset(request.user, queryset, self.perm)


# ---- exports: ?format=csv / ?format=xlsx --------------------------------------------------


class CSVRenderer(renderers.BaseRenderer):
    """Offers `?format=csv` on the actions in `ExportMixin.export_actions`; those actions answer
    with a download themselves (`renovation.exports.download`), so nothing is rendered here."""

    media_type = "text/csv"
    format = "csv"
    charset = "utf-8"

    def render(self, data, accepted_media_type=None, renderer_context=None):
        raise NotImplementedError("An export action answers with renovation.exports.download().")


class XLSXRenderer(CSVRenderer):
    media_type = exports.XLSX
    format = "xlsx"
    charset = None


# Serializer fields that hold more than one value (nested rows, lists): left out of a sheet.
_MANY = (serializers.BaseSerializer, serializers.ListField, serializers.ManyRelatedField)


def _export_cell(field, value):
    """A cell as a spreadsheet wants it: decimals as numbers (the API sends them as strings),
    anything nested as JSON text."""
    if value is None:
        return None
    if isinstance(field, serializers.DecimalField):
        return Decimal(value)
    if isinstance(value, dict | list):
        return json.dumps(value, ensure_ascii=False)
    return value


class ExportMixin:
    """`?format=csv` and `?format=xlsx` on the list action (and on `export_actions`): every row
    the filters select, in the caller's scope, not one page — a CSV streamed as rows are read
    (the queryset is iterated in chunks), an xlsx written in write-only mode. The columns are
    the serializer's single-valued fields; errors stay JSON."""

    export_actions: tuple[str, ...] = ("list",)
    export_chunk_size = 2000

    def get_renderers(self):
        found = super().get_renderers()
        if getattr(self, "action", None) in self.export_actions:
            found += [CSVRenderer(), XLSXRenderer()]
        return found

    def export_format(self) -> str | None:
        renderer = getattr(self.request, "accepted_renderer", None)
        fmt = getattr(renderer, "format", None)
        return fmt if fmt in exports.EXPORT_FORMATS else None

    def finalize_response(self, request, response, *args, **kwargs):
        # An error (a bad filter, a 404) asked for as CSV or xlsx is answered in JSON.
        if isinstance(response, Response) and self.export_format():
            request.accepted_renderer = JSONRenderer()
            request.accepted_media_type = JSONRenderer.media_type
        return super().finalize_response(request, response, *args, **kwargs)

    def export_name(self) -> str:
        return f"{getattr(self, 'basename', None) or 'export'}-{dates.today():%Y%m%d}"

    def list(self, request, *args, **kwargs):
        fmt = self.export_format()
        if fmt is None:
            return super().list(request, *args, **kwargs)
        queryset = self.filter_queryset(self.get_queryset())
        serializer = self.get_serializer()
        for name in [n for n, f in serializer.fields.items() if isinstance(f, _MANY)]:
            serializer.fields.pop(name)
        fields = [(n, f) for n, f in serializer.fields.items() if not f.write_only]

        def rows():
            for obj in queryset.iterator(chunk_size=self.export_chunk_size):
                data = serializer.to_representation(obj)
                yield [_export_cell(field, data.get(name)) for name, field in fields]

        return exports.download(
            fmt, header=[n for n, _f in fields], rows=rows(), filename=self.export_name()
        )


class AggregateExportMixin(ExportMixin):
    """`?format=csv` / `?format=xlsx` for an aggregate endpoint whose list answers one object
    (totals and rows): the download holds the rows of its `export_rows_field`, with the columns
    of that field's serializer."""

    export_rows_field = "rows"

    def finalize_response(self, request, response, *args, **kwargs):
        fmt = self.export_format()
        if fmt and isinstance(response, Response) and response.status_code == 200:
            fields = self.get_serializer_class()().fields[self.export_rows_field].child.fields
            rows = [
                [_export_cell(field, row.get(name)) for name, field in fields.items()]
                for row in response.data[self.export_rows_field]
            ]
            response = exports.download(
                fmt, header=list(fields), rows=rows, filename=self.export_name()
            )
        return super().finalize_response(request, response, *args, **kwargs)

    def get_serializer_class(self):
        return self.serializer_class


class ScopedModelViewSet(ExportMixin, ScopedQuerysetMixin, viewsets.ModelViewSet):
    http_method_names = ["get", "post", "put", "patch", "head", "options"]
    write_perm = access.MANAGE


class ScopedReadOnlyViewSet(ExportMixin, ScopedQuerysetMixin, viewsets.ReadOnlyModelViewSet):
    pass


# ---- statistics -----------------------------------------------------------------------------


class StatisticsParameters(serializers.Serializer):
    """What every statistics endpoint reads from the query string."""

    region = serializers.IntegerField(
        required=False,
        min_value=1,
        help_text=_(
            "A node of the administrative tree (an id from /regions/); default: the caller's own "
            "node. Out of the caller's scope: 404."
        ),
    )
    programme = serializers.IntegerField(
        required=False,
        min_value=1,
        help_text=_("Only this programme (an id from /programmes/)."),
    )
    year = serializers.IntegerField(
        required=False,
        min_value=2000,
        max_value=2100,
        help_text=_("Only programmes of this year."),
    )


class WeeklyParameters(StatisticsParameters):
    weeks = serializers.IntegerField(
        required=False,
        default=12,
        min_value=1,
        max_value=MAX_WEEKS,
        help_text=_("How many weeks, the last one included (at most 52)."),
    )
    until = serializers.DateField(
        required=False,
        help_text=_("A day of the last week (default: today); figures stand as of its end."),
    )


class RegionRefSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()
    level = serializers.IntegerField(help_text=_("1 city, 2 district, 3 subdistrict, 4 community"))
    level_display = serializers.CharField()


BREAKDOWN_KINDS = ["district", "subdistrict", "community", "estate"]


def _statistics_serializers(figures: type[serializers.Serializer], base: str, extra: dict):
    """The response of statistics endpoint `base` whose figures are `figures`: the totals and
    one row per child of the region (and `extra` fields of the whole region, if any)."""
    row = type(
        f"{base}Row",
        (serializers.Serializer,),
        {
            "id": serializers.IntegerField(
                help_text=_("The child region's id (an estate's below a community).")
            ),
            "name": serializers.CharField(),
            **copy.deepcopy(figures._declared_fields),
        },
    )
    response = type(
        base,
        (serializers.Serializer,),
        {
            "region": RegionRefSerializer(),
            "breakdown": serializers.ChoiceField(
                choices=BREAKDOWN_KINDS, help_text=_("What the rows are: the next level down.")
            ),
            "programme": serializers.IntegerField(allow_null=True),
            "year": serializers.IntegerField(allow_null=True),
            "totals": figures(),
            "rows": row(many=True),
            **copy.deepcopy(extra),
        },
    )
    return response


def _weekly_serializer(figures: type[serializers.Serializer], base: str):
    week = type(
        f"{base}Week",
        (serializers.Serializer,),
        {
            "week_start": serializers.DateField(help_text=_("Monday of the week.")),
            "as_of": serializers.DateField(
                help_text=_("The day the figures stand at: the week's Sunday, or `until`.")
            ),
            **copy.deepcopy(figures._declared_fields),
        },
    )
    return type(
        f"{base}Weekly",
        (serializers.Serializer,),
        {
            "region": RegionRefSerializer(),
            "programme": serializers.IntegerField(allow_null=True),
            "year": serializers.IntegerField(allow_null=True),
            "weeks": week(many=True),
        },
    )


class StatisticsViewSet(ExportMixin, ScopedQuerysetMixin, viewsets.GenericViewSet):
    """The base of every statistics endpoint (`/api/v1/statistics/<topic>/`). A topic names
    its figures and the selector that computes them:

        class ProjectStatusStatistics(StatisticsViewSet):
            figures_serializer = ProjectStatusFigures
            statistics = staticmethod(statistics.projects_by_status)
            weekly_figures_serializer = ...  # and weekly_statistics, for /weekly/

    The base validates `region`, `programme` and `year` (a 400 naming the parameter; a region
    out of the caller's reach is 404), resolves the breakdown (the region's children in the
    caller's scope, `communities.statistics`), calls the selector, and answers in JSON, CSV or
    xlsx. `statistics(*, user, breakdown, programme, year)` returns {"rows", "totals"};
    `weekly_statistics(*, user, region, days, programme, year)` one dict per as-of day.
    Aggregates only: no names of people."""

    figures_serializer: type[serializers.Serializer] | None = None
    statistics = None
    # Fields about the whole region beside totals and rows: {"by_status": Serializer(many=True)}
    statistics_extra: dict = {}
    weekly_figures_serializer: type[serializers.Serializer] | None = None
    weekly_statistics = None
    export_actions = ("figures", "weekly")
    pagination_class = None
    filter_backends: list = []

    def __init_subclass__(cls, **kwargs):
        super().__init_subclass__(**kwargs)
        if cls.__dict__.get("figures_serializer"):
            cls.response_serializer = _statistics_serializers(
                cls.figures_serializer, cls.__name__, cls.statistics_extra
            )
        if cls.__dict__.get("weekly_figures_serializer"):
            cls.weekly_serializer = _weekly_serializer(cls.weekly_figures_serializer, cls.__name__)

    @classmethod
    def urls(cls, topic: str) -> list:
        """The endpoint's routes: `statistics/<topic>/` and, with a series, `.../weekly/`."""
        found = [
            path(
                f"statistics/{topic}/",
                cls.as_view({"get": "figures"}),
                name=f"statistics-{topic}",
            )
        ]
        if cls.weekly_statistics is not None:
            found.append(
                path(
                    f"statistics/{topic}/weekly/",
                    cls.as_view({"get": "weekly"}),
                    name=f"statistics-{topic}-weekly",
                )
            )
        return found

    def get_queryset(self):
        # The regions a caller may ask about start from their scope (communities.statistics).
        from communities.models import Region

        return access.scope_queryset(self.request.user, Region.objects.all())

    def get_serializer_class(self):
        if self.action == "weekly":
            return self.weekly_serializer
        return self.response_serializer

    def export_name(self) -> str:
        suffix = "-weekly" if self.action == "weekly" else ""
        return f"{self.topic}{suffix}-{dates.today():%Y%m%d}"

    @property
    def topic(self) -> str:
        return self.request.resolver_match.url_name.removeprefix("statistics-").removesuffix(
            "-weekly"
        )

    def parameters(self, serializer_class) -> dict:
        """The query string, validated: unknown names and bad values are a 400 naming them;
        `programme` comes back as the Programme (one the caller can see) or None."""
        from projects.selectors import programmes_visible

        known = set(serializer_class().fields) | {api_settings.URL_FORMAT_OVERRIDE}
        message = _("Unknown parameter. This endpoint takes: %(names)s.") % {
            "names": ", ".join(sorted(known))
        }
        errors = {name: [message] for name in sorted(set(self.request.query_params) - known)}
        params = serializer_class(data=self.request.query_params.dict())
        if not params.is_valid():
            errors.update(params.errors)
        if errors:
            raise ValidationError(errors)
        values = dict(params.validated_data)
        programme_id = values.get("programme")
        values["programme"] = None
        if programme_id is not None:
            values["programme"] = (
                programmes_visible(user=self.request.user).filter(pk=programme_id).first()
            )
            if values["programme"] is None:
                raise ValidationError(
                    {
                        "programme": [
                            _("There is no programme %(id)s among those you can see.")
                            % {"id": programme_id}
                        ]
                    }
                )
        return values

    @staticmethod
    def region_data(region) -> dict:
        return {
            "id": region.pk,
            "name": region.name,
            "level": region.level,
            "level_display": region.get_level_display(),
        }

    @extend_schema(parameters=[StatisticsParameters])
    def figures(self, request):
        from communities.statistics import region_breakdown

        params = self.parameters(StatisticsParameters)
        breakdown = region_breakdown(user=request.user, region_id=params.get("region"))
        programme = params["programme"]
        result = type(self).statistics(
            user=request.user, breakdown=breakdown, programme=programme, year=params.get("year")
        )
        data = self.response_serializer(
            {
                "region": self.region_data(breakdown.region),
                "breakdown": breakdown.child_kind,
                "programme": programme.pk if programme else None,
                "year": params.get("year"),
                "totals": result["totals"],
                "rows": result["rows"],
                **{name: result[name] for name in self.statistics_extra},
            }
        ).data
        fmt = self.export_format()
        if fmt is None:
            return Response(data)
        names = list(self.figures_serializer().fields)
        rows = [[row["id"], row["name"], *(row[n] for n in names)] for row in data["rows"]]
        rows.append(["", gettext("Total"), *(data["totals"][n] for n in names)])
        return self._download(fmt, ["id", "name", *names], rows)

    @extend_schema(parameters=[WeeklyParameters])
    def weekly(self, request):
        from communities.statistics import statistics_region

        params = self.parameters(WeeklyParameters)
        region = statistics_region(user=request.user, region_id=params.get("region"))
        weeks = dates.weeks_until(until=params.get("until") or dates.today(), weeks=params["weeks"])
        programme = params["programme"]
        figures = type(self).weekly_statistics(
            user=request.user,
            region=region,
            days=[as_of for _start, as_of in weeks],
            programme=programme,
            year=params.get("year"),
        )
        data = self.weekly_serializer(
            {
                "region": self.region_data(region),
                "programme": programme.pk if programme else None,
                "year": params.get("year"),
                "weeks": [
                    {"week_start": start, "as_of": as_of, **row}
                    for (start, as_of), row in zip(weeks, figures, strict=True)
                ],
            }
        ).data
        fmt = self.export_format()
        if fmt is None:
            return Response(data)
        names = list(self.weekly_figures_serializer().fields)
        rows = [[w["week_start"], w["as_of"], *(w[n] for n in names)] for w in data["weeks"]]
        return self._download(fmt, ["week_start", "as_of", *names], rows)

    def _download(self, fmt, header, rows):
        figure_fields = (
            self.weekly_figures_serializer if self.action == "weekly" else self.figures_serializer
        )().fields
        converted = [
            [
                _export_cell(figure_fields.get(name), value)
                for name, value in zip(header, row, strict=True)
            ]
            for row in rows
        ]
        return exports.download(fmt, header=header, rows=converted, filename=self.export_name())
