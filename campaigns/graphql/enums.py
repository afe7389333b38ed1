"""Enums of the contract (catalog §1.6), values spelled exactly as clients send them."""

import graphene


class CampaignType(graphene.Enum):
    """What kind of campaign it is."""

    registration = "registration"
    fanlist = "fanlist"

    @property
    def description(self):
        return {
            "registration": "Fans register on the campaign's own fan site.",
            "fanlist": "Fans come from uploaded fan lists; the campaign has no fan site.",
        }.get(self.name)


class CampaignSubtype(graphene.Enum):
    """A narrower kind of campaign, when it has one."""

    fanclub = "fanclub"

    @property
    def description(self):
        return {
            "fanclub": "A presale for the artist's fan-club members.",
        }.get(self.name)


class FanIdentifier(graphene.Enum):
    """Which identifier a fanlist campaign's uploaded lists use for fans."""

    memberId = "memberId"
    globalUserId = "globalUserId"
    email = "email"

    @property
    def description(self):
        return {
            "memberId": "The fan's Ticketmaster member id.",
            "globalUserId": "The fan's Ticketmaster global user id.",
            "email": "The fan's email address, lower-cased.",
        }.get(self.name)


class FanlistScoring(graphene.Enum):
    """How a fanlist's uploaded values become scores (entries.services.fanlist)."""

    raw = "raw"
    xnum = "xnum"

    @property
    def description(self):
        return {
            "raw": "The list's value is the score itself, 0 to 1.",
            "xnum": "The list's value is a position (1 = best); score = 1 - (rank - 1) / N.",
        }.get(self.name)


class CampaignCardGate(graphene.Enum):
    """The card brand a card-gated campaign asks for."""

    VISA = "VISA"
    AMEX = "AMEX"
    DISCOVER = "DISCOVER"
    MASTERCARD = "MASTERCARD"
    CAPITALONE = "CAPITALONE"
    CITI = "CITI"
    CHASE = "CHASE"
    BARCLAYS = "BARCLAYS"
    BOFA = "BOFA"

    @property
    def description(self):
        return {
            "VISA": "Fans need a Visa payment card on their account.",
            "AMEX": "Fans need a American Express payment card on their account.",
            "DISCOVER": "Fans need a Discover payment card on their account.",
            "MASTERCARD": "Fans need a Mastercard payment card on their account.",
            "CAPITALONE": "Fans need a Capital One payment card on their account.",
            "CITI": "Fans need a Citi payment card on their account.",
            "CHASE": "Fans need a Chase payment card on their account.",
            "BARCLAYS": "Fans need a Barclays payment card on their account.",
            "BOFA": "Fans need a Bank of America payment card on their account.",
        }.get(self.name)


class CampaignLinkedAccountGate(graphene.Enum):
    """The account a linked-account gate asks fans to have linked."""

    VERIZON = "VERIZON"
    CITI = "CITI"

    @property
    def description(self):
        return {
            "VERIZON": "Fans need a linked Verizon account.",
            "CITI": "Fans need a linked Citi account.",
        }.get(self.name)


class IDVTier(graphene.Enum):
    """The identity-verification tier an IDV-gated campaign asks for."""

    asu = "asu"

    @property
    def description(self):
        return {
            "asu": "The identity-verification tier named asu (an opaque tier, decisions #8).",
        }.get(self.name)


class LinkableAttributeType(graphene.Enum):
    """An attribute a fan may link to their entry (refreshEntryAttribute)."""

    card_citi = "card_citi"
    card_amex = "card_amex"
    card_capitalone = "card_capitalone"

    @property
    def description(self):
        return {
            "card_citi": "Whether the fan holds a Citi card.",
            "card_amex": "Whether the fan holds an American Express card.",
            "card_capitalone": "Whether the fan holds a Capital One card.",
        }.get(self.name)


class SplitAllocationType(graphene.Enum):
    """How a market's split allocation shares its places with another sale."""

    concurrent = "concurrent"
    sequential = "sequential"

    @property
    def description(self):
        return {
            "concurrent": "The other sale runs at the same time as this presale.",
            "sequential": "The other sale follows this presale.",
        }.get(self.name)
