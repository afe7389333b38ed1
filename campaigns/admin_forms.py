"""Admin forms that apply the same campaign and market rules as the GraphQL mutations (campaigns.services).

A rule's ``ValidationFailed`` is shown on the form field it names (``date.close`` → ``date_close``),
or at the top of the form when it names no field of the form.
"""

import base64
import copy
import json
import re

from django import forms
from django.contrib.admin.helpers import ActionForm
from django.forms.models import BaseInlineFormSet
from django.utils import timezone

from campaigns.admin_editor import (
    CONTROL_FOR_PATH,
    DEFAULT_PREFERENCES,
    ContentTextsForm,
    OptionControlsForm,
    PreferencesBuilderWidget,
    apply_content_fields,
    apply_option_controls,
    init_content_fields,
    initial_option_controls,
)
from campaigns.models import Campaign, CampaignLocale, CampaignStatus, Market, Promoter
from campaigns.selectors import catalog_events_of_artist
from campaigns.services.campaign_rules import (
    LocaleRow,
    check_publishable,
    normalize_domain,
    publish_problems,
    validate_campaign_fields,
    validate_locales,
)
from campaigns.services.images import upload_image
from campaigns.services.markets import validate_market
from campaigns.services.upsert_campaign import apply_status_change
from monoql.audit import Actor
from monoql.errors import DomainError

_CAMEL = re.compile(r"(?<!^)(?=[A-Z])")


def form_field_for(error_field: str | None, form) -> str | None:
    """Map a rule's input path (``date.presaleWindowStart``, ``options.gate``, ``domain.site``) to a form field."""
    if not error_field:
        return None
    for path, control in sorted(CONTROL_FOR_PATH.items(), key=lambda item: -len(item[0])):
        if (error_field == path or error_field.startswith(path + ".") or error_field.startswith(path + "[")) and (
            control in form.fields
        ):
            return control
    head = re.split(r"[.\[]", error_field, maxsplit=1)[0]
    candidates: list[str | None] = []
    if head in ("date", "domain") and "." in error_field:
        leaf = error_field.split(".")[1].split("[")[0]
        candidates.append(f"{head}_{_CAMEL.sub('_', leaf).lower()}")
    candidates += [_CAMEL.sub("_", head).lower(), head, {"schema": "schema_version", "eventIds": "event_ids"}.get(head)]
    return next((name for name in candidates if name and name in form.fields), None)


def add_domain_error(form, error: DomainError) -> None:
    """Show a service error on the form: on the field it names, else as a form-wide error."""
    message = f"{error.message} ({error.reason})" if error.reason else error.message
    form.add_error(form_field_for(error.field, form), message)


