"""Localized page copy types (catalog §1.4 "Content"); they resolve from the stored content dicts."""

import graphene

from monoql.graphql.scalars import JSON

LEGACY_LOCALES = ("en_US", "en_CA", "en_GB", "fr_CA", "en_MX", "es_MX", "en_IE")
SCHEMA_VERSION_KEY = "__schema_version"


class Image(graphene.ObjectType):
    """An image of the fan pages or emails, stored on the CDN (uploadImage answers its URL)."""

    url = graphene.String(description="The image's public URL (https), as uploadImage answered it.")
    name = graphene.String(description="The image's file name as staff uploaded it, such as hero.png.")
    width = graphene.Int(description="The image's width in pixels, when staff gave it.")
    height = graphene.Int(description="The image's height in pixels, when staff gave it.")
    alt_text = graphene.String(description="Text a screen reader says for the image (HTML alt attribute).")


class ContentStartedWelcome(graphene.ObjectType):
    """Copy of the welcome page, shown while the campaign is open and before the fan signs in (schema v1)."""

    above_button = graphene.String(description="Text above the sign-in button (HTML allowed).")
    below_button = graphene.String(description="Text below the sign-in button (HTML allowed).")
    header = graphene.String(description="The welcome page's heading, such as 'Register for the presale'.")
    sign_in_button_content = graphene.String(description="The sign-in button's label, such as 'Sign in'.")
    footer_content = graphene.String(description="Small print at the foot of the welcome page (HTML allowed).")


class ContentStartedRegistration(graphene.ObjectType):
    """Copy of the registration form page, shown to a signed-in fan while the campaign is open (schema v1)."""

    above_form = graphene.String(description="Text above the registration form (HTML allowed).")
    below_form = graphene.String(description="Text below the registration form (HTML allowed).")
    header = graphene.String(description="The registration page's heading, such as 'Pick your shows'.")
    above_button = graphene.String(description="Text just above the submit button, such as the terms line.")
    submit_button_content = graphene.String(description="The submit button's label, such as 'Register'.")


class ContentStartedEntry(graphene.ObjectType):
    """Copy of the page a fan sees once registered, while the campaign is open (schema v1)."""

    header = graphene.String(description="The confirmation page's heading, such as 'You're registered'.")
    top = graphene.String(description="Text at the top of the confirmation page (HTML allowed).")
    attributes = graphene.String(description="Text beside the fan's linked attributes (cards, accounts).")
    main = graphene.String(description="The confirmation page's main text (HTML allowed).")


class ContentStarted(graphene.ObjectType):
    """Copy of the pages shown while the campaign is open: welcome, registration form, registered (v1)."""

    welcome = graphene.Field(ContentStartedWelcome, description="The welcome page, before the fan signs in.")
    registration = graphene.Field(ContentStartedRegistration, description="The registration form page.")
    entry = graphene.Field(ContentStartedEntry, description="The page a fan sees once registered.")


class ContentFinishedWelcome(graphene.ObjectType):
    """Copy of the page shown after the campaign closed (schema v1)."""

    main = graphene.String(description="The closed page's main text, such as what happens next (HTML allowed).")
    header = graphene.String(description="The closed page's heading, such as 'Registration is closed'.")


class ContentFinished(graphene.ObjectType):
    """Copy of the pages shown after the campaign closed (schema v1)."""

    welcome = graphene.Field(ContentFinishedWelcome, description="The page a visitor sees after close.")


class ContentTerms(graphene.ObjectType):
    """The campaign's terms of participation (schema v1)."""

    main = graphene.String(description="The terms' full text, linked from the registration form (HTML allowed).")


class ContentSignup(graphene.ObjectType):
    """Copy of the sign-up page of schema v2 campaigns."""

    infoBody = graphene.String(description="The sign-up page's explanatory text (HTML allowed).")


class ContentFAQQuestion(graphene.ObjectType):
    """One question of a grouped FAQ entry."""

    hash_id = graphene.String(description="A stable id of the question, used as its page anchor.")
    question = graphene.String(description="The question as the fan reads it.")
    answer = graphene.String(description="The answer to the question (HTML allowed).")


class ContentFAQ(graphene.ObjectType):
    """An FAQ entry of the fan pages: a question and answer, or a titled group of questions."""

    id = graphene.ID(description="The entry's id, referenced by the page states' FAQ lists (CampaignPageFAQ).")
    question = graphene.String(description="The question as the fan reads it (single entries).")
    answer = graphene.String(description="The answer to the question (HTML allowed).")
    hash_id = graphene.String(description="A stable id of the entry, used as its page anchor.")
    title = graphene.String(description="The group's title, for an entry grouping several questions.")
    questions = graphene.List(ContentFAQQuestion, description="The questions of a grouped entry, in order.")


class ContentBody(graphene.ObjectType):
    """The pages' copy: schema v1 under started/finished/terms, schema v2 under signup/faqs."""

    started = graphene.Field(ContentStarted, description="Pages shown while the campaign is open (v1).")
    finished = graphene.Field(ContentFinished, description="Pages shown after the campaign closed (v1).")
    terms = graphene.Field(ContentTerms, description="The terms of participation (v1).")
    signup = graphene.Field(ContentSignup, description="The sign-up page of schema v2 campaigns.")
    faqs = graphene.List(ContentFAQ, description="FAQ entries of schema v2 campaigns, in display order.")


class ContentImages(graphene.ObjectType):
    """Images a locale's pages use besides the campaign's own (CampaignImages)."""

    share = graphene.Field(Image, description="The image shown when the page is shared on social networks.")
    background = graphene.Field(Image, description="The pages' background image.")
    logo = graphene.Field(Image, description="The logo at the top of the pages.")


