"""Error reasons of campaigns, markets, promoters, contacts, images and
Discovery imports (``monoql.reasons``; docs/errors.md is generated from them)."""

from monoql.errors import FORBIDDEN, NOT_FOUND, VALIDATION_ERROR
from monoql.reasons import ADMIN, CODE_REST, COMMAND, EXPORT_REST, GRAPHQL, REST, ReasonEnum, register


@register
class CampaignsReason(ReasonEnum):
    """Reasons declared by ``campaigns``."""

    CAMPAIGN_NOT_FOUND = (
        NOT_FOUND,
        "No campaign with id '…'.",
        (GRAPHQL, REST, CODE_REST, EXPORT_REST),
        {EXPORT_REST: "CampaignNotFound"},
    )
    CAMPAIGN_NOT_PUBLISHABLE = (
        VALIDATION_ERROR,
        "The campaign cannot open yet: it lacks a domain, a close date, a market, default-locale content or a contact field.",
        (GRAPHQL, REST),
    )
    CONTACT_NOT_FOUND = (NOT_FOUND, "No contact with id '…'.", (GRAPHQL, REST))
    DOMAIN_NAME_CONFLICT = (VALIDATION_ERROR, "Domain '…' is already used by another campaign.", (GRAPHQL, REST))
    IMAGE_TOO_LARGE = (VALIDATION_ERROR, "The uploaded image is larger than the accepted size.", (GRAPHQL, REST))
    INVALID_CAMPAIGN = (
        VALIDATION_ERROR,
        "The campaign input breaks a campaign rule (a locale listed twice, a bad field combination).",
        (GRAPHQL, REST),
    )
    INVALID_CAMPAIGN_DATE_ORDER = (VALIDATION_ERROR, "The campaign must open before it closes.", (GRAPHQL, REST))
    INVALID_CAMPAIGN_PASSWORD = (FORBIDDEN, "The campaign password is not correct.", (GRAPHQL, REST))
    INVALID_CAMPAIGN_SCHEMA = (
        VALIDATION_ERROR,
        "Unknown artist: give the name of a new artist or the id of a known one.",
        (GRAPHQL, REST),
    )
    INVALID_CAMPAIGN_STATUS_CHANGE = (VALIDATION_ERROR, "'…' is not a campaign status (…).", (GRAPHQL, REST))
    INVALID_CONTACT = (VALIDATION_ERROR, "… must be a contact id or an object.", (GRAPHQL, REST))
    INVALID_DATE = (VALIDATION_ERROR, "… must be an ISO-8601 date.", (GRAPHQL, REST))
    INVALID_DOMAIN = (VALIDATION_ERROR, "'…' is not a domain name.", (GRAPHQL, REST))
    INVALID_IMAGE = (
        VALIDATION_ERROR,
        "The upload is not a readable image (bad base64 or an unreadable file).",
        (GRAPHQL, REST),
    )
    INVALID_IMAGE_TYPE = (
        VALIDATION_ERROR,
        "The image's content type is not one of the accepted image types.",
        (GRAPHQL, REST),
    )
    INVALID_MARKET_CLONE = (VALIDATION_ERROR, "A campaign cannot clone its own markets.", (GRAPHQL, REST))
    INVALID_MARKET_SCHEMA = (
        VALIDATION_ERROR,
        "A market's fields do not follow the market schema (name, city, time zone, event, dates).",
        (GRAPHQL, REST),
    )
    INVALID_PRESALE_WINDOW_DATE_ORDER = (
        VALIDATION_ERROR,
        "The presale window must end after it starts.",
        (GRAPHQL, REST),
    )
    INVALID_PROMOTER_SCHEMA = (
        VALIDATION_ERROR,
        "A promoter's fields do not follow the promoter schema.",
        (GRAPHQL, REST),
    )
    INVALID_TIMEZONE = (VALIDATION_ERROR, "'…' is not an IANA time zone such as America/Chicago.", (GRAPHQL, REST))
    InvalidCampaignType = (VALIDATION_ERROR, "'…' is not a campaign type (registration, fanlist).", (GRAPHQL, REST))
    InvalidPreferenceCampaignSchemaType = (VALIDATION_ERROR, "Field '…' has an unknown type '…'.", (GRAPHQL, REST))
    marketNameExists = (VALIDATION_ERROR, "The campaign already has a market named '…'.", (GRAPHQL, REST))
    MISSING_PRESALE_WINDOW_DATE = (
        VALIDATION_ERROR,
        "The presale window gives only one of its two dates; give both or neither.",
        (GRAPHQL, REST),
    )
    MISSING_MARKET_IDS = (VALIDATION_ERROR, "MarketIds must list at least one market.", (GRAPHQL, REST))
    NO_ATTRACTION = (VALIDATION_ERROR, "No attraction matches '…' in this file.", (ADMIN, COMMAND))
    NO_EVENTS = (VALIDATION_ERROR, "The events response holds no events.", (ADMIN, COMMAND))
    NO_VENUES = (VALIDATION_ERROR, "The attraction's events name no venue.", (ADMIN, COMMAND))
    NOT_DISCOVERY = (VALIDATION_ERROR, "Not a Discovery v2 events, attractions or venues response.", (ADMIN, COMMAND))
    NOT_EVENTS = (VALIDATION_ERROR, "Not a Discovery events response: top level is not an object.", (ADMIN, COMMAND))
    NOT_JSON = (VALIDATION_ERROR, "Not JSON: … at line ….", (ADMIN, COMMAND))
    PROMOTER_NOT_FOUND = (NOT_FOUND, "Unknown promoter id(s): ….", (GRAPHQL, REST))
    MARKET_NOT_FOUND = (NOT_FOUND, "No such market in this campaign.", (GRAPHQL, REST))
