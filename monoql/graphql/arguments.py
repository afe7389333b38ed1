"""Descriptions declared once and applied to the built schema by root composition (``monoql.schema``):

- the root operations' arguments, once per argument name (``campaignId`` means the same thing in 23
  operations) and per operation where one name means something else there;
- (input types are built from their output types by ``monoql.graphql.inputs.input_of`` and carry the
  output's descriptions: a shape is described once, where it is declared.)

What already has its own description keeps it. The schema-descriptions test fails on what is left without.
"""

from graphql import GraphQLObjectType

#: Argument name → description, for every operation that takes it.
ARGUMENTS = {
    "campaignId": "The campaign id (24 hex characters).",
    "file": "The file, as a GraphQL multipart upload part (CSV, UTF-8).",
    "fileSize": "The file's size in bytes, as the client read it; a mismatch refuses the upload (FILE_SIZE_MISMATCH).",
    "limit": "How many items to answer at most (a page), such as 20.",
    "skip": "How many items to skip before the page starts (0 for the first page).",
    "query": "The text to search for in names, as a person would type it.",
    "marketId": "The market id (24 hex characters), one of the campaign's markets.",
    "dateKey": "The wave prep's date key: the presale day as YYYYMMDD, such as 20261215.",
    "dateId": "The stats row's date id, 1–64 characters (such as a dateKey or a wave name).",
    "tagName": "The tag's name, 1–64 characters.",
    "phone": "The phone number in any common format, such as (212) 555-0123; checked and stored in E.164.",
    "fileName": "The file's name: 1–150 letters, digits, '.', '_' or '-'.",
    "includePrevSelected": "True to count fans already selected in an earlier run as well (default false).",
    "minScore": "Leave out entries scored below this, 0 to 1 (unscored entries too).",
    "maxScore": "Leave out entries scored above this, 0 to 1 (unscored entries too).",
}
#: (operation, argument) → description, where the argument means something of its own there.
PER_OPERATION = {
    ("stats", "type"): "Only rows of this type: filterList or selection.",
    ("upsertStat", "type"): "The row's type: filterList or selection.",
    ("uploadCodes", "type"): "The codes' type: tm (Ticketmaster codes) or external.",
    ("scheduleExport", "type"): "The export type, such as entries, masterCodes or codeWaves (docs/exports.md).",
    (
        "uploadWavePrepFile",
        "type",
    ): "Which wave prep input the file is: markets (limits), tmCodes or nonTmCodes (codes).",
    ("campaignExportList", "exportType"): "Only exports of this type, such as entries (docs/exports.md).",
    ("campaignExport", "exportId"): "The export id (24 hex characters).",
    ("uploadWave", "config"): (
        "The wave's settings as JSON: {campaignId, notifyDate (UTC ISO-8601), totalLimit, categoryId, type, ...}."
    ),
    ("triggerWavePrep", "reassign"): "True to include fans who already hold an assigned code of the campaign.",
    ("triggerWavePrep", "orderByPreference"): "True to favour the rank fans gave a market over their priority.",
    ("triggerWavePrep", "singleMarket"): "True to select each fan in one market at most (their best-ranked with room).",
    ("triggerWavePrep", "randomSelection"): "True to order fans by a seeded lottery instead of by score.",
    ("triggerSelection", "marketIds"): "The markets to apply the latest finished wave prep to.",
    ("uploadScored", "campaignName"): "The campaign's name as the scored file calls it (a check against mix-ups).",
    ("addTags", "fileRecords"): "The records to match: emails, phone numbers or ids (at most 100,000 per call).",
    ("addTags", "targetField"): "Which entry field the records match: email, phone, memberId or globalUserId.",
    ("flipVerdicts", "filterType"): "block: block the tagged entries; allow: allow them again.",
    ("upsertStat", "status"): "The row's status: PENDING, PROCESSING, FINISHED or FAILED.",
    ("upsertStat", "meta"): "Free JSON the row keeps for its producer (counts per step, messages).",
    ("upsertStat", "count"): "The row's count, such as fans selected in the market.",
    ("verifyPhoneConfirmationCode", "code"): "The code texted to the phone by sendPhoneConfirmationCode.",
    ("submitConfirm", "phoneJwt"): "The token verifyPhoneConfirmationCode answered for the confirmed phone.",
    ("refreshEntryAttribute", "attribute"): "The attribute to refresh, such as a linked account's name.",
    (
        "upsertPromoter",
        "promoter",
    ): "The promoter's fields; with an id it updates that promoter, without one it creates.",
    ("deletePromoter", "promoterId"): "The promoter id (24 hex characters).",
    ("uploadImage", "base64"): "The image bytes, base64-encoded.",
    ("uploadImage", "contentType"): "The image's MIME type: image/png, image/jpeg or image/gif.",
    ("uploadImage", "cacheControl"): "The Cache-Control the stored image is served with, such as max-age=31536000.",
    ("saveCampaignContacts", "contacts"): "The contacts: ids of existing contacts or {name, email, phone} objects.",
    ("deleteMarket", "transferMarketId"): "Where the market's entries move: another market of the same campaign.",
    ("upsertMarket", "market"): "The market's fields; with an id it updates that market, without one it creates.",
    ("cloneMarkets", "fromCampaignId"): "The campaign whose markets are copied.",
    ("cloneMarkets", "toCampaignId"): "The campaign the copies are added to.",
    (
        "upsertCampaign",
        "campaign",
    ): "The campaign's fields; with an id it updates that campaign, without one it creates.",
}


def describe_arguments(graphql_schema) -> None:
    """Give every field argument its description from the tables above (in place): the root operations'
    and those of nested fields such as ``metrics.eligibleByMarketPreference``.

    Args: the built ``GraphQLSchema``. Returns None. Arguments already described keep their text.
    """
    for type_name, graphql_type in graphql_schema.type_map.items():
        if type_name.startswith("__") or not isinstance(graphql_type, GraphQLObjectType):
            continue
        for name, field in graphql_type.fields.items():
            for arg_name, argument in field.args.items():
                if not argument.description:
                    argument.description = PER_OPERATION.get((name, arg_name)) or ARGUMENTS.get(arg_name)