class ContentEmailSubject(graphene.ObjectType):
    """Subject lines of the campaign's emails in this locale."""

    receipt = graphene.String(description="Subject of the registration receipt email.")


class ContentEmailTemplate(graphene.ObjectType):
    """Names of the email templates the campaign sends in this locale."""

    confirm = graphene.String(description="Template of the phone or email confirmation message.")
    receipt = graphene.String(description="Template of the registration receipt email.")
    share = graphene.String(description="Template of the email a fan sends to share the campaign.")


class ContentEmailFrom(graphene.ObjectType):
    """The sender of the campaign's emails."""

    name = graphene.String(description="The sender's display name, such as the artist's name.")
    account = graphene.String(description="The sender's email address, such as presale@example.com.")


class ContentEmail(graphene.ObjectType):
    """What the campaign's emails say and who sends them, in this locale."""

    subject = graphene.Field(ContentEmailSubject, description="The emails' subject lines.")
    template = graphene.Field(ContentEmailTemplate, description="The emails' template names.")
    from_ = graphene.Field(ContentEmailFrom, name="from", description="The sender's name and address.")

    @staticmethod
    def resolve_from_(parent, info):
        return parent.get("from")


class ContentShareTemplate(graphene.ObjectType):
    """Texts offered to fans who share the campaign, per channel."""

    twitter = graphene.String(description="The text of a post on X (Twitter), link included.")
    default = graphene.String(description="The text used when a channel has none of its own.")
    facebook = graphene.String(description="The text of a Facebook share.")
    email_subject = graphene.String(description="The subject of a share by email.")
    email_body = graphene.String(description="The body of a share by email.")


class ContentShare(graphene.ObjectType):
    """How fans share the campaign."""

    template = graphene.Field(ContentShareTemplate, description="The share texts, per channel.")


class ContentPhone(graphene.ObjectType):
    """Copy about the phone a fan confirms."""

    account = graphene.String(description="Text beside the phone field explaining why it is asked for.")


class ContentError(graphene.ObjectType):
    """An error message the fan pages show in this locale, in place of the built-in one."""

    code = graphene.String(description="The error's reason as the API answers it, such as NO_CARD.")
    message = graphene.String(description="The message shown to the fan for that reason.")


# Schema v1 keeps its copy under started/finished/terms, v2 under signup/faqs (catalog §1.4 ContentBody).
_BODY_KEYS_BY_VERSION = {"1": ("started", "finished", "terms"), "2": ("signup", "faqs")}


class Content(graphene.ObjectType):
    """A locale's copy of the fan pages and emails, as staff wrote it in the campaign editor."""

    meta = JSON(description="Page metadata as free JSON, such as {title, description} for the HTML head.")
    body = graphene.Field(
        ContentBody,
        onlyCurrent=graphene.Boolean(
            default_value=True,
            description="True (default) to answer only the sections of the campaign's schema version.",
        ),
        description="The pages' copy, per page state.",
    )
    faqs = graphene.List(ContentFAQ, description="FAQ entries of schema v1 campaigns, in display order.")
    image = graphene.Field(ContentImages, description="Images of this locale's pages (share, background, logo).")
    email = graphene.Field(ContentEmail, description="The emails' subjects, templates and sender.")
    share = graphene.Field(ContentShare, description="Texts offered to fans who share the campaign.")
    phone = graphene.Field(ContentPhone, description="Copy about the phone a fan confirms.")
    errors = graphene.List(ContentError, description="Error messages replacing the built-in ones, per reason.")

    @staticmethod
    def resolve_body(parent, info, onlyCurrent=True):
        body = parent.get("body")
        if not isinstance(body, dict) or not onlyCurrent:
            return body
        keys = _BODY_KEYS_BY_VERSION.get(str(parent.get(SCHEMA_VERSION_KEY, "1")))
        return {key: value for key, value in body.items() if keys is None or key in keys}


class LocalizedContent(graphene.ObjectType):
    """One locale's page copy."""

    locale = graphene.String(description="The locale in language_REGION form, such as en_US or fr_CA.")
    value = graphene.Field(Content, description="The page copy written in that locale.")


def _legacy_locale_fields(of_type):
    return {
        locale: graphene.Field(
            of_type,
            deprecation_reason="Use localized instead",
            description=f"The {locale} text, when the campaign is written in {locale}; use localized instead.",
        )
        for locale in LEGACY_LOCALES
    }


CampaignContent = type(
    "CampaignContent",
    (graphene.ObjectType,),
    {
        "__doc__": "The fan pages' copy per locale: the view locale's, or every locale with showAllLocales.",
        "localized": graphene.List(LocalizedContent, description="The copy of each locale shown, as a list."),
        **_legacy_locale_fields(Content),
    },
)


class LocalizedFieldLabel(graphene.ObjectType):
    """One locale's label of a registration form field."""

    locale = graphene.String(description="The locale in language_REGION form, such as en_US or fr_CA.")
    value = graphene.String(description="The label written in that locale, such as 'Your ZIP code'.")


FieldLabel = type(
    "FieldLabel",
    (graphene.ObjectType,),
    {
        "__doc__": "A registration form field's label per locale (the locales shown, as CampaignContent).",
        "localized": graphene.List(LocalizedFieldLabel, description="The label in each locale shown, as a list."),
        **_legacy_locale_fields(graphene.String),
    },
)


def keyed_to_localized(keyed: dict, locales: list[str]) -> dict:
    """Shape ``{locale: value}`` as ``{localized: [{locale, value}], en_US: value, ...}`` for ``locales``."""
    shown = {locale: keyed[locale] for locale in locales if locale in keyed}
    return {"localized": [{"locale": k, "value": v} for k, v in shown.items()], **shown}
