"""The campaign editor's controls: staff build the registration form, the options and gates and each
locale's page copy with form controls; the JSON stays available in closed "advanced" views.

- ``PreferencesBuilderWidget``: the registration form builder (add, remove, reorder fields of every type;
  labels per locale; required/optional; options of choice fields; the ranked market select and the
  optional markets) with a live preview of the form as a fan sees it (``assets/static/admin_editor/``).
- ``OPTION_CONTROLS``: gates and options as form fields, read from and written into ``options``/``slack``.
- ``CONTENT_TEXTS``: a locale's page texts as fields, written into its ``content`` (empty → the default
  locale's text is shown to fans, which the form says).
"""

import json

from django import forms
from django.utils.html import format_html

from campaigns.models import IDVTier
from campaigns.schemas import CARD_GATES, FAN_IDENTIFIERS, LINKED_ACCOUNT_GATES, PREFERENCE_TYPES

#: The form a new campaign starts from (in the default locale): email, phone, ranked shows, an opt-in.
DEFAULT_PREFERENCES = [
    {"id": "email", "type": "email", "is_optional": False, "label": {"en_US": "Email"}},
    {"id": "phone", "type": "phone", "is_optional": False, "label": {"en_US": "Mobile phone"}},
    {"id": "market", "type": "market_select", "is_optional": False, "label": {"en_US": "Your show"}},
    {
        "id": "optional_markets",
        "type": "additional_markets_select",
        "is_optional": True,
        "label": {"en_US": "Other shows"},
        "additional": {"max": 3},
    },
    {"id": "allow_marketing", "type": "opt_in", "is_optional": True, "label": {"en_US": "Send me news"}},
]


#: The form builder's field types in words (issue 40: staff read ``market_select`` otherwise).
FIELD_TYPE_LABELS = {
    "email": "Email address",
    "phone": "Phone number",
    "name": "Name",
    "zip": "ZIP or postal code",
    "opt_in": "Opt-in checkbox",
    "market_select": "Market choice (ranked)",
    "additional_markets_select": "More market choices",
    "ticket_count": "Number of tickets",
    "boolean_select": "Yes / no question",
    "freeform_text": "Free text",
    "checklist": "Checklist",
}


class PreferencesBuilderWidget(forms.Textarea):
    """The registration form builder; the JSON textarea it keeps up to date sits in a closed details."""

    template_name = "admin/campaigns/preferences_builder.html"

    class Media:
        css = {"all": ["admin_editor/editor.css"]}
        js = ["admin_editor/preferences.js"]

    def __init__(self, locales=None, markets=None, attrs=None):
        super().__init__(attrs={"rows": 12, "class": "vLargeTextField", **(attrs or {})})
        self.locales = locales or ["en_US"]
        self.markets = markets or []

    def format_value(self, value):
        if isinstance(value, str):
            return value
        return json.dumps(value if value is not None else [], ensure_ascii=False, indent=2)

    def get_context(self, name, value, attrs):
        context = super().get_context(name, value, attrs)
        context["builder"] = {
            "types": list(PREFERENCE_TYPES),
            "typeLabels": FIELD_TYPE_LABELS,
            "locales": self.locales,
            "markets": self.markets,
        }
        context["builder_json"] = json.dumps(context["builder"], ensure_ascii=False)
        context["type_labels"] = [(kind, FIELD_TYPE_LABELS.get(kind, kind)) for kind in PREFERENCE_TYPES]
        return context


def _choices(values):
    return [("", "—"), *((value, value) for value in values)]


def _list(text: str | None) -> list[str]:
    return [item.strip() for item in (text or "").replace("\n", ",").split(",") if item.strip()]


