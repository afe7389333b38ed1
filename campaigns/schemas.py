"""JSON schemas of the campaign's free-form sub-documents (catalog §1.4/§1.5, §2.1 "Validation is by JSON schema").

One schema per stored JSON column (``options``, ``style``, ``trackers``, ``image``, ``faqs``, ``slack``,
``preferences``) and one for a locale's page copy (``Content``). The GraphQL mutations and the admin
forms both go through ``validate_document``, so a bad document is refused the same way at every door.
"""

from jsonschema import Draft202012Validator

from campaigns.models import CardGate, FanIdentifier, IDVTier, LinkableAttribute, LinkedAccountGate
from campaigns.reasons import CampaignsReason
from monoql.errors import ValidationFailed
from monoql.reasons import Reason

# decisions.md #11: the registration form's field types.
PREFERENCE_TYPES = (
    "email",
    "phone",
    "name",
    "zip",
    "opt_in",
    "market_select",
    "additional_markets_select",
    "ticket_count",
    "boolean_select",
    "freeform_text",
    "checklist",
)
CARD_GATES = tuple(CardGate.values)
LINKED_ACCOUNT_GATES = tuple(LinkedAccountGate.values)
FAN_IDENTIFIERS = tuple(FanIdentifier.values)
LINKABLE_ATTRIBUTES = tuple(LinkableAttribute.values)

_TEXT = {"type": ["string", "null"], "maxLength": 100_000}
_SHORT = {"type": ["string", "null"], "maxLength": 1000}
_ID = {"type": ["string", "null"], "maxLength": 64}
_IDS = {"type": ["array", "null"], "items": {"type": "string", "maxLength": 64}}


def _strings(*names, text=_TEXT):
    return {"type": ["object", "null"], "additionalProperties": False, "properties": dict.fromkeys(names, text)}


IMAGE = {
    "type": ["object", "null"],
    "additionalProperties": False,
    "properties": {
        "url": {"type": ["string", "null"], "maxLength": 2000},
        "name": _SHORT,
        "width": {"type": ["integer", "null"], "minimum": 0},
        "height": {"type": ["integer", "null"], "minimum": 0},
        "alt_text": _SHORT,
    },
}
FAQ_QUESTION = _strings("hash_id", "question", "answer")
FAQ = {
    "type": "object",
    "additionalProperties": False,
    "properties": {
        "id": _ID,
        "question": _TEXT,
        "answer": _TEXT,
        "hash_id": _SHORT,
        "title": _SHORT,
        "questions": {"type": ["array", "null"], "items": FAQ_QUESTION},
    },
}
FAQS = {"type": ["array", "null"], "items": FAQ}

CONTENT = {
    "type": "object",
    "additionalProperties": False,
    "properties": {
        "meta": {"type": ["object", "null"]},
        "body": {
            "type": ["object", "null"],
            "additionalProperties": False,
            "properties": {
                "started": {
                    "type": ["object", "null"],
                    "additionalProperties": False,
                    "properties": {
                        "welcome": _strings(
                            "above_button", "below_button", "header", "sign_in_button_content", "footer_content"
                        ),
                        "registration": _strings(
                            "above_form", "below_form", "header", "above_button", "submit_button_content"
                        ),
                        "entry": _strings("header", "top", "attributes", "main"),
                    },
                },
                "finished": {
                    "type": ["object", "null"],
                    "additionalProperties": False,
                    "properties": {"welcome": _strings("main", "header")},
                },
                "terms": _strings("main"),
                "signup": _strings("infoBody"),
                "faqs": FAQS,
            },
        },
        "faqs": FAQS,
        "image": {
            "type": ["object", "null"],
            "additionalProperties": False,
            "properties": {"share": IMAGE, "background": IMAGE, "logo": IMAGE},
        },
        "email": {
            "type": ["object", "null"],
            "additionalProperties": False,
            "properties": {
                "subject": _strings("receipt", text=_SHORT),
                "template": _strings("confirm", "receipt", "share"),
                "from": {
                    "type": ["object", "null"],
                    "additionalProperties": False,
                    "properties": {
                        "name": _SHORT,
                        "account": {"anyOf": [{"type": "null"}, {"type": "string", "format": "email"}]},
                    },
                },
            },
        },
        "share": {
            "type": ["object", "null"],
            "additionalProperties": False,
            "properties": {"template": _strings("twitter", "default", "facebook", "email_subject", "email_body")},
        },
        "phone": _strings("account", text=_SHORT),
        "errors": {
            "type": ["array", "null"],
            "items": {
                "type": "object",
                "additionalProperties": False,
                "required": ["code"],
                "properties": {"code": {"type": "string", "minLength": 1, "maxLength": 64}, "message": _TEXT},
            },
        },
    },
}

_PAGE_STATE = {
    "type": ["object", "null"],
    "additionalProperties": False,
    "properties": {"open": _IDS, "closed": _IDS, "activePresale": _IDS},
}

