"""Registry staff pages. Views parse input, call one selector or service and render; every
queryset starts from the user's scope, so an object outside it is a 404."""

from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.generic import (
    CreateView,
    DetailView,
    ListView,
    TemplateView,
    UpdateView,
)

from communities import forms, search, selectors, services
from communities.models import Building, Estate, Household, Stairwell
from renovation import access, maps
from renovation.views import PermRequiredMixin, ScopedMixin, ServiceFormMixin, StaffMixin


class EstateListView(StaffMixin, ListView):
    template_name = "communities/estate_list.html"
    context_object_name = "estates"
    paginate_by = 25

    def get_queryset(self):
        self.filterset, qs = selectors.estates_filtered(
            user=self.request.user, data=self.request.GET
        )
        return qs.select_related("community__parent")

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["filter"] = self.filterset
        advanced = (
            "region_id",
            "community_id",
            "management_type",
            "year_built_min",
            "year_built_max",
        )
        context["advanced"] = any(self.request.GET.get(key) for key in advanced)
        context["can_manage"] = access.has_any_perm(self.request.user, access.MANAGE)
        return context


class SearchView(StaffMixin, TemplateView):
    """The header's search box: dwellings, owners and estates in the user's scope."""

    template_name = "communities/search.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        query = self.request.GET.get("search", "").strip()[: search.MAX_QUERY]
        context["search_query"] = query
        context["results"] = search.registry_search(user=self.request.user, text=query)
        return context


class EstateDetailView(ScopedMixin, DetailView):
    model = Estate
    template_name = "communities/estate_detail.html"

    def get_queryset(self):
        return super().get_queryset().select_related("community__parent")

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        user, estate = self.request.user, self.object
        personal = access.sees_personal_data(user, estate.community)
        buildings = selectors.estate_structure(estate=estate, personal=personal)
        # The page folds per building; the one asked for (?building=, or the building of
        # ?household=) comes open, with that dwelling marked.
        open_building = _int(self.request.GET.get("building"))
        focus_household = _int(self.request.GET.get("household"))
        if focus_household and not open_building:
            open_building = next(
                (
                    b.pk
                    for b in buildings
                    for s in b.stairwells.all()
                    for h in s.households.all()
                    if h.pk == focus_household
                ),
                None,
            )
        context.update(
            buildings=buildings,
            open_building=open_building,
            focus_household=focus_household,
            totals=selectors.estate_totals(estate=estate),
            personal=personal,
            can_manage=access.has_perm(user, access.MANAGE, estate.community),
            map_layers=[estate_map_layer(estate)] if estate.latitude is not None else [],
        )
        return context


def estate_map_layer(estate: Estate) -> dict:
    """The estate itself as the one marker of its page's map."""
    feature = maps.point_feature(
        estate.latitude,
        estate.longitude,
        id=estate.pk,
        title=estate.name,
        status="estate",
        lines=[estate.address],
    )
    return {"kind": "estate", "data": maps.feature_collection([feature]), "colours": {}}


def _int(value) -> int | None:
    return int(value) if value and value.isdigit() else None


class EstateHistoryView(ScopedMixin, DetailView):
    model = Estate
    template_name = "communities/history.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        personal = access.sees_personal_data(self.request.user, self.object.community)
        focus = None
        kind, pk = self.request.GET.get("kind"), self.request.GET.get("id", "")
        if kind in ("building", "stairwell", "household") and pk.isdigit():
            focus = (kind, int(pk))
        context["entries"] = selectors.estate_history(
            estate=self.object, personal=personal, focus=focus
        )
        context["focus"] = focus
        return context


class RegistryFormMixin(ServiceFormMixin):
    """Create/update views whose save goes through a registry service (the API's too)."""

    template_name = "communities/form.html"
    service = None  # e.g. services.estate_save, called with user= and the object's name=

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "user": self.request.user}

    def save(self, form):
        obj = form.save(commit=False)
        self.object = type(self).service(
            user=self.request.user, **{self.model._meta.model_name: obj}
        )
        return self.object

    def get_success_message(self, obj):
        return _("Saved: %(obj)s.") % {"obj": obj}

    def get_success_url(self):
        url = reverse("communities:estate-detail", args=[self.estate_of(self.object).pk])
        # Back on the estate page with the saved part's building open.
        obj = self.object
        if isinstance(obj, Household):
            return f"{url}?household={obj.pk}#household-{obj.pk}"
        building_id = getattr(obj, "building_id", None) or (
            obj.pk if isinstance(obj, Building) else None
        )
        return f"{url}?building={building_id}#building-{building_id}" if building_id else url

    def estate_of(self, obj):
        return obj

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        obj = getattr(self, "object", None)
        context["verbose_name"] = self.model._meta.verbose_name
        context["is_new"] = not (obj and obj.pk)
        estate = context["estate"] = getattr(self, "estate", None)
        if obj and obj.pk and estate:
            url = reverse("communities:estate-history", args=[estate.pk])
            name = self.model._meta.model_name
            context["history_url"] = url if name == "estate" else f"{url}?kind={name}&id={obj.pk}"
        return context