#: form field name → (where it lives, path inside, form field). ``options`` paths are in ``campaign.options``.
OPTION_CONTROLS = {
    "gate_card": (
        "options",
        ("gate", "card"),
        forms.ChoiceField(choices=_choices(CARD_GATES), required=False, label="Card gate"),
    ),
    "gate_linked_account": (
        "options",
        ("gate", "linkedAccount"),
        forms.ChoiceField(choices=_choices(LINKED_ACCOUNT_GATES), required=False, label="Linked account gate"),
    ),
    "gate_idv": (
        "options",
        ("gate", "idv"),
        forms.ChoiceField(choices=_choices(IDVTier.values), required=False, label="IDV tier"),
    ),
    "gate_invite_only": (
        "options",
        ("gate", "inviteOnly"),
        forms.ChoiceField(choices=_choices(FAN_IDENTIFIERS), required=False, label="Invite only (by identifier)"),
    ),
    "prompt_confirm_phone": (
        "options",
        ("promptConfirmPhone",),
        forms.BooleanField(required=False, label="Fans confirm their phone (text code)"),
    ),
    "allow_intl_phones": (
        "options",
        ("allowIntlPhones",),
        forms.BooleanField(
            required=False,
            label="International phones",
            help_text="Accept phones from outside the markets' countries. US and Canadian numbers count as domestic "
            "to each other when a market is in either; every other country needs this (other +1 countries too).",
        ),
    ),
    "show_access_code": (
        "options",
        ("showAccessCode",),
        forms.BooleanField(required=False, label="Reveal the access code to selected fans in the presale window"),
    ),
    "automated_reminders": (
        "options",
        ("automatedReminders",),
        forms.BooleanField(required=False, label="Automated presale reminders"),
    ),
    "queue_id": ("options", ("queueId",), forms.CharField(required=False, label="Queue id")),
    "waiting_room_duration": (
        "options",
        ("waitingRoomDuration",),
        forms.IntegerField(required=False, min_value=0, label="Waiting room (minutes)"),
    ),
    "slack_stats_channels": (
        "slack",
        ("channels", "stats"),
        forms.CharField(required=False, label="Slack stats channels", help_text="Comma-separated, e.g. #presale-stats"),
    ),
    "slack_no_alert": ("slack", ("noAlert",), forms.BooleanField(required=False, label="No Slack alert when it opens")),
}
LIST_CONTROLS = {
    "event_ids_list": ("event_ids", forms.CharField(required=False, label="Event ids", help_text="Comma-separated")),
    "login_types_list": (
        "login_types",
        forms.CharField(required=False, label="Login types", help_text="Comma-separated"),
    ),
}
#: Service error paths → the control showing them (``options.gate.card`` → ``gate_card``).
CONTROL_FOR_PATH = {
    **{f"{where}.{'.'.join(path)}": name for name, (where, path, _field) in OPTION_CONTROLS.items()},
    **{where: name for name, (where, _field) in LIST_CONTROLS.items()},
    "preferences": "preferences",
}


def _get(document: dict, path: tuple):
    found: object = document
    for key in path:
        if not isinstance(found, dict):
            return None
        found = found.get(key)
    return found


def _set(document: dict, path: tuple, value) -> None:
    for key in path[:-1]:
        child = document.get(key)
        if not isinstance(child, dict):
            child = {}
            document[key] = child
        document = child
    if value is None or value == "" or value is False or value == []:
        document.pop(path[-1], None)
    else:
        document[path[-1]] = value


OptionControlsForm = type(
    "OptionControlsForm",
    (forms.Form,),
    {
        "__doc__": "The option, gate and list controls of the campaign form (declared, so the admin knows them).",
        **{name: field for name, (_where, _path, field) in OPTION_CONTROLS.items()},
        **{name: field for name, (_where, field) in LIST_CONTROLS.items()},
    },
)


def initial_option_controls(campaign) -> dict:
    """The controls' initial values, read from the campaign's options, slack, event ids and login types."""
    initial = {}
    for name, (where, path, _field) in OPTION_CONTROLS.items():
        value = _get(getattr(campaign, where) or {}, path)
        initial[name] = ", ".join(value) if isinstance(value, list) else value
    for name, (where, _field) in LIST_CONTROLS.items():
        initial[name] = ", ".join(getattr(campaign, where) or [])
    return initial


def apply_option_controls(cleaned: dict) -> None:
    """Write the controls' values into ``options``, ``slack``, ``event_ids``, ``login_types`` of ``cleaned``
    (the controls win over the advanced JSON for the keys they manage; empty removes the key)."""
    documents = {
        "options": dict(cleaned.get("options") or {}),
        "slack": dict(cleaned.get("slack") or {}),
    }
    for name, (where, path, _field) in OPTION_CONTROLS.items():
        value = cleaned.get(name)
        if name == "slack_stats_channels":
            value = _list(value)
        _set(documents[where], path, value)
    for where in ("options", "slack"):
        for key in [key for key, value in documents[where].items() if value == {}]:
            documents[where].pop(key)
        cleaned[where] = documents[where]
    for name, (where, _field) in LIST_CONTROLS.items():
        cleaned[where] = _list(cleaned.get(name))


#: A locale's page texts as fields: form field name → (path in ``content``, label).
CONTENT_TEXTS = {
    "meta_title": (("meta", "title"), "Page title"),
    "welcome_header": (("body", "started", "welcome", "header"), "Landing: heading"),
    "welcome_above_button": (("body", "started", "welcome", "above_button"), "Landing: text above the button"),
    "welcome_sign_in": (("body", "started", "welcome", "sign_in_button_content"), "Landing: sign-in button"),
    "registration_header": (("body", "started", "registration", "header"), "Form: heading"),
    "registration_submit": (("body", "started", "registration", "submit_button_content"), "Form: submit button"),
    "entry_header": (("body", "started", "entry", "header"), "Registered: heading"),
    "entry_main": (("body", "started", "entry", "main"), "Registered: text"),
    "finished_header": (("body", "finished", "welcome", "header"), "Closed: heading"),
    "finished_main": (("body", "finished", "welcome", "main"), "Closed: text"),
    "terms": (("body", "terms", "main"), "Terms"),
    "email_subject": (("email", "subject", "receipt"), "Receipt email: subject"),
    "email_from_name": (("email", "from", "name"), "Emails: sender name"),
    "email_from_account": (("email", "from", "account"), "Emails: sender address"),
    "email_receipt": (("email", "template", "receipt"), "Receipt email: text"),
    "logo_url": (("image", "logo", "url"), "Logo image URL"),
}
LONG_TEXTS = {"welcome_above_button", "entry_main", "finished_main", "terms", "email_receipt"}


