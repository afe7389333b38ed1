"""Campaign types (catalog §1.4): the ``Campaign`` interface, ``RegistrationCampaign`` and ``FanlistCampaign``.

Resolvers read a ``campaigns.models.Campaign`` whose markets and locales were prefetched by
``campaigns.selectors``; the view locale (``_view_locale``) and ``_show_all_locales`` are set on the
instance by the adapter that loaded it (``viewer.campaign``, ``viewer.campaigns.list``).
"""

import graphene

from campaigns.graphql.content_types import (
    SCHEMA_VERSION_KEY,
    CampaignContent,
    FieldLabel,
    Image,
    keyed_to_localized,
)
from campaigns.graphql.enums import (
    CampaignCardGate,
    CampaignLinkedAccountGate,
    CampaignSubtype,
    CampaignType,
    FanIdentifier,
    FanlistScoring,
    IDVTier,
    LinkableAttributeType,
)
from campaigns.graphql.market_types import Market
from campaigns.selectors import campaign_default_locale, campaign_locale_ids, contacts_of, view_locale
from monoql.dates import iso
from monoql.graphql.scalars import JSON


class CampaignTour(graphene.ObjectType):
    """The tour a campaign sells presale access to."""

    name = graphene.String(description="Tour name as shown to fans, such as 'WorldWired Tour 2017'.")


class CampaignArtist(graphene.ObjectType):
    """The artist of a campaign, as stored from Ticketmaster Discovery."""

    id = graphene.String(description="Our artist id (24 hex characters).")
    discovery_id = graphene.String(
        description="The artist's Ticketmaster Discovery attraction id, such as K8vZ9171ob7."
    )
    name = graphene.String(description="Artist name as shown to fans.")
    image_url = graphene.String(description="URL of the artist's image (https).")
    needs_id = graphene.Boolean(description="True when the artist still needs its Discovery id set by staff.")
    fanclubName = graphene.String(description="Name of the artist's fan club, for fanclub campaigns; null otherwise.")

    @staticmethod
    def resolve_fanclubName(artist, info):
        return artist.fanclub_name or None


class CampaignDate(graphene.ObjectType):
    """A campaign's dates, each a UTC ISO-8601 date-time (2017-06-18T23:00:00Z), or null when not set."""

    created = graphene.String(
        description="When the campaign was created, UTC ISO-8601 date-time (2017-06-18T23:00:00Z)."
    )
    updated = graphene.String(
        description="When the campaign was last changed, UTC ISO-8601 date-time (2017-06-18T23:00:00Z)."
    )
    opened = graphene.String(
        description="When the campaign actually opened (its status became OPEN), UTC ISO-8601 date-time (2017-06-18T23:00:00Z)."
    )
    closed = graphene.String(
        description="When the campaign actually closed (its status became CLOSED), UTC ISO-8601 date-time (2017-06-18T23:00:00Z)."
    )
    open = graphene.String(
        description="When registration is scheduled to open, UTC ISO-8601 date-time (2017-06-18T23:00:00Z)."
    )
    close = graphene.String(
        description="When registration is scheduled to close, UTC ISO-8601 date-time (2017-06-18T23:00:00Z)."
    )
    finish = graphene.String(
        description="When the campaign ends and its pages go inactive, UTC ISO-8601 date-time (2017-06-18T23:00:00Z)."
    )
    presaleWindowStart = graphene.String(
        description="First presale of the campaign's markets, UTC ISO-8601 date-time (2017-06-18T23:00:00Z)."
    )
    presaleWindowEnd = graphene.String(
        description="Last presale of the campaign's markets ends, UTC ISO-8601 date-time (2017-06-18T23:00:00Z)."
    )
    generalOnsale = graphene.String(
        description="When tickets go on general sale, UTC ISO-8601 date-time (2017-06-18T23:00:00Z)."
    )
    sendEmailReminders = graphene.String(
        description="When presale reminder emails are to be sent, UTC ISO-8601 date-time (2017-06-18T23:00:00Z)."
    )
    sendReminderEmails = graphene.List(
        graphene.String, description="Which reminder emails the campaign sends (staff setting, catalog §1.4)."
    )
    triggeredEmailReminders = graphene.String(
        description="When the reminder emails were last sent, UTC ISO-8601 date-time (2017-06-18T23:00:00Z)."
    )


