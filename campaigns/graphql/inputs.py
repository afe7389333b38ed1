"""Campaign and market input types (catalog §1.5), with exact contract names.

Nothing is required except ``MarketInput.campaignId`` and ``SplitAllocationInput.type``: the admin client
sends partial updates (``id`` + changed fields). ``to_plain`` turns a received input into plain dicts in
which an absent field is absent and an explicit null is ``None``, which is what the services read.
"""

from enum import Enum

import graphene

from campaigns.graphql.content_types import LEGACY_LOCALES
from campaigns.graphql.enums import (
    CampaignCardGate,
    CampaignLinkedAccountGate,
    CampaignSubtype,
    CampaignType,
    FanIdentifier,
    FanlistScoring,
    IDVTier,
    LinkableAttributeType,
    SplitAllocationType,
)
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


class CampaignTourInput(graphene.InputObjectType):
    name = graphene.String()


class CampaignArtistInput(graphene.InputObjectType):
    id = graphene.String()
    discovery_id = graphene.String()
    name = graphene.String()
    image_url = graphene.String()
    needs_id = graphene.Boolean()
    fanclubName = graphene.String()


class CampaignDomainInput(graphene.InputObjectType):
    site = graphene.String()
    share = graphene.String()
    preview = graphene.String()


class TrackerInput(graphene.InputObjectType):
    type = graphene.String()
    id = graphene.String()
    src = graphene.String()
    additional = JSON()


class ImageInput(graphene.InputObjectType):
    url = graphene.String()
    width = graphene.Int()
    height = graphene.Int()
    alt_text = graphene.String()


class ContentStartedWelcomeInput(graphene.InputObjectType):
    above_button = graphene.String()
    below_button = graphene.String()
    header = graphene.String()
    sign_in_button_content = graphene.String()
    footer_content = graphene.String()


class ContentStartedRegistrationInput(graphene.InputObjectType):
    above_form = graphene.String()
    below_form = graphene.String()
    header = graphene.String()
    above_button = graphene.String()
    submit_button_content = graphene.String()


class ContentStartedEntryInput(graphene.InputObjectType):
    header = graphene.String()
    top = graphene.String()
    attributes = graphene.String()
    main = graphene.String()


class ContentStartedInput(graphene.InputObjectType):
    welcome = graphene.InputField(ContentStartedWelcomeInput)
    registration = graphene.InputField(ContentStartedRegistrationInput)
    entry = graphene.InputField(ContentStartedEntryInput)


class ContentFinishedWelcomeInput(graphene.InputObjectType):
    main = graphene.String()
    header = graphene.String()


class ContentFinishedInput(graphene.InputObjectType):
    welcome = graphene.InputField(ContentFinishedWelcomeInput)


class ContentTermsInput(graphene.InputObjectType):
    main = graphene.String()


class ContentSignupInput(graphene.InputObjectType):
    infoBody = graphene.String()


class ContentFAQQuestionInput(graphene.InputObjectType):
    hash_id = graphene.String()
    question = graphene.String()
    answer = graphene.String()


class ContentFAQInput(graphene.InputObjectType):
    id = graphene.ID()
    question = graphene.String()
    answer = graphene.String()
    hash_id = graphene.String()
    title = graphene.String()
    questions = graphene.List(ContentFAQQuestionInput)


class ContentBodyInput(graphene.InputObjectType):
    started = graphene.InputField(ContentStartedInput)
    finished = graphene.InputField(ContentFinishedInput)
    terms = graphene.InputField(ContentTermsInput)
    signup = graphene.InputField(ContentSignupInput)
    faqs = graphene.List(ContentFAQInput)


class ContentImagesInput(graphene.InputObjectType):
    share = graphene.InputField(ImageInput)
    background = graphene.InputField(ImageInput)
    logo = graphene.InputField(ImageInput)


class ContentEmailSubjectInput(graphene.InputObjectType):
    receipt = graphene.String()


class ContentEmailTemplateInput(graphene.InputObjectType):
    confirm = graphene.String()
    receipt = graphene.String()
    share = graphene.String()


