"""Localized page copy types (catalog §1.4 "Content"); they resolve from the stored content dicts."""

import graphene

from monoql.graphql.scalars import JSON

LEGACY_LOCALES = ("en_US", "en_CA", "en_GB", "fr_CA", "en_MX", "es_MX", "en_IE")
SCHEMA_VERSION_KEY = "__schema_version"


class Image(graphene.ObjectType):
    url = graphene.String()
    name = graphene.String()
    width = graphene.Int()
    height = graphene.Int()
    alt_text = graphene.String()


class ContentStartedWelcome(graphene.ObjectType):
    above_button = graphene.String()
    below_button = graphene.String()
    header = graphene.String()
    sign_in_button_content = graphene.String()
    footer_content = graphene.String()


class ContentStartedRegistration(graphene.ObjectType):
    above_form = graphene.String()
    below_form = graphene.String()
    header = graphene.String()
    above_button = graphene.String()
    submit_button_content = graphene.String()


class ContentStartedEntry(graphene.ObjectType):
    header = graphene.String()
    top = graphene.String()
    attributes = graphene.String()
    main = graphene.String()


class ContentStarted(graphene.ObjectType):
    welcome = graphene.Field(ContentStartedWelcome)
    registration = graphene.Field(ContentStartedRegistration)
    entry = graphene.Field(ContentStartedEntry)


class ContentFinishedWelcome(graphene.ObjectType):
    main = graphene.String()
    header = graphene.String()


class ContentFinished(graphene.ObjectType):
    welcome = graphene.Field(ContentFinishedWelcome)


class ContentTerms(graphene.ObjectType):
    main = graphene.String()


class ContentSignup(graphene.ObjectType):
    infoBody = graphene.String()


class ContentFAQQuestion(graphene.ObjectType):
    hash_id = graphene.String()
    question = graphene.String()
    answer = graphene.String()


class ContentFAQ(graphene.ObjectType):
    id = graphene.ID()
    question = graphene.String()
    answer = graphene.String()
    hash_id = graphene.String()
    title = graphene.String()
    questions = graphene.List(ContentFAQQuestion)


class ContentBody(graphene.ObjectType):
    started = graphene.Field(ContentStarted)
    finished = graphene.Field(ContentFinished)
    terms = graphene.Field(ContentTerms)
    signup = graphene.Field(ContentSignup)
    faqs = graphene.List(ContentFAQ)


class ContentImages(graphene.ObjectType):
    share = graphene.Field(Image)
    background = graphene.Field(Image)
    logo = graphene.Field(Image)


class ContentEmailSubject(graphene.ObjectType):
    receipt = graphene.String()


class ContentEmailTemplate(graphene.ObjectType):
    confirm = graphene.String()
    receipt = graphene.String()
    share = graphene.String()


class ContentEmailFrom(graphene.ObjectType):
    name = graphene.String()
    account = graphene.String()


class ContentEmail(graphene.ObjectType):
    subject = graphene.Field(ContentEmailSubject)
    template = graphene.Field(ContentEmailTemplate)
    from_ = graphene.Field(ContentEmailFrom, name="from")

    @staticmethod
    def resolve_from_(parent, info):
        return parent.get("from")


class ContentShareTemplate(graphene.ObjectType):
    twitter = graphene.String()
    default = graphene.String()
    facebook = graphene.String()
    email_subject = graphene.String()
    email_body = graphene.String()


class ContentShare(graphene.ObjectType):
    template = graphene.Field(ContentShareTemplate)


class ContentPhone(graphene.ObjectType):
    account = graphene.String()


class ContentError(graphene.ObjectType):
    code = graphene.String()
    message = graphene.String()


# Schema v1 keeps its copy under started/finished/terms, v2 under signup/faqs (catalog §1.4 ContentBody).
_BODY_KEYS_BY_VERSION = {"1": ("started", "finished", "terms"), "2": ("signup", "faqs")}


class Content(graphene.ObjectType):
    meta = JSON()
    body = graphene.Field(ContentBody, onlyCurrent=graphene.Boolean(default_value=True))
    faqs = graphene.List(ContentFAQ)
    image = graphene.Field(ContentImages)
    email = graphene.Field(ContentEmail)
    share = graphene.Field(ContentShare)
    phone = graphene.Field(ContentPhone)
    errors = graphene.List(ContentError)

    @staticmethod
    def resolve_body(parent, info, onlyCurrent=True):
        body = parent.get("body")
        if not isinstance(body, dict) or not onlyCurrent:
            return body
        keys = _BODY_KEYS_BY_VERSION.get(str(parent.get(SCHEMA_VERSION_KEY, "1")))
        return {key: value for key, value in body.items() if keys is None or key in keys}


class LocalizedContent(graphene.ObjectType):
    locale = graphene.String()
    value = graphene.Field(Content)


def _legacy_locale_fields(of_type):
    return {
        locale: graphene.Field(of_type, deprecation_reason="Use localized instead")
        if isinstance(of_type, type) and issubclass(of_type, graphene.ObjectType)
        else graphene.String(deprecation_reason="Use localized instead")
        for locale in LEGACY_LOCALES
    }


CampaignContent = type(
    "CampaignContent",
    (graphene.ObjectType,),
    {"localized": graphene.List(LocalizedContent), **_legacy_locale_fields(Content)},
)


class LocalizedFieldLabel(graphene.ObjectType):
    locale = graphene.String()
    value = graphene.String()


FieldLabel = type(
    "FieldLabel",
    (graphene.ObjectType,),
    {"localized": graphene.List(LocalizedFieldLabel), **_legacy_locale_fields(graphene.String)},
)


def keyed_to_localized(keyed: dict, locales: list[str]) -> dict:
    """Shape ``{locale: value}`` as ``{localized: [{locale, value}], en_US: value, ...}`` for ``locales``."""
    shown = {locale: keyed[locale] for locale in locales if locale in keyed}
    return {"localized": [{"locale": k, "value": v} for k, v in shown.items()], **shown}
