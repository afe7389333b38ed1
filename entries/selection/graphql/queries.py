"""``wavePrepList`` and ``waveList`` (catalog §1.2): the ``select`` action on the campaign, or supreme."""

import graphene

from accounts.permissions import campaign_permissions, is_supreme
from accounts.session import require_fan
from entries.graphql.access import campaign_for
from entries.selection.graphql.types import Wave, WavePrep
from entries.selection.selectors import wave_preps_of, waves_of


class SelectionQuery(graphene.ObjectType):
    wavePrepList = graphene.List(WavePrep, campaignId=graphene.ID(required=True))
    waveList = graphene.List(Wave, campaignId=graphene.ID())

    @staticmethod
    def resolve_wavePrepList(root, info, campaignId):
        campaign = campaign_for(info, campaignId, "select")
        return list(wave_preps_of(campaign.pk))

    @staticmethod
    def resolve_waveList(root, info, campaignId=None):
        """One campaign's waves (``select``), or without ``campaignId`` every wave the caller may select on."""
        if campaignId is not None:
            return list(waves_of([campaign_for(info, campaignId, "select").pk]))
        fan = require_fan(info)
        if is_supreme(fan):
            return list(waves_of())
        allowed = [cid for cid, actions in campaign_permissions(fan).items() if "select" in actions]
        return list(waves_of(allowed))