class CampaignDomain(graphene.ObjectType):
    """The host names a campaign's fan pages answer on."""

    site = graphene.String(description="The fan site's domain, such as metallica.example.com (no scheme).")
    share = graphene.String(description="The domain to share on social networks, when it differs from site.")
    preview = graphene.String(description="The staff preview domain (DRAFT and PREVIEW campaigns).")


class Tracker(graphene.ObjectType):
    """An analytics tracker the fan pages load (a tag manager, a pixel)."""

    type = graphene.String(description="The tracker's kind, such as gtm, facebook or script.")
    id = graphene.String(description="The tracker's account or container id, such as GTM-ABC123.")
    src = graphene.String(description="URL of the tracker's script (https), for script trackers.")
    additional = JSON(description="The tracker's further settings as free JSON, passed to it as they are.")


class CampaignImages(graphene.ObjectType):
    """The campaign's own images (the same in every locale)."""

    main = graphene.Field(Image, description="The hero image at the top of the fan pages on wide screens.")
    mobile = graphene.Field(Image, description="The hero image on narrow screens (phones).")
    email = graphene.Field(Image, description="The banner of the campaign's emails.")
    secondary = graphene.Field(Image, description="A second image the page layout may show beside the copy.")


class Field(graphene.ObjectType):
    """A field of the registration form (catalog §3.6.2 lists what each type accepts)."""

    id = graphene.String(description="The field's id: the key of its value in the entry fans send and read back.")
    type = graphene.String(
        description="The field's type: email, phone, name, zip, opt_in, market_select, "
        "additional_markets_select, ticket_count, boolean_select, freeform_text or checklist (decisions #11)."
    )
    is_optional = graphene.Boolean(description="True when a fan may leave the field empty.")
    label = graphene.Field(FieldLabel, description="The field's label, per locale.")
    additional = JSON(description="The type's settings as JSON, such as {options} of a checklist or {max} of a count.")


class CampaignPageStateFAQ(graphene.ObjectType):
    """Which FAQ entries (ContentFAQ ids, in order) a page shows in each state of the campaign."""

    open = graphene.List(graphene.ID, description="FAQ ids shown while the campaign is open.")
    closed = graphene.List(graphene.ID, description="FAQ ids shown after the campaign closed.")
    activePresale = graphene.List(graphene.ID, description="FAQ ids shown while a market's presale is on.")


class CampaignPageFAQ(graphene.ObjectType):
    """Which FAQ entries each fan page shows, per campaign state."""

    landing = graphene.Field(CampaignPageStateFAQ, description="The FAQ of the landing (welcome) page.")
    confirmation = graphene.Field(CampaignPageStateFAQ, description="The FAQ of the page shown once registered.")


class Locale(graphene.ObjectType):
    """A language of a campaign's pages."""

    id = graphene.String(description="The locale in language_REGION form, such as en_US or fr_CA.")
    is_default = graphene.Boolean(description="True for the locale shown when the fan's is not offered.")


class CampaignEntry(graphene.ObjectType):
    """The signed-in fan's entry in the campaign (null when they have none)."""

    date = JSON(
        description="{created, updated, phoneConfirmed, ...}: each a UTC ISO-8601 date-time (2017-06-18T23:00:00Z) or null."
    )
    attributes = JSON(description="Attributes refreshed for the entry (refreshEntryAttribute), keyed by name.")
    fields = JSON(description="The registration form's stored values keyed by field id, normalized.")


class Eligibility(graphene.ObjectType):
    """Whether the viewer can register (or, after close, why their entry cannot be selected)."""

    isEligible = graphene.Boolean(required=True, description="True when nothing stands in the viewer's way.")
    reason = graphene.ID(
        description="Why not, when not eligible: a gate reason (NO_CARD, NO_INVITE, ...) or CAMPAIGN_NOT_OPEN, "
        "CAMPAIGN_CLOSED, ENTRY_BLOCKED, PHONE_NOT_CONFIRMED (docs/errors.md)."
    )