class ContentEmailFromInput(graphene.InputObjectType):
    name = graphene.String()
    account = graphene.String()


class ContentEmailInput(graphene.InputObjectType):
    subject = graphene.InputField(ContentEmailSubjectInput)
    template = graphene.InputField(ContentEmailTemplateInput)
    from_ = graphene.InputField(ContentEmailFromInput, name="from")


class ContentShareTemplateInput(graphene.InputObjectType):
    twitter = graphene.String()
    default = graphene.String()
    facebook = graphene.String()
    email_subject = graphene.String()
    email_body = graphene.String()


class ContentShareInput(graphene.InputObjectType):
    template = graphene.InputField(ContentShareTemplateInput)


class ContentPhoneInput(graphene.InputObjectType):
    account = graphene.String()


class ContentErrorInput(graphene.InputObjectType):
    code = graphene.String()
    message = graphene.String()


class ContentInput(graphene.InputObjectType):
    meta = JSON()
    body = graphene.InputField(ContentBodyInput)
    faqs = graphene.List(ContentFAQInput)
    image = graphene.InputField(ContentImagesInput)
    email = graphene.InputField(ContentEmailInput)
    share = graphene.InputField(ContentShareInput)
    phone = graphene.InputField(ContentPhoneInput)
    errors = graphene.List(ContentErrorInput)


class LocalizedContentInput(graphene.InputObjectType):
    locale = graphene.String()
    value = graphene.InputField(ContentInput)


CampaignContentInput = type(
    "CampaignContentInput",
    (graphene.InputObjectType,),
    {
        "localized": graphene.List(LocalizedContentInput),
        **{locale: graphene.InputField(ContentInput) for locale in LEGACY_LOCALES},
    },
)


class CampaignImagesInput(graphene.InputObjectType):
    main = graphene.InputField(ImageInput)
    mobile = graphene.InputField(ImageInput)
    email = graphene.InputField(ImageInput)
    secondary = graphene.InputField(ImageInput)


class LocalizedFieldLabelInput(graphene.InputObjectType):
    locale = graphene.String()
    value = graphene.String()


FieldLabelInput = type(
    "FieldLabelInput",
    (graphene.InputObjectType,),
    {
        "localized": graphene.List(LocalizedFieldLabelInput),
        **{locale: graphene.String() for locale in LEGACY_LOCALES},
    },
)


class FieldInput(graphene.InputObjectType):
    id = graphene.String()
    type = graphene.String()
    is_optional = graphene.Boolean()
    label = graphene.InputField(FieldLabelInput)
    additional = JSON()


class CampaignPageStateFAQInput(graphene.InputObjectType):
    open = graphene.List(graphene.ID)
    closed = graphene.List(graphene.ID)
    activePresale = graphene.List(graphene.ID)


class CampaignPageFAQInput(graphene.InputObjectType):
    landing = graphene.InputField(CampaignPageStateFAQInput)
    confirmation = graphene.InputField(CampaignPageStateFAQInput)


class GeoPointInput(graphene.InputObjectType):
    latitude = graphene.Float()
    longitude = graphene.Float()


class MarketVenueInput(graphene.InputObjectType):
    name = graphene.String()


class SplitAllocationInput(graphene.InputObjectType):
    type = SplitAllocationType(required=True)
    link = graphene.String()
    isActive = graphene.Boolean()


class MarketEventInput(graphene.InputObjectType):
    id = graphene.String()
    ids = graphene.List(graphene.ID)
    name = graphene.String()
    date = graphene.String()
    presaleDateTime = graphene.String()
    ticketer = graphene.String()
    venue = graphene.InputField(MarketVenueInput)
    link = graphene.String()
    sharedCode = graphene.String()
    splitAllocation = graphene.InputField(SplitAllocationInput)