class EstateFormMixin(RegistryFormMixin):
    """The estate's form, with a map to set its location on (the numeric fields stay, for
    typing and for browsers without JavaScript)."""

    template_name = "communities/estate_form.html"
    model = Estate
    form_class = forms.EstateForm
    service = services.estate_save

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        form = context["form"]
        context["location_picker"] = {
            "latitude": form["latitude"].id_for_label,
            "longitude": form["longitude"].id_for_label,
        }
        context["map_centre"] = selectors.estates_centre(user=self.request.user)
        return context


class EstateCreateView(PermRequiredMixin, EstateFormMixin, CreateView):
    pass


class EstateUpdateView(ScopedMixin, EstateFormMixin, UpdateView):
    perm = access.MANAGE

    def get_object(self, queryset=None):
        self.estate = super().get_object(queryset)
        return self.estate


class BuildingCreateView(StaffMixin, RegistryFormMixin, CreateView):
    model = Building
    form_class = forms.BuildingForm
    service = services.building_save

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated:
            self.estate = access.scoped_get_or_404(
                request.user, Estate.objects.all(), access.MANAGE, pk=kwargs["pk"]
            )
        return super().dispatch(request, *args, **kwargs)

    def get_initial(self):
        return {"estate": self.estate}

    def estate_of(self, obj):
        return obj.estate


class BuildingUpdateView(ScopedMixin, RegistryFormMixin, UpdateView):
    model = Building
    form_class = forms.BuildingForm
    perm = access.MANAGE
    service = services.building_save

    def get_queryset(self):
        return super().get_queryset().select_related("estate")

    def get_object(self, queryset=None):
        obj = super().get_object(queryset)
        self.estate = obj.estate
        return obj

    def estate_of(self, obj):
        return obj.estate


class StairwellCreateView(StaffMixin, RegistryFormMixin, CreateView):
    model = Stairwell
    form_class = forms.StairwellForm
    service = services.stairwell_save

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated:
            self.building = access.scoped_get_or_404(
                request.user,
                Building.objects.select_related("estate"),
                access.MANAGE,
                pk=kwargs["pk"],
            )
            self.estate = self.building.estate
        return super().dispatch(request, *args, **kwargs)

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "estate": self.estate}

    def get_initial(self):
        return {"building": self.building, "floors": self.building.floors}

    def estate_of(self, obj):
        return self.estate


class StairwellUpdateView(ScopedMixin, RegistryFormMixin, UpdateView):
    model = Stairwell
    form_class = forms.StairwellForm
    perm = access.MANAGE
    service = services.stairwell_save

    def get_queryset(self):
        return super().get_queryset().select_related("building__estate")

    def get_object(self, queryset=None):
        obj = super().get_object(queryset)
        self.estate = obj.building.estate
        return obj

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "estate": self.estate}

    def estate_of(self, obj):
        return self.estate


class HouseholdFormMixin(RegistryFormMixin):
    """A dwelling with its owners (an inline formset). Users who may not see personal data
    (e.g. district staff) edit the dwelling but not its owners."""

    model = Household
    form_class = forms.HouseholdForm
    template_name = "communities/household_form.html"

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "estate": self.estate}

    def estate_of(self, obj):
        return self.estate

    @property
    def personal(self):
        return access.sees_personal_data(self.request.user, self.estate.community)

    def get_formset(self):
        if not self.personal:
            return None
        instance = self.object if getattr(self, "object", None) else Household()
        data = self.request.POST if self.request.method == "POST" else None
        return forms.OwnerFormSet(data, instance=instance, prefix="owners")

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        if "formset" not in context:
            context["formset"] = self.get_formset()
        context["personal"] = self.personal
        return context

    def form_valid(self, form):
        self.formset = self.get_formset()
        if self.formset is not None and not self.formset.is_valid():
            return self.form_invalid(form)
        return super().form_valid(form)

    def save(self, form):
        owners, deleted = [], []
        if self.formset is not None:
            owners = self.formset.save(commit=False)
            deleted = self.formset.deleted_objects
        self.object = services.household_save(
            user=self.request.user,
            household=form.save(commit=False),
            owners=owners,
            delete_owners=deleted,
        )
        return self.object

    def form_invalid(self, form):
        formset = getattr(self, "formset", None) or self.get_formset()
        return self.render_to_response(self.get_context_data(form=form, formset=formset))


class HouseholdCreateView(StaffMixin, HouseholdFormMixin, CreateView):
    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated:
            self.stairwell = access.scoped_get_or_404(
                request.user,
                Stairwell.objects.select_related("building__estate__community"),
                access.MANAGE,
                pk=kwargs["pk"],
            )
            self.estate = self.stairwell.building.estate
        return super().dispatch(request, *args, **kwargs)

    def get_initial(self):
        return {"stairwell": self.stairwell}


class HouseholdUpdateView(ScopedMixin, HouseholdFormMixin, UpdateView):
    perm = access.MANAGE

    def get_queryset(self):
        return super().get_queryset().select_related("stairwell__building__estate__community")

    def get_object(self, queryset=None):
        obj = super().get_object(queryset)
        self.estate = obj.stairwell.building.estate
        return obj