class CampaignSlackChannels(graphene.ObjectType):
    """The Slack channels the campaign's messages go to, per kind."""

    stats = graphene.List(
        graphene.String, description="Channels that receive the registration stats, such as #presale."
    )


class CampaignSlackOptions(graphene.ObjectType):
    """The campaign's Slack alerts (staff only)."""

    channels = graphene.Field(CampaignSlackChannels, description="Where the campaign's messages go.")
    noAlert = graphene.Boolean(description="True to send the campaign no Slack alert at all.")


class CampaignPrecheckOptions(graphene.ObjectType):
    """The past participation a fan needs to register (a precheck)."""

    pastCampaignId = graphene.ID(description="The campaign in which a fan must have been selected (24 hex characters).")


class CampaignGate(graphene.ObjectType):
    """What a fan must have to register (catalog §3.5); every gate set must be passed, null gates are off."""

    card = graphene.Field(CampaignCardGate, description="The payment card brand the fan's account must hold.")
    inviteOnly = graphene.Field(
        FanIdentifier, description="Only invited fans register: the identifier the uploaded invite list uses."
    )
    linkedAccount = graphene.Field(CampaignLinkedAccountGate, description="The account the fan must have linked.")
    campaignId = graphene.ID(description="The campaign whose invite list applies, when not this one.")
    linkedCampaign = graphene.ID(description="A campaign the fan must have registered in first (24 hex characters).")
    idv = graphene.Field(IDVTier, description="The identity-verification tier the fan must have passed.")


class CampaignOptions(graphene.ObjectType):
    """The rules and switches of a campaign (catalog §1.4 ``CampaignOptions``)."""

    allowIntlPhones = graphene.Boolean(
        description="True to accept phone numbers outside the markets' countries. US and Canadian numbers count as "
        "domestic to each other when a market is in either; every other country, other +1 countries included, "
        "needs this."
    )
    promptConfirmPhone = graphene.Boolean(
        description="True to ask fans to confirm their phone by a texted code; unconfirmed entries are not selected."
    )
    showAccessCode = graphene.Boolean(description="True to show selected fans their code on the fan site.")
    useGenericBranding = graphene.Boolean(description="True to show the fan pages without the artist's branding.")
    requirePassword = graphene.Boolean(description="True when the fan pages ask for the campaign password first.")
    passwordValue = graphene.String(
        description="The campaign password; a protected campaign answers only callers who gave it (or staff)."
    )
    queueId = graphene.ID(description="Id of the waiting-room queue fans pass through before the pages.")
    requirePrecheck = graphene.Field(
        CampaignPrecheckOptions, description="Past participation a fan needs (selected in pastCampaignId)."
    )
    hideFaq = graphene.Boolean(description="True to hide the FAQ section of the fan pages.")
    isLNAA = graphene.Boolean(
        description="Opaque Live Nation flag (decisions #7): routes the campaign's emails to the LNE region."
    )
    gate = graphene.Field(CampaignGate, description="The registration gates fans must pass (card, account, IDV...).")
    linkableAttributes = graphene.List(
        LinkableAttributeType, description="Attributes fans may link to their entry (refreshEntryAttribute)."
    )
    automatedReminders = graphene.Boolean(description="True to email selected fans before each market's presale.")
    waitingRoomDuration = graphene.Int(description="How long the waiting room holds fans, in minutes.")


class CampaignSchema(graphene.ObjectType):
    """The version of the campaign document schema (it decides which content sections apply)."""

    version = graphene.String(description="1 (content under started/finished/terms) or 2 (under signup/faqs).")


