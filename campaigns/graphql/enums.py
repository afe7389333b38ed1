"""Enums of the contract (catalog §1.6), values spelled exactly as clients send them."""

import graphene


class CampaignType(graphene.Enum):
    registration = "registration"
    fanlist = "fanlist"


class CampaignSubtype(graphene.Enum):
    fanclub = "fanclub"


class FanIdentifier(graphene.Enum):
    memberId = "memberId"
    globalUserId = "globalUserId"
    email = "email"


class FanlistScoring(graphene.Enum):
    raw = "raw"
    xnum = "xnum"


class CampaignCardGate(graphene.Enum):
    VISA = "VISA"
    AMEX = "AMEX"
    DISCOVER = "DISCOVER"
    MASTERCARD = "MASTERCARD"
    CAPITALONE = "CAPITALONE"
    CITI = "CITI"
    CHASE = "CHASE"
    BARCLAYS = "BARCLAYS"
    BOFA = "BOFA"


class CampaignLinkedAccountGate(graphene.Enum):
    VERIZON = "VERIZON"
    CITI = "CITI"


class IDVTier(graphene.Enum):
    asu = "asu"


class LinkableAttributeType(graphene.Enum):
    card_citi = "card_citi"
    card_amex = "card_amex"
    card_capitalone = "card_capitalone"


class SplitAllocationType(graphene.Enum):
    concurrent = "concurrent"
    sequential = "sequential"