class CampaignAdminForm(OptionControlsForm, forms.ModelForm):
    """The campaign row, checked by ``validate_campaign_fields``; status changes follow the GraphQL rules.

    The registration form is edited with the form builder, options and gates with their controls; the JSON
    of both stays in closed advanced views. A new campaign starts from ``DEFAULT_PREFERENCES``.
    """

    #: Who saves (``monoql.audit.Actor``: an uploaded image's audit-log row names them); bound by ``CampaignAdmin``.
    actor: Actor

    main_image_file = forms.ImageField(required=False, label="Upload main image")
    mobile_image_file = forms.ImageField(required=False, label="Upload mobile image")
    open_now_confirmed = forms.BooleanField(
        required=False,
        label="Yes, open it to fans now",
        help_text="Asked only when this save would open the campaign within a minute: its open date has passed and "
        "nothing else keeps it from opening.",
    )

    class Meta:
        model = Campaign
        fields = "__all__"  # noqa: DJ007 - the admin passes its fieldsets to the form factory, which win

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.previous = None if self.instance._state.adding else copy.copy(self.instance)
        self.previous_status = None
        for name, value in initial_option_controls(self.instance).items():
            self.initial.setdefault(name, value)
        if self.instance._state.adding and not self.initial.get("preferences"):
            self.initial["preferences"] = DEFAULT_PREFERENCES
        campaign = self.instance
        locales = [] if campaign._state.adding else [row.locale for row in campaign.locales.all()]
        markets = [] if campaign._state.adding else [{"id": m.pk, "name": m.name} for m in campaign.markets.all()]
        if "preferences" in self.fields:
            self.fields["preferences"].widget = PreferencesBuilderWidget(locales=locales or ["en_US"], markets=markets)

    def clean(self):
        cleaned = super().clean()
        apply_option_controls(cleaned)
        return cleaned

    def _ask_before_opening(self, campaign) -> None:
        """A save that makes the campaign due to open now (its open date passed, DRAFT or PREVIEW, nothing in the
        publish rule against it: the status refresh opens it within a minute) asks first (issue 40)."""
        if self.cleaned_data.get("open_now_confirmed") or campaign._state.adding:
            return
        if campaign.status not in (CampaignStatus.DRAFT, CampaignStatus.PREVIEW) or campaign.date_open is None:
            return
        if campaign.date_open > timezone.now() or publish_problems(campaign):
            return
        self.add_error(
            "open_now_confirmed",
            f"This save opens “{campaign.name}” to fans within a minute: its open date "
            f"({campaign.date_open:%Y-%m-%d %H:%M} UTC) has passed and nothing else keeps it from opening. Tick "
            "“Yes, open it to fans now” to save, or set a later open date.",
        )

    def _post_clean(self):
        super()._post_clean()
        campaign = self.instance
        try:
            for attr in ("domain_site", "domain_share", "domain_preview"):
                setattr(campaign, attr, normalize_domain(getattr(campaign, attr), field=f"domain.{attr[7:]}"))
            if self.previous is not None and self.previous.status != campaign.status:
                wanted, campaign.status = campaign.status, self.previous.status
                self.previous_status = apply_status_change(campaign, wanted, is_new=False)
                if campaign.status == CampaignStatus.OPEN:
                    check_publishable(campaign)
            elif self.previous is None and campaign.status not in (CampaignStatus.DRAFT, CampaignStatus.PREVIEW):
                apply_status_change(Campaign(), campaign.status, is_new=True)
            self._ask_before_opening(campaign)
            for field, key in (("main_image_file", "main"), ("mobile_image_file", "mobile")):
                upload = self.cleaned_data.get(field)
                if upload:
                    data = base64.b64encode(upload.read()).decode()
                    image = upload_image(data, upload.content_type, upload.name, actor=self.actor)
                    campaign.image = {**campaign.image, key: {k: image[k] for k in ("url", "width", "height")}}
            validate_campaign_fields(campaign, previous=self.previous)
        except DomainError as error:
            add_domain_error(self, error)


class CampaignLocaleForm(ContentTextsForm, forms.ModelForm):
    """One locale's page copy, text by text; the content JSON stays in a closed advanced view."""

    class Meta:
        model = CampaignLocale
        fields = "__all__"  # noqa: DJ007 - the admin passes its fieldsets to the form factory, which win

    def __init__(self, *args, default_content=None, default_locale=None, **kwargs):
        super().__init__(*args, **kwargs)
        init_content_fields(self, default_content, default_locale)
        if "content" in self.fields:
            self.fields["content"].required = False

    def clean(self):
        cleaned = super().clean()
        apply_content_fields(cleaned)
        return cleaned


class CampaignLocaleFormSet(BaseInlineFormSet):
    """Locales of a campaign: exactly one default and each page copy valid (``validate_locales``)."""

    def get_form_kwargs(self, index):
        kwargs = super().get_form_kwargs(index)
        default = None
        if not self.instance._state.adding:
            default = next((row for row in self.instance.locales.all() if row.is_default), None)
        kwargs["default_content"] = default.content if default else None
        kwargs["default_locale"] = default.locale if default else None
        return kwargs

    def clean(self):
        super().clean()
        if any(self.errors):
            return
        rows = [
            LocaleRow(
                form.cleaned_data["locale"],
                bool(form.cleaned_data.get("is_default")),
                form.cleaned_data.get("content") or {},
            )
            for form in self.forms
            if form.cleaned_data and not form.cleaned_data.get("DELETE")
        ]
        try:
            validate_locales(self.instance, rows)
        except DomainError as error:
            raise forms.ValidationError(f"{error.message} ({error.reason})") from None


