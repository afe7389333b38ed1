"""``wavePrepList`` and ``waveList`` (catalog §1.2): the ``select`` action on the campaign, or supreme."""

import graphene

from accounts.graphql.access import SIGNED_IN, Operation, campaign_action
from accounts.permissions import campaign_permissions, is_supreme
from accounts.session import require_fan
from campaigns.selectors import campaign_or_404
from entries.selection.graphql.types import Wave, WavePrep
from entries.selection.selectors import wave_preps_of, waves_of


class SelectionQuery(graphene.ObjectType):
    wavePrepList = Operation(
        graphene.List(WavePrep),
        campaignId=graphene.ID(required=True),
        access=campaign_action("select"),
        summary="The campaign's wave preps (triggerWavePrep runs), newest first, with status, counts and their zip of files.",
        errors=["CAMPAIGN_NOT_FOUND"],
    )
    waveList = Operation(
        graphene.List(Wave),
        campaignId=graphene.ID(),
        access=campaign_action(
            "select",
            without_id=SIGNED_IN,
            who="staff with `select` on the campaign, or supreme users; without campaignId, the waves of every campaign the caller may select on",
        ),
        summary="The campaign's waves (scheduled SMS/email sends of codes), with status and counts.",
        errors=["CAMPAIGN_NOT_FOUND"],
    )

    @staticmethod
    def resolve_wavePrepList(root, info, campaignId):
        campaign = campaign_or_404(campaignId)
        return list(wave_preps_of(campaign.pk))

    @staticmethod
    def resolve_waveList(root, info, campaignId=None):
        """One campaign's waves (``select``), or without ``campaignId`` every wave the caller may select on."""
        if campaignId is not None:
            return list(waves_of([campaign_or_404(campaignId).pk]))
        fan = require_fan(info)
        if is_supreme(fan):
            return list(waves_of())
        allowed = [cid for cid, actions in campaign_permissions(fan).items() if "select" in actions]
        return list(waves_of(allowed))
