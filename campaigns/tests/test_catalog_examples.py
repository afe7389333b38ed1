"""The example operations of catalog §7 for campaigns, markets, search and promoters validate against the
committed schema, with the clients' own operation names and fragments."""

from pathlib import Path

import pytest
from graphql import build_schema, parse, validate

SCHEMA = build_schema((Path(__file__).resolve().parents[2] / "schema.graphql").read_text())

CAMPAIGN_FIELDS = """
fragment CampaignBasic on Campaign { id name type status domain { site } artist { name } date { open close } }
"""
REG_CAMPAIGN_OBJECT = """
fragment regCampaignObject on RegistrationCampaign {
  id type name status categoryId referenceTimezone subType identifier login_types style contacts
  tour { name }
  artist { id discovery_id name image_url needs_id fanclubName }
  date { created updated opened closed open close finish presaleWindowStart presaleWindowEnd generalOnsale
         sendEmailReminders sendReminderEmails triggeredEmailReminders }
  domain { site share preview }
  trackers { type id src additional }
  image { main { ...imageFields } mobile { ...imageFields } email { ...imageFields } secondary { ...imageFields } }
  preferences { id type is_optional additional label { localized { locale value } en_US fr_CA } }
  faqs { landing { open closed activePresale } confirmation { open closed activePresale } }
  markets { ...marketObject }
  currentLocale { id is_default }
  locales { id is_default }
  slack { channels { stats } noAlert }
  options { allowIntlPhones promptConfirmPhone showAccessCode useGenericBranding requirePassword passwordValue
            queueId requirePrecheck { pastCampaignId } hideFaq isLNAA automatedReminders waitingRoomDuration
            linkableAttributes gate { card inviteOnly linkedAccount campaignId linkedCampaign idv } }
  schema { version }
  content { localized { locale value { ...allSharedContent ...allV1Content ...allV2Content } } }
}
fragment imageFields on Image { url name width height alt_text }
fragment marketObject on Market {
  id name city state population timezone isAddedShow promoterIds point { latitude longitude }
  event { id ids name date presaleDateTime ticketer link sharedCode venue { name }
          splitAllocation { link type isActive } }
}
fragment allSharedContent on Content {
  meta faqs { id question answer hash_id title questions { hash_id question answer } }
  image { share { ...imageFields } background { ...imageFields } logo { ...imageFields } }
  email { subject { receipt } template { confirm receipt share } from { name account } }
  share { template { twitter default facebook email_subject email_body } }
  phone { account } errors { code message }
}
fragment allV1Content on Content {
  body(onlyCurrent: false) {
    started { welcome { above_button below_button header sign_in_button_content footer_content }
              registration { above_form below_form header above_button submit_button_content }
              entry { header top attributes main } }
    finished { welcome { main header } } terms { main }
  }
}
fragment allV2Content on Content { body(onlyCurrent: false) { signup { infoBody } faqs { id question answer } } }
"""
FANLIST_OBJECT = """
fragment fanlistCampaignObject on FanlistCampaign {
  id type name eventIds scoring uploads { date rows rowsIn status } identifier schema { version }
}
"""