class MarketInput(graphene.InputObjectType):
    id = graphene.String()
    name = graphene.String()
    campaignId = graphene.String(required=True, description="Id of the campaign the market belongs to.")
    city = graphene.String()
    state = graphene.String()
    timezone = graphene.String()
    population = graphene.Int()
    point = graphene.InputField(GeoPointInput)
    event = graphene.InputField(MarketEventInput)
    isAddedShow = graphene.Boolean()
    promoterIds = graphene.List(graphene.String)


class LocaleInput(graphene.InputObjectType):
    id = graphene.String()
    is_default = graphene.Boolean()


class CampaignDateInput(graphene.InputObjectType):
    created = graphene.String()
    open = graphene.String()
    close = graphene.String()
    finish = graphene.String()
    presaleWindowStart = graphene.String()
    presaleWindowEnd = graphene.String()
    generalOnsale = graphene.String()
    sendEmailReminders = graphene.String()
    sendReminderEmails = graphene.List(graphene.String)
    triggeredEmailReminders = graphene.String()


class CampaignSlackChannelsInput(graphene.InputObjectType):
    stats = graphene.List(graphene.String)


class CampaignSlackOptionsInput(graphene.InputObjectType):
    channels = graphene.InputField(CampaignSlackChannelsInput)
    noAlert = graphene.Boolean()


class CampaignPrecheckOptionsInput(graphene.InputObjectType):
    pastCampaignId = graphene.ID()


class CampaignGateInput(graphene.InputObjectType):
    card = CampaignCardGate()
    inviteOnly = FanIdentifier()
    linkedAccount = CampaignLinkedAccountGate()
    campaignId = graphene.ID()
    linkedCampaign = graphene.ID()
    idv = IDVTier()


class CampaignOptionsInput(graphene.InputObjectType):
    allowIntlPhones = graphene.Boolean()
    promptConfirmPhone = graphene.Boolean()
    showAccessCode = graphene.Boolean()
    useGenericBranding = graphene.Boolean()
    requirePassword = graphene.Boolean()
    passwordValue = graphene.String()
    queueId = graphene.ID()
    requirePrecheck = graphene.InputField(CampaignPrecheckOptionsInput)
    hideFaq = graphene.Boolean()
    gate = graphene.InputField(CampaignGateInput)
    linkableAttributes = graphene.List(LinkableAttributeType)
    automatedReminders = graphene.Boolean()
    waitingRoomDuration = graphene.Int()
    isLNAA = graphene.Boolean()


class CampaignSchemaInput(graphene.InputObjectType):
    version = graphene.String()


class CampaignInput(graphene.InputObjectType):
    id = graphene.ID()
    type = CampaignType()
    name = graphene.String()
    tour = graphene.InputField(CampaignTourInput)
    artist = graphene.InputField(CampaignArtistInput)
    domain = graphene.InputField(CampaignDomainInput)
    status = graphene.String()
    categoryId = graphene.String()
    trackers = graphene.List(TrackerInput)
    style = JSON()
    content = graphene.InputField(CampaignContentInput)
    image = graphene.InputField(CampaignImagesInput)
    preferences = graphene.List(FieldInput)
    faqs = graphene.InputField(CampaignPageFAQInput)
    markets = graphene.List(MarketInput)
    currentLocale = graphene.InputField(LocaleInput)
    locales = graphene.List(LocaleInput)
    entry = JSON()
    date = graphene.InputField(CampaignDateInput)
    referenceTimezone = graphene.String()
    login_types = graphene.List(graphene.String)
    slack = graphene.InputField(CampaignSlackOptionsInput)
    options = graphene.InputField(CampaignOptionsInput)
    eventIds = graphene.List(graphene.ID)
    scoring = FanlistScoring()
    identifier = FanIdentifier()
    schema = graphene.InputField(CampaignSchemaInput)
    subType = CampaignSubtype()


class LocalizedUrlInput(graphene.InputObjectType):
    locale = graphene.String(required=True)
    url = graphene.String(required=True)
    is_default = graphene.Boolean()


class PromoterInput(graphene.InputObjectType):
    id = graphene.String()
    name = graphene.String(required=True)
    privacyUrls = graphene.List(LocalizedUrlInput)
