"""Campaign and market input types (catalog §1.5), with exact contract names.

Nothing is required except ``MarketInput.campaignId`` and ``SplitAllocationInput.type``: the admin client
sends partial updates (``id`` + changed fields). ``to_plain`` turns a received input into plain dicts in
which an absent field is absent and an explicit null is ``None``, which is what the services read.
"""

from enum import Enum

import graphene

from campaigns.graphql.content_types import (
    CampaignContent,
    Content,
    ContentBody,
    ContentEmail,
    ContentEmailFrom,
    ContentEmailSubject,
    ContentEmailTemplate,
    ContentError,
    ContentFAQ,
    ContentFAQQuestion,
    ContentFinished,
    ContentFinishedWelcome,
    ContentImages,
    ContentPhone,
    ContentShare,
    ContentShareTemplate,
    ContentSignup,
    ContentStarted,
    ContentStartedEntry,
    ContentStartedRegistration,
    ContentStartedWelcome,
    ContentTerms,
    FieldLabel,
    Image,
    LocalizedContent,
    LocalizedFieldLabel,
)
from campaigns.graphql.market_types import GeoPoint, Market, MarketEvent, MarketVenue, SplitAllocation
from campaigns.graphql.search_types import LocalizedUrl, Promoter
from campaigns.graphql.types import (
    Campaign,
    CampaignArtist,
    CampaignDate,
    CampaignDomain,
    CampaignGate,
    CampaignImages,
    CampaignOptions,
    CampaignPageFAQ,
    CampaignPageStateFAQ,
    CampaignPrecheckOptions,
    CampaignSchema,
    CampaignSlackChannels,
    CampaignSlackOptions,
    CampaignTour,
    FanlistCampaignFields,
    Field,
    Locale,
    RegistrationCampaignFields,
    Tracker,
)
from monoql.graphql.inputs import input_of
from monoql.graphql.scalars import JSON


def to_plain(value):
    """Return ``value`` (input containers, lists, enum members) as plain JSON-like Python values.

    Keys keep their contract spelling (``from_`` becomes ``from``); absent fields stay absent.
    """
    if isinstance(value, Enum):
        return value.value
    if isinstance(value, dict):
        return {("from" if key == "from_" else key): to_plain(item) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [to_plain(item) for item in value]
    return value


# Each input is declared from its output type (monoql.graphql.inputs): same names, types and descriptions.
# Nested types first: an input's nested object fields take the inputs declared above it.
ImageInput = input_of(Image, exclude=["name"])
TrackerInput = input_of(Tracker)
ContentStartedWelcomeInput = input_of(ContentStartedWelcome)
ContentStartedRegistrationInput = input_of(ContentStartedRegistration)
ContentStartedEntryInput = input_of(ContentStartedEntry)
ContentStartedInput = input_of(ContentStarted)
ContentFinishedWelcomeInput = input_of(ContentFinishedWelcome)
ContentFinishedInput = input_of(ContentFinished)
ContentTermsInput = input_of(ContentTerms)
ContentSignupInput = input_of(ContentSignup)
ContentFAQQuestionInput = input_of(ContentFAQQuestion)
ContentFAQInput = input_of(ContentFAQ)
ContentBodyInput = input_of(ContentBody)
ContentImagesInput = input_of(ContentImages)
ContentEmailSubjectInput = input_of(ContentEmailSubject)
ContentEmailTemplateInput = input_of(ContentEmailTemplate)
ContentEmailFromInput = input_of(ContentEmailFrom)
ContentEmailInput = input_of(ContentEmail)
ContentShareTemplateInput = input_of(ContentShareTemplate)
ContentShareInput = input_of(ContentShare)
ContentPhoneInput = input_of(ContentPhone)
ContentErrorInput = input_of(ContentError)
ContentInput = input_of(Content)
LocalizedContentInput = input_of(LocalizedContent)
CampaignContentInput = input_of(CampaignContent)
CampaignImagesInput = input_of(CampaignImages)
LocalizedFieldLabelInput = input_of(LocalizedFieldLabel)
FieldLabelInput = input_of(FieldLabel)
FieldInput = input_of(Field)
CampaignPageStateFAQInput = input_of(CampaignPageStateFAQ)
CampaignPageFAQInput = input_of(CampaignPageFAQ)
CampaignTourInput = input_of(CampaignTour)
CampaignArtistInput = input_of(CampaignArtist)
CampaignDomainInput = input_of(CampaignDomain)
GeoPointInput = input_of(GeoPoint)
MarketVenueInput = input_of(MarketVenue)
SplitAllocationInput = input_of(SplitAllocation, required=["type"])
MarketEventInput = input_of(
    MarketEvent, extra={"id": graphene.String(description=MarketEvent._meta.fields["id"].description)}
)
MarketInput = input_of(
    Market,
    only=[
        "id",
        "name",
        "campaignId",
        "city",
        "state",
        "timezone",
        "population",
        "point",
        "event",
        "isAddedShow",
        "promoterIds",
    ],
    extra={"campaignId": graphene.String(required=True, description="Id of the campaign the market belongs to.")},
)
LocaleInput = input_of(Locale)
CampaignDateInput = input_of(CampaignDate, exclude=["updated", "opened", "closed"])
CampaignSlackChannelsInput = input_of(CampaignSlackChannels)
CampaignSlackOptionsInput = input_of(CampaignSlackOptions)
CampaignPrecheckOptionsInput = input_of(CampaignPrecheckOptions)
CampaignGateInput = input_of(CampaignGate)
CampaignOptionsInput = input_of(CampaignOptions)
CampaignSchemaInput = input_of(CampaignSchema)
CampaignInput = input_of(
    Campaign,
    RegistrationCampaignFields,
    FanlistCampaignFields,
    name="CampaignInput",
    only=[
        "id",
        "type",
        "name",
        "tour",
        "artist",
        "domain",
        "status",
        "categoryId",
        "trackers",
        "style",
        "content",
        "image",
        "preferences",
        "faqs",
        "markets",
        "currentLocale",
        "locales",
        "entry",
        "date",
        "referenceTimezone",
        "login_types",
        "slack",
        "options",
        "eventIds",
        "scoring",
        "identifier",
        "schema",
        "subType",
    ],
    extra={
        "categoryId": graphene.String(description=Campaign._meta.fields["categoryId"].description),
        "entry": JSON(description="Settings of the campaign's entries as free JSON, kept as sent (staff only)."),
    },
    description="A campaign's fields as staff send them to upsertCampaign: with an id it updates that campaign "
    "(only the fields sent change), without one it creates a campaign.",
)
LocalizedUrlInput = input_of(LocalizedUrl, required=["locale", "url"])
PromoterInput = input_of(Promoter, exclude=["date"], required=["name"])
