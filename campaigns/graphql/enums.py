"""Enums of the contract (catalog §1.6), values spelled exactly as clients send them.

Each is built from its value set in ``campaigns.models`` (``monoql.graphql.enums.enum_from_choices``): the
column's choices, the JSON-schema validation of the campaign documents and the schema share one declaration.
"""

from campaigns import models
from monoql.graphql.enums import enum_from_choices

CampaignType = enum_from_choices(
    models.CampaignType,
    name="CampaignType",
    description="What kind of campaign it is.",
    descriptions={
        "registration": "Fans register on the campaign's own fan site.",
        "fanlist": "Fans come from uploaded fan lists; the campaign has no fan site.",
    },
)
CampaignSubtype = enum_from_choices(
    models.CampaignSubtype,
    name="CampaignSubtype",
    description="A narrower kind of campaign, when it has one.",
    descriptions={"fanclub": "A presale for the artist's fan-club members."},
)
FanIdentifier = enum_from_choices(
    models.FanIdentifier,
    name="FanIdentifier",
    description="Which identifier a fanlist campaign's uploaded lists use for fans.",
    descriptions={
        "memberId": "The fan's Ticketmaster member id.",
        "globalUserId": "The fan's Ticketmaster global user id.",
        "email": "The fan's email address, lower-cased.",
    },
)
FanlistScoring = enum_from_choices(
    models.FanlistScoring,
    name="FanlistScoring",
    description="How a fanlist's uploaded values become scores (entries.services.fanlist).",
)
CampaignCardGate = enum_from_choices(
    models.CardGate, name="CampaignCardGate", description="The card brand a card-gated campaign asks for."
)
CampaignLinkedAccountGate = enum_from_choices(
    models.LinkedAccountGate,
    name="CampaignLinkedAccountGate",
    description="The account a linked-account gate asks fans to have linked.",
)
IDVTier = enum_from_choices(
    models.IDVTier, name="IDVTier", description="The identity-verification tier an IDV-gated campaign asks for."
)
LinkableAttributeType = enum_from_choices(
    models.LinkableAttribute,
    name="LinkableAttributeType",
    description="An attribute a fan may link to their entry (refreshEntryAttribute).",
)
SplitAllocationType = enum_from_choices(
    models.SplitAllocationType,
    name="SplitAllocationType",
    description="How a market's split allocation shares its places with another sale.",
    descriptions={
        "concurrent": "The other sale runs at the same time as this presale.",
        "sequential": "The other sale follows this presale.",
    },
)