def faqs_to_text(faqs) -> str:
    """FAQs as editable text: ``Q: question`` / ``A: answer`` blocks separated by a blank line."""
    return "\n\n".join(f"Q: {item.get('question', '')}\nA: {item.get('answer', '')}" for item in faqs or [] if item)


def text_to_faqs(text: str) -> list[dict]:
    """Parse ``faqs_to_text``'s format back; ids are ``q1``, ``q2``… in order."""
    faqs: list[dict] = []
    for block in [block.strip() for block in (text or "").replace("\r", "").split("\n\n") if block.strip()]:
        question, answer = "", []
        for line in block.split("\n"):
            if line.startswith("Q:"):
                question = line[2:].strip()
            elif line.startswith("A:"):
                answer.append(line[2:].strip())
            else:
                answer.append(line.strip())
        faqs.append({"id": f"q{len(faqs) + 1}", "question": question, "answer": "\n".join(answer).strip()})
    return faqs


def errors_to_text(errors) -> str:
    """Error texts as ``CODE: message`` lines."""
    return "\n".join(f"{item.get('code')}: {item.get('message', '')}" for item in errors or [] if item)


def text_to_errors(text: str) -> list[dict]:
    """Parse ``CODE: message`` lines."""
    rows = []
    for line in (text or "").splitlines():
        if ":" in line:
            code, message = line.split(":", 1)
            if code.strip():
                rows.append({"code": code.strip(), "message": message.strip()})
    return rows


ContentTextsForm = type(
    "ContentTextsForm",
    (forms.Form,),
    {
        "__doc__": "A locale's page texts, FAQs and error texts as fields (declared, so the admin knows them).",
        **{
            name: forms.CharField(
                required=False,
                label=label,
                widget=forms.Textarea(attrs={"rows": 2}) if name in LONG_TEXTS else forms.TextInput(attrs={"size": 60}),
            )
            for name, (_path, label) in CONTENT_TEXTS.items()
        },
        "faqs_text": forms.CharField(
            required=False,
            label="FAQs",
            widget=forms.Textarea(attrs={"rows": 4}),
            help_text="One block per question: “Q: …” then “A: …”, blocks separated by an empty line.",
        ),
        "errors_text": forms.CharField(
            required=False,
            label="Error texts",
            widget=forms.Textarea(attrs={"rows": 2}),
            help_text="One per line: CODE: message (e.g. CAMPAIGN_CLOSED: Registration has closed.)",
        ),
    },
)


def init_content_fields(form, default_content: dict | None, default_locale: str | None) -> None:
    """Fill a locale form's text fields from its ``content``; on a non-default locale each field says what
    fans see when it is left empty (the default locale's text); a new locale starts from the default's FAQs."""
    content = form.instance.content or {}
    is_default = bool(form.instance.is_default) or default_content is None
    for name, (path, _label) in CONTENT_TEXTS.items():
        form.initial[name] = _get(content, path) or ""
        fallback = _get(default_content or {}, path)
        if not is_default and fallback:
            # Django's admin renders help_text as HTML: the default locale's text is staff-written, so escaped.
            form.fields[name].help_text = format_html("Empty: fans see the {} text “{}”.", default_locale, fallback)
            form.fields[name].widget.attrs["placeholder"] = fallback
    form.initial["faqs_text"] = faqs_to_text(content.get("faqs"))
    form.initial["errors_text"] = errors_to_text(content.get("errors"))
    if not is_default:
        form.fields["faqs_text"].help_text = format_html(
            "{} Empty: fans see the {} FAQs.", form.fields["faqs_text"].help_text, default_locale
        )
    if form.instance._state.adding and default_content:
        form.initial["faqs_text"] = faqs_to_text(default_content.get("faqs"))


def apply_content_fields(cleaned: dict) -> None:
    """Write the text fields into ``cleaned["content"]`` (empty removes the text: fans see the default's)."""
    content = json.loads(json.dumps(cleaned.get("content") or {}))
    for name, (path, _label) in CONTENT_TEXTS.items():
        _set(content, path, (cleaned.get(name) or "").strip())
    faqs = text_to_faqs(cleaned.get("faqs_text") or "")
    errors = text_to_errors(cleaned.get("errors_text") or "")
    _set(content, ("faqs",), faqs)
    _set(content, ("errors",), errors)
    for key in [key for key, value in content.items() if value in ({}, None)]:
        content.pop(key)
    _prune(content)
    cleaned["content"] = content


def _prune(document: dict) -> None:
    for key in list(document):
        value = document[key]
        if isinstance(value, dict):
            _prune(value)
            if not value:
                document.pop(key)