class IdListField(forms.CharField):
    """A list of ids typed as text: commas, spaces or new lines between them (``["a", "b"]`` shown as ``a, b``);
    a JSON list pasted in is read too. Never "Enter a valid JSON." for a plain list (issue 40)."""

    def prepare_value(self, value):
        if isinstance(value, str) and value.startswith("["):
            try:
                value = json.loads(value)
            except ValueError:
                return value
        return ", ".join(str(item) for item in value) if isinstance(value, (list, tuple)) else value

    def to_python(self, value):
        text = super().to_python(value) or ""
        if text.strip().startswith("["):
            try:
                items = json.loads(text)
            except ValueError:
                items = None
            if isinstance(items, list):
                return [str(item).strip() for item in items if str(item).strip()]
        return [item.strip().strip("\"'") for item in re.split(r"[,\s]+", text) if item.strip().strip("\"'")]


class MarketAdminForm(forms.ModelForm):
    """A market, checked by ``validate_market`` (required fields, IANA time zone, event ids, unique name)."""

    event_ids = IdListField(
        required=False,
        label="Event ids",
        help_text="Discovery event ids, earliest first: commas or spaces between them (e.g. vvG1zZ4Bn4n3Ah, vvG1zZ4Bn4n3Ai).",
    )
    promoter_ids = forms.MultipleChoiceField(
        required=False,
        label="Promoters",
        help_text="The promoters of this event (add one under Campaigns › Promoters).",
        widget=forms.SelectMultiple(attrs={"size": 4}),
    )
    pick_events = forms.MultipleChoiceField(
        required=False,
        label="Add events from Discovery",
        help_text="The events of the campaign's artist in the Discovery catalog (Import events from Discovery adds "
        "more); picked ones join the event ids above.",
        widget=forms.SelectMultiple(attrs={"size": 4}),
    )

    class Meta:
        model = Market
        fields = "__all__"  # noqa: DJ007 - the admin passes its fieldsets to the form factory, which win

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        held = [str(value) for value in (self.instance.promoter_ids or [])]
        known = list(Promoter.objects.order_by("name").values_list("pk", "name")[:500])
        names = {pk for pk, _ in known}
        self.fields["promoter_ids"].choices = known + [
            (pk, f"{pk} (no such promoter)") for pk in held if pk not in names
        ]
        self.initial.setdefault("promoter_ids", held)
        campaign = getattr(self.instance, "campaign", None) if self.instance.campaign_id else None
        artist = getattr(campaign, "artist", None) if campaign else None
        chosen = set(self.instance.event_ids or [])
        events = catalog_events_of_artist(artist.discovery_id) if artist and artist.discovery_id else []
        self.fields["pick_events"].choices = [
            (
                row["id"],
                f"{row['name']} — {row['city']}, {row['start']:%Y-%m-%d} ({row['id']})" if row["start"] else row["id"],
            )
            for row in events
            if row["id"] not in chosen
        ][:200]

    def clean(self):
        cleaned = super().clean()
        picked = [event for event in cleaned.get("pick_events") or [] if event not in (cleaned.get("event_ids") or [])]
        if picked:
            cleaned["event_ids"] = [*(cleaned.get("event_ids") or []), *picked]
            self.instance.event_ids = cleaned["event_ids"]
        return cleaned

    def _post_clean(self):
        super()._post_clean()
        try:
            validate_market(self.instance)
        except DomainError as error:
            add_domain_error(self, error)


class CloneMarketsActionForm(ActionForm):
    """Action bar with the source campaign of "Clone markets from…"."""

    source_campaign = forms.ModelChoiceField(
        queryset=Campaign.objects.order_by("name"), required=False, label="Clone markets from"
    )