OPERATIONS = {
    "campaigns": "query campaigns { viewer { campaigns { list(limit: 10, skip: 0, type: registration) "
    "{ id name artist { name } date { open close } status } } } }",
    "getCampaign": "query getCampaign($domain: String!) { viewer { campaign(domain: $domain) { id name "
    "... on RegistrationCampaign { markets { id name event { date } } date { open close } "
    "content { localized { locale value { body { started { welcome { header } } } } } } } } } }",
    "createCampaign": "mutation createCampaign($campaign: CampaignInput!) { upsertCampaign(campaign: $campaign) "
    "{ id name type status } }",
    "searchArtists": "query searchArtists($query: String!) { searchArtists(query: $query, limit: 20) "
    "{ id discovery_id name image_url } }",
    "createMarket": "mutation createMarket($market: MarketInput!) { upsertMarket(market: $market) "
    "{ id name event { id name venue { name } } } }",
    "campaigns_list": CAMPAIGN_FIELDS + "query campaigns_list { viewer { campaigns { list { ...CampaignBasic } } } }",
    "campaigns_getById": CAMPAIGN_FIELDS
    + "query campaigns_getById($id: String!) { viewer { campaign(id: $id) { ...CampaignBasic } } }",
    "campaigns_paginated": "query campaigns_paginated($limit: Int, $skip: Int) { viewer { campaigns "
    "{ list(limit: $limit, skip: $skip) { id name } } } }",
    "campaign_content": "query campaign_content($domain: String!) { viewer { campaign(domain: $domain) "
    "{ ... on RegistrationCampaign { content { localized { locale value { errors { code message } } } } } } } }",
    "campaign_content_deprecated": "query campaign_content_deprecated($domain: String!) { viewer "
    "{ campaign(domain: $domain) { ... on RegistrationCampaign { content { en_US { meta } fr_CA { meta } } } } } }",
    "campaign_byType": "query campaign_byType($id: String!) { viewer { campaign(id: $id) { id type "
    "... on RegistrationCampaign { markets { id } eligibility { isEligible reason } } "
    "... on FanlistCampaign { scoring uploads { status } } } } }",
    "admin_campaign": REG_CAMPAIGN_OBJECT
    + FANLIST_OBJECT
    + "query admin_campaign($id: String!) { viewer { campaign(id: $id, showAllLocales: true) "
    "{ ...regCampaignObject ...fanlistCampaignObject } } }",
    "admin_campaignsList": "query admin_campaignsList($limit: Int, $skip: Int, $type: CampaignType, $query: String) "
    '{ viewer { campaigns { list(limit: $limit, skip: $skip, type: $type, query: $query, sort: "-date.created") '
    "{ id name type status } } } }",
    "admin_upsertCampaign": REG_CAMPAIGN_OBJECT
    + "mutation admin_upsertCampaign($campaign: CampaignInput!) { upsertCampaign(campaign: $campaign) "
    "{ ...regCampaignObject } }",
    "admin_upsertMarket": "fragment marketObject on Market { id name event { ids } }\n"
    "mutation admin_upsertMarket($market: MarketInput!) { upsertMarket(market: $market) { ...marketObject } }",
    "admin_deleteMarket": "mutation admin_deleteMarket($campaignId: String!, $marketId: String!, "
    "$transferMarketId: String) { deleteMarket(campaignId: $campaignId, marketId: $marketId, "
    "transferMarketId: $transferMarketId) }",
    "CloneMarkets": "mutation CloneMarkets($fromCampaignId: String!, $toCampaignId: String!) "
    "{ cloneMarkets(fromCampaignId: $fromCampaignId, toCampaignId: $toCampaignId) { id name } }",
    "admin_searchArtists": "query admin_searchArtists($query: String!, $limit: Int) "
    "{ searchArtists(query: $query, limit: $limit) { id discovery_id name image_url needs_id } }",
    "admin_searchVenues": "query admin_searchVenues($query: String!, $limit: Int) { searchVenues(query: $query, "
    "limit: $limit) { id discovery_id name city state country zip timezone locale point { latitude longitude } } }",
    "admin_uploadImage": "mutation admin_uploadImage($base64: String!, $contentType: String!, $cacheControl: String) "
    "{ uploadImage(base64: $base64, contentType: $contentType, cacheControl: $cacheControl) "
    "{ url name width height } }",
    "admin_initApp": "query admin_initApp { viewer { isLoggedIn isAdmin auth { isSupreme permissions "
    "{ campaignId actions } } } identity { url version integratorId placementId } ppc { url id token } }",
    "admin_pollLoggedIn": "query admin_pollLoggedIn { viewer { isLoggedIn } }",
    "promoters": "query promoters { promoters { id name privacyUrls { locale url is_default } date { created updated } } }",
    "upsertPromoter": "mutation upsertPromoter($promoter: PromoterInput!) { upsertPromoter(promoter: $promoter) "
    "{ id name } }",
    "deletePromoter": "mutation deletePromoter($promoterId: String!) { deletePromoter(promoterId: $promoterId) }",
    "searchContacts": "query searchContacts($query: String!) { searchContacts(query: $query, limit: 10, skip: 0) }",
    "saveCampaignContacts": "mutation saveCampaignContacts($contacts: [JSON]!, $campaignId: ID!) "
    "{ saveCampaignContacts(contacts: $contacts, campaignId: $campaignId) }",
    "categoryIds": "query categoryIds($s: String!, $e: String!) { viewer { campaigns "
    "{ categoryIds(presaleQueryStartDate: $s, presaleQueryEndDate: $e) } } }",
}


@pytest.mark.parametrize("name", sorted(OPERATIONS))
def test_catalog_example_validates_against_the_committed_schema(name):
    errors = validate(SCHEMA, parse(OPERATIONS[name]))
    assert [error.message for error in errors] == []