class FanlistUpload(graphene.ObjectType):
    """One fan list uploaded to a fanlist campaign, and how its processing went."""

    date = graphene.String(description="When the list was uploaded, UTC ISO-8601 date-time (2017-06-18T23:00:00Z).")
    rows = graphene.Int(description="How many rows the file had (header excluded).")
    rowsIn = graphene.Int(description="How many rows were taken in (valid, not duplicated).")
    status = graphene.String(description="PENDING, PROCESSING, FINISHED or FAILED.")


def _campaign_date(campaign) -> dict:
    return {
        "created": iso(campaign.date_created),
        "updated": iso(campaign.date_updated),
        "opened": iso(campaign.date_opened),
        "closed": iso(campaign.date_closed),
        "open": iso(campaign.date_open),
        "close": iso(campaign.date_close),
        "finish": iso(campaign.date_finish),
        "presaleWindowStart": iso(campaign.date_presale_window_start),
        "presaleWindowEnd": iso(campaign.date_presale_window_end),
        "generalOnsale": iso(campaign.date_general_onsale),
        "sendEmailReminders": iso(campaign.date_send_email_reminders),
        "sendReminderEmails": campaign.send_reminder_emails,
        "triggeredEmailReminders": iso(campaign.date_triggered_email_reminders),
    }


def _shown_locales(campaign) -> list[str]:
    if getattr(campaign, "_show_all_locales", False):
        return campaign_locale_ids(campaign)
    return [view_locale(campaign)]


class Campaign(graphene.Interface):
    """Fields every campaign answers; ``status``, ``domain``, ``markets``, ``content`` are null/empty on fanlists."""

    id = graphene.ID(description="The campaign id (24 hex characters).")
    type = graphene.Field(CampaignType, description="registration (fans register on a fan site) or fanlist (uploaded).")
    name = graphene.String(description="The campaign's name for staff, such as 'Metallica - WorldWired Tour 2017'.")
    artist = graphene.Field(CampaignArtist, description="The artist the campaign sells presale access for.")
    categoryId = graphene.ID(description="Ticketmaster presale category id the campaign's codes unlock.")
    referenceTimezone = graphene.String(
        description="IANA time zone staff think in for the campaign's own dates, such as America/New_York."
    )
    date = graphene.Field(CampaignDate, description="The campaign's dates (UTC ISO-8601).")
    contacts = graphene.List(JSON, description="Staff contacts of the campaign ({id, name, email, ...}); staff only.")
    identifier = graphene.Field(FanIdentifier, description="Which fan identifier a fanlist campaign's uploads use.")
    schema = graphene.Field(CampaignSchema, description="Version of the campaign document schema it was saved with.")
    subType = graphene.Field(CampaignSubtype, description="fanclub for fan-club campaigns; null otherwise.")
    status = graphene.String(description="DRAFT, PREVIEW, OPEN, CLOSED or INACTIVE (decisions.md 'Lifecycle').")
    domain = graphene.Field(CampaignDomain, description="Host names of the campaign's fan pages.")
    markets = graphene.List(Market, description="The campaign's markets (shows), by event date then name.")
    content = graphene.Field(CampaignContent, description="The fan pages' copy, per locale.")

    # No ``resolve_type``: the concrete types, composed in ``monoql/schema.py`` from each app's fields,
    # answer ``is_type_of`` (a fanlist is a ``FanlistCampaign``, every other campaign a ``RegistrationCampaign``).


class CampaignResolvers:
    """Resolvers shared by both campaign types (graphene does not inherit them from the interface)."""

    @staticmethod
    def resolve_type(campaign, info):
        # Without this, graphene would take the interface's type resolver (``Campaign.resolve_type``).
        return campaign.type

    @staticmethod
    def resolve_contacts(campaign, info):
        return contacts_of(campaign) if campaign.contacts else []

    @staticmethod
    def resolve_categoryId(campaign, info):
        return campaign.category_id

    @staticmethod
    def resolve_referenceTimezone(campaign, info):
        return campaign.reference_timezone or None

    @staticmethod
    def resolve_date(campaign, info):
        return _campaign_date(campaign)

    @staticmethod
    def resolve_schema(campaign, info):
        return {"version": campaign.schema_version}

    @staticmethod
    def resolve_subType(campaign, info):
        return campaign.sub_type or None

    @staticmethod
    def resolve_status(campaign, info):
        return campaign.status

    @staticmethod
    def resolve_domain(campaign, info):
        return {"site": campaign.domain_site, "share": campaign.domain_share, "preview": campaign.domain_preview}

    @staticmethod
    def resolve_markets(campaign, info):
        return list(campaign.markets.all())

    @staticmethod
    def resolve_content(campaign, info):
        keyed = {
            row.locale: {**row.content, SCHEMA_VERSION_KEY: campaign.schema_version} for row in campaign.locales.all()
        }
        return keyed_to_localized(keyed, _shown_locales(campaign))