COLUMNS = {
    "options": {
        "type": "object",
        "additionalProperties": False,
        "properties": {
            **dict.fromkeys(
                (
                    "allowIntlPhones",
                    "promptConfirmPhone",
                    "showAccessCode",
                    "useGenericBranding",
                    "requirePassword",
                    "hideFaq",
                    "isLNAA",
                    "automatedReminders",
                ),
                {"type": ["boolean", "null"]},
            ),
            "passwordValue": _SHORT,
            "botScore": {
                "type": ["object", "null"],
                "additionalProperties": False,
                "properties": {
                    # points a signal takes off the score, by name (entries.services.bot_signals.DEFAULT_WEIGHTS)
                    "weights": {
                        "type": ["object", "null"],
                        "additionalProperties": {"type": "number", "minimum": 0, "maximum": 1},
                    }
                },
            },
            "queueId": _ID,
            "waitingRoomDuration": {"type": ["integer", "null"], "minimum": 0},
            "requirePrecheck": {
                "type": ["object", "null"],
                "additionalProperties": False,
                "properties": {"pastCampaignId": _ID},
            },
            "gate": {
                "type": ["object", "null"],
                "additionalProperties": False,
                "properties": {
                    "card": {"enum": [None, *CARD_GATES]},
                    "inviteOnly": {"enum": [None, *FAN_IDENTIFIERS]},
                    "linkedAccount": {"enum": [None, *LINKED_ACCOUNT_GATES]},
                    "campaignId": _ID,
                    "linkedCampaign": _ID,
                    "idv": {"enum": [None, *IDVTier.values]},
                },
            },
            "linkableAttributes": {"type": ["array", "null"], "items": {"enum": list(LINKABLE_ATTRIBUTES)}},
            "scoring": {"enum": [None, "raw", "xnum"]},
        },
    },
    "style": {"type": "object"},
    "trackers": {
        "type": "array",
        "items": {
            "type": "object",
            "additionalProperties": False,
            "required": ["type"],
            "properties": {
                "type": {"type": "string", "minLength": 1, "maxLength": 64},
                "id": _SHORT,
                "src": {"type": ["string", "null"], "maxLength": 2000},
                "additional": {},
            },
        },
    },
    "image": {
        "type": "object",
        "additionalProperties": False,
        "properties": {"main": IMAGE, "mobile": IMAGE, "email": IMAGE, "secondary": IMAGE},
    },
    "faqs": {
        "type": "object",
        "additionalProperties": False,
        "properties": {"landing": _PAGE_STATE, "confirmation": _PAGE_STATE},
    },
    "slack": {
        "type": "object",
        "additionalProperties": False,
        "properties": {
            "channels": {
                "type": ["object", "null"],
                "additionalProperties": False,
                "properties": {"stats": {"type": ["array", "null"], "items": {"type": "string", "maxLength": 80}}},
            },
            "noAlert": {"type": ["boolean", "null"]},
        },
    },
    "preferences": {
        "type": "array",
        "items": {
            "type": "object",
            "additionalProperties": False,
            "required": ["id", "type"],
            "properties": {
                "id": {"type": "string", "pattern": "^[A-Za-z0-9_.-]{1,64}$"},
                "type": {"type": "string"},
                "is_optional": {"type": ["boolean", "null"]},
                "label": {"type": ["object", "null"], "additionalProperties": {"type": ["string", "null"]}},
                "additional": {"type": ["object", "null"]},
            },
        },
    },
    "login_types": {"type": "array", "items": {"type": "string", "maxLength": 64}},
    "send_reminder_emails": {"type": "array", "items": {"type": "string", "maxLength": 254}},
    "contacts": {"type": "array"},
    "event_ids": {"type": "array", "items": {"type": "string", "minLength": 1, "maxLength": 64}},
}

_VALIDATORS = {
    name: Draft202012Validator(schema, format_checker=Draft202012Validator.FORMAT_CHECKER)
    for name, schema in {**COLUMNS, "content": CONTENT}.items()
}


def _path(prefix: str, error) -> str:
    parts = [prefix]
    for item in error.absolute_path:
        parts.append(f"[{item}]" if isinstance(item, int) else f".{item}")
    return "".join(parts)


def validate_document(
    kind: str, value, *, field: str, reason: Reason = CampaignsReason.INVALID_CAMPAIGN_SCHEMA
) -> None:
    """Validate ``value`` against the schema ``kind`` (a key of ``COLUMNS`` or ``"content"``).

    Args:
        kind: which schema.
        value: the decoded JSON value.
        field: the input path to report (``options``, ``content.localized[fr_CA]``), extended with the
            path inside the document.
        reason: catalog identifier reported on failure.
    Raises:
        ValidationFailed: first schema violation, ``field`` pointing at the offending value.
    """
    errors = sorted(_VALIDATORS[kind].iter_errors(value), key=lambda e: (len(e.absolute_path), list(e.absolute_path)))
    if errors:
        error = errors[0]
        where = _path(field, error)
        raise ValidationFailed(f"{where}: {error.message}", reason=reason, field=where)
