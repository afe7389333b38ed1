"""Error reasons of registration, gates, phone confirmation, uploads, scoring,
wave prep, selection and waves (``monoql.reasons``; docs/errors.md is generated from them)."""

from monoql.errors import FORBIDDEN, NOT_FOUND, RATE_LIMITED, VALIDATION_ERROR
from monoql.reasons import ADMIN, ELIGIBILITY, GRAPHQL, REST, ReasonEnum, register


@register
class EntriesReason(ReasonEnum):
    """Reasons declared by ``entries``."""

    DOMAIN_ALREADY_LISTED = (VALIDATION_ERROR, "… is already listed (Admin → Mail domains).", (ADMIN,))
    INVALID_RULE = (VALIDATION_ERROR, "rule must be disposable or blocked.", (ADMIN,))
    CAMPAIGN_CLOSED = (FORBIDDEN, "The campaign closed before the fan registered.", (ELIGIBILITY,))
    CAMPAIGN_NOT_OPEN = (FORBIDDEN, "The campaign does not accept entries yet.", (GRAPHQL, REST))
    CAMPAIGN_MISMATCH = (VALIDATION_ERROR, "PhoneJwt was issued for another campaign.", (GRAPHQL, REST))
    CampaignMissingChecklistItems = (VALIDATION_ERROR, "This checklist has no items.", (GRAPHQL, REST))
    DUPLICATE_CODE = (VALIDATION_ERROR, "Code '…' is listed twice (first on line …).", (GRAPHQL, REST))
    DUPLICATE_MARKET = (VALIDATION_ERROR, "Market_id '…' is listed twice.", (GRAPHQL, REST))
    EMPTY_INVITE_LIST = (VALIDATION_ERROR, "No identifiers to invite.", (GRAPHQL, REST))
    ENTRY_BLOCKED = (
        FORBIDDEN,
        "The fan's entry was blocked (verdict false): it is kept but never selected.",
        (GRAPHQL, REST),
    )
    ENTRY_CONFLICT = (FORBIDDEN, "Your entry could not be saved; try again.", (GRAPHQL, REST))
    ENTRY_NOT_FOUND = (NOT_FOUND, "Entry not found for specified user.", (GRAPHQL, REST))
    EntryEmptyField = (VALIDATION_ERROR, "This field may not be empty.", (GRAPHQL, REST))
    EntryInvalidBoolean = (VALIDATION_ERROR, "Expected true or false.", (GRAPHQL, REST))
    EntryInvalidChecklistVals = (VALIDATION_ERROR, "Choose items from the list.", (GRAPHQL, REST))
    EntryInvalidDestinationCity = (VALIDATION_ERROR, "Choose one of the campaign's markets.", (GRAPHQL, REST))
    EntryInvalidField = (VALIDATION_ERROR, "Enter a valid phone number.", (GRAPHQL, REST))
    EntryInvalidFreeFormTextInRange = (VALIDATION_ERROR, "Enter between … and … characters.", (GRAPHQL, REST))
    ENTRY_INVALID_INTL_PHONE = (
        VALIDATION_ERROR,
        "International phone numbers are not accepted for this campaign.",
        (GRAPHQL, REST),
    )
    EntryInvalidTicketCount = (VALIDATION_ERROR, "Enter a whole number of tickets.", (GRAPHQL, REST))
    EntryInvalidTicketCountInRange = (VALIDATION_ERROR, "Choose between … and … tickets.", (GRAPHQL, REST))
    ENTRY_MISSING_CONTACT = (VALIDATION_ERROR, "Enter an email address or a phone number.", (GRAPHQL, REST))
    ENTRY_UNKNOWN_FIELD = (VALIDATION_ERROR, "'…' is not a field of this campaign's form.", (GRAPHQL, REST))
    FAN_NOT_FOUND = (NOT_FOUND, "No fan with the given id exists.", (GRAPHQL, REST))
    INVALID_ATTRIBUTE = (VALIDATION_ERROR, "Unknown attribute '…'.", (GRAPHQL, REST))
    INVALID_ENTRY = (VALIDATION_ERROR, "Entry must be an object of field values.", (GRAPHQL, REST))
    INVALID_MARKET_TRANSFER = (VALIDATION_ERROR, "A market cannot be transferred to itself.", (GRAPHQL, REST))
    INVALID_BLACKLIST_VALUE = (VALIDATION_ERROR, "'…' is not an email address.", (GRAPHQL, REST))
    INVALID_FILE_KIND = (VALIDATION_ERROR, "Unknown kind of fan file '…'.", (ADMIN,))
    WAVE_PREP_NOT_FOUND = (NOT_FOUND, "No such wave prep.", (ADMIN,))
    invalidCampaignStatus = (
        FORBIDDEN,
        "This campaign is not open: phone numbers can be confirmed only while it accepts entries.",
        (GRAPHQL, REST),
    )
    INVALID_CATEGORY_ID = (VALIDATION_ERROR, "Config.categoryId must be a whole number >= 0.", (GRAPHQL, REST))
    INVALID_CODE_TYPE = (VALIDATION_ERROR, "Code_type '…' is not tm or external.", (GRAPHQL, REST))
    INVALID_DATE_ID = (VALIDATION_ERROR, "DateId must be 1–64 characters.", (GRAPHQL, REST))
    INVALID_DO_NOT_TEXT = (VALIDATION_ERROR, "DoNotText '…' is not true or false.", (GRAPHQL, REST))
    INVALID_FILE_NAME = (
        VALIDATION_ERROR,
        "FileName must be 1–150 letters, digits, '.', '_' or '-' (optionally ending in .csv).",
        (GRAPHQL, REST),
    )
    INVALID_FILTER_TYPE = (VALIDATION_ERROR, "FilterType must be allow or block.", (GRAPHQL, REST))
    INVALID_IDENTIFIER = (VALIDATION_ERROR, "… is empty or invalid.", (GRAPHQL, REST))
    INVALID_IDENTIFIER_TYPE = (
        VALIDATION_ERROR,
        "IdentifierType must be memberId, globalUserId or email.",
        (GRAPHQL, REST),
    )
    INVALID_LIMIT = (VALIDATION_ERROR, "Limit '…' is not a whole number >= 0.", (GRAPHQL, REST))
    INVALID_NOTIFY_DATE = (VALIDATION_ERROR, "Config.notifyDate must be an ISO-8601 date.", (GRAPHQL, REST))
    INVALID_PHONE_JWT = (VALIDATION_ERROR, "PhoneJwt is not a valid token.", (GRAPHQL, REST))
    INVALID_RANK = (VALIDATION_ERROR, "Raw score … is not between 0 and 1.", (GRAPHQL, REST))
    INVALID_SCORE = (VALIDATION_ERROR, "Score … is not between 0 and 1.", (GRAPHQL, REST))
    INVALID_SCORE_RANGE = (VALIDATION_ERROR, "MinScore must not exceed maxScore.", (GRAPHQL, REST))
    INVALID_SEED = (VALIDATION_ERROR, "Seed must be a whole number from 0 to ….", (GRAPHQL, REST))
    INVALID_STATUS = (VALIDATION_ERROR, "Status must be one of ….", (GRAPHQL, REST))
    INVALID_TAG_NAME = (VALIDATION_ERROR, "TagName must be 1–64 characters.", (GRAPHQL, REST))
    invalidTargetField = (VALIDATION_ERROR, "TargetField must be one of ….", (GRAPHQL, REST))
    INVALID_TOTAL_LIMIT = (VALIDATION_ERROR, "Config.totalLimit must be a whole number >= 1.", (GRAPHQL, REST))
    INVALID_TYPE = (VALIDATION_ERROR, "Type must be filterList or selection.", (GRAPHQL, REST))
    INVALID_VERDICT = (VALIDATION_ERROR, "Verdict '…' is not true or false.", (GRAPHQL, REST))
    INVALID_WAVE_PREP_FILE_TYPE = (VALIDATION_ERROR, "Type must be one of ….", (GRAPHQL, REST))
    MARKET_HAS_ENTRIES = (
        VALIDATION_ERROR,
        "Entries chose this market: give transferMarketId to move them before deleting it.",
        (GRAPHQL, REST),
    )
    MARKET_NOT_IN_WAVE_PREP = (VALIDATION_ERROR, "Wave prep '…' did not cover: ….", (GRAPHQL, REST))
    MISSING_REQUIRED_FIELDS = (VALIDATION_ERROR, "The following required fields are missing: ….", (GRAPHQL, REST))
    MISSING_COLUMN = (VALIDATION_ERROR, "The file's header has no '…' column.", (GRAPHQL, REST))
    MISSING_CONTACT = (VALIDATION_ERROR, "The row has neither an email nor a mobileNumber.", (GRAPHQL, REST))
    MISSING_FILE = (VALIDATION_ERROR, "File is required for a new wave.", (GRAPHQL, REST))
    MISSING_SCORING = (VALIDATION_ERROR, "Set the campaign's scoring (raw or xnum) first.", (GRAPHQL, REST))
    NO_CARD = (FORBIDDEN, "The campaign's gate asks for a payment card the fan does not hold.", (GRAPHQL, REST))
    NO_IDV = (FORBIDDEN, "The campaign's gate asks for identity verification the fan has not passed.", (GRAPHQL, REST))
    NOT_INVITE_ONLY = (
        VALIDATION_ERROR,
        "Set the campaign's inviteOnly gate first: it says which identifier the invite list uses.",
        (GRAPHQL,),
    )
    NO_INVITE = (FORBIDDEN, "The campaign is invite-only and the fan is not on its invite list.", (GRAPHQL, REST))
    NO_LINKED_CAMPAIGN_ENTRY = (
        FORBIDDEN,
        "The campaign's gate asks for an entry in a linked campaign the fan does not have.",
        (GRAPHQL, REST),
    )
    NO_PAST_PARTICIPATION = (
        FORBIDDEN,
        "The campaign's gate asks for participation in past campaigns the fan does not have.",
        (GRAPHQL, REST),
    )
    NO_FINISHED_WAVE_PREP = (
        VALIDATION_ERROR,
        "No finished wave prep to select from; run triggerWavePrep first.",
        (GRAPHQL, REST),
    )
    NOT_LINKED = (FORBIDDEN, "The campaign's gate asks for a linked account the fan does not have.", (GRAPHQL, REST))
    NOT_FANLIST_CAMPAIGN = (VALIDATION_ERROR, "Only fanlist campaigns take fanlists.", (GRAPHQL, REST))
    PHONE_NOT_CONFIRMED = (
        FORBIDDEN,
        "The campaign required a confirmed phone and the entry's was not confirmed before close.",
        (GRAPHQL, REST),
    )
    phoneAlreadyConfirmed = (
        FORBIDDEN,
        "This phone number was already confirmed by another fan for this campaign.",
        (GRAPHQL, REST),
    )
    PHONE_CODE_EXPIRED = (VALIDATION_ERROR, "This code has expired; ask for a new one.", (GRAPHQL, REST))
    PHONE_CODE_INVALID = (VALIDATION_ERROR, "That code is not right.", (GRAPHQL, REST))
    PHONE_JWT_EXPIRED = (VALIDATION_ERROR, "PhoneJwt has expired.", (GRAPHQL, REST))
    PHONE_MISMATCH = (VALIDATION_ERROR, "PhoneJwt was issued for another phone number.", (GRAPHQL, REST))
    SELECTION_IN_PROGRESS = (
        VALIDATION_ERROR,
        "A selection of these markets (for wave prep: of the campaign) is pending or running.",
        (GRAPHQL, REST),
    )
    WAVE_PREP_STALE = (
        VALIDATION_ERROR,
        "Wave prep '…' read its candidates before another selection of the campaign was applied; run a new wave prep.",
        (GRAPHQL, REST),
    )
    TOO_MANY_ATTEMPTS = (RATE_LIMITED, "Too many wrong codes; ask for a new one.", (GRAPHQL, REST))
    TOO_MANY_CODES = (RATE_LIMITED, "Too many codes were sent to this phone; try again later.", (GRAPHQL, REST))
    TOO_MANY_RECORDS = (VALIDATION_ERROR, "At most … records per call.", (GRAPHQL, REST))
    UNKNOWN_MARKET = (VALIDATION_ERROR, "Not markets of this campaign: ….", (GRAPHQL, REST))
    WAVE_NOT_FOUND = (NOT_FOUND, "No wave with the given name exists in the campaign.", (GRAPHQL, REST))
    WAVE_NOT_CANCELLABLE = (VALIDATION_ERROR, "Wave '…' is …; only a scheduled wave can be cancelled.", (GRAPHQL, REST))
    WAVE_NOT_SCHEDULED = (VALIDATION_ERROR, "Wave '…' is …; it can no longer be changed.", (GRAPHQL, REST))
    WAVE_PREP_ALREADY_SELECTED = (
        VALIDATION_ERROR,
        "Selection has been applied from wave prep '…'; use a new dateKey.",
        (GRAPHQL, REST),
    )
    WAVE_PREP_IN_PROGRESS = (
        VALIDATION_ERROR,
        "A wave prep of this campaign is running; wait until it finishes.",
        (GRAPHQL, REST),
    )