class RegistrationCampaignFields(CampaignResolvers):
    """The campaign app's fields of ``RegistrationCampaign`` (entries add ``entry``, ``eligibility``, counts)."""

    tour = graphene.Field(CampaignTour, description="The tour the campaign sells presale access to.")
    trackers = graphene.List(Tracker, description="Analytics trackers the fan pages load (type, id, src).")
    style = JSON(description="The fan pages' theme (colors, fonts) as the campaign editor saved it.")
    image = graphene.Field(CampaignImages, description="The fan pages' images: main, mobile, email, secondary.")
    preferences = graphene.List(
        Field, description="The registration form's fields, in order; fans send their values keyed by field id."
    )
    faqs = graphene.Field(CampaignPageFAQ, description="Which FAQ entries each page state shows.")
    market = graphene.Field(
        Market,
        marketId=graphene.String(required=True, description="Id of one of this campaign's markets."),
        description="One market of the campaign by id; null when it is not this campaign's.",
    )
    currentLocale = graphene.Field(Locale, description="The locale this answer's content is in.")
    locales = graphene.List(Locale, description="Every locale the campaign's pages are written in.")
    login_types = graphene.List(graphene.String, description="Sign-in methods the fan pages offer, such as tm.")
    slack = graphene.Field(CampaignSlackOptions, description="Slack channels of the campaign's alerts; staff only.")
    options = graphene.Field(CampaignOptions, description="Rules of the campaign: gates, password, phone options.")

    @staticmethod
    def resolve_tour(campaign, info):
        return {"name": campaign.tour_name} if campaign.tour_name else None

    @staticmethod
    def resolve_options(campaign, info):
        return campaign.options

    @staticmethod
    def resolve_preferences(campaign, info):
        shown = _shown_locales(campaign)
        fields = []
        for field in campaign.preferences:
            label = field.get("label") if isinstance(field.get("label"), dict) else {}
            fields.append({**field, "label": keyed_to_localized(label, shown)})
        return fields

    @staticmethod
    def resolve_market(campaign, info, marketId):
        return next((market for market in campaign.markets.all() if market.pk == marketId), None)

    @staticmethod
    def resolve_currentLocale(campaign, info):
        locale = view_locale(campaign)
        return {"id": locale, "is_default": locale == campaign_default_locale(campaign)}

    @staticmethod
    def resolve_locales(campaign, info):
        return [{"id": row.locale, "is_default": row.is_default} for row in campaign.locales.all()]


class FanlistCampaignFields(CampaignResolvers):
    """The campaign app's fields of ``FanlistCampaign`` (entries add ``uploads``, exports ``exports``)."""

    eventIds = graphene.List(graphene.ID, description="Ticketmaster event ids the fanlist campaign's codes unlock.")
    scoring = graphene.Field(FanlistScoring, description="How the uploaded lists' values become scores.")

    @staticmethod
    def resolve_status(campaign, info):
        return None

    @staticmethod
    def resolve_domain(campaign, info):
        return None

    @staticmethod
    def resolve_markets(campaign, info):
        return []

    @staticmethod
    def resolve_content(campaign, info):
        return None

    @staticmethod
    def resolve_eventIds(campaign, info):
        return campaign.event_ids

    @staticmethod
    def resolve_scoring(campaign, info):
        return campaign.options.get("scoring")
