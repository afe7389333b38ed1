"""``wavePrepList`` and ``waveList`` (catalog §1.2): the ``select`` action on the campaign, or supreme."""

import graphene

from accounts.permissions import campaign_permissions, is_supreme
from accounts.session import require_fan
from entries.graphql.access import campaign_for
from entries.selection.graphql.types import Wave, WavePrep
from entries.selection.selectors import wave_preps_of, waves_of
from monoql.reasons import operation_doc


class SelectionQuery(graphene.ObjectType):
    wavePrepList = graphene.List(
        WavePrep,
        campaignId=graphene.ID(required=True),
        description=operation_doc(
            "The campaign's wave preps (triggerWavePrep runs), newest first, with status, counts and their zip of files.",
            "staff with `select` on the campaign, or supreme users",
            "notLoggedIn",
            "supremeUserRequired",
            "CAMPAIGN_NOT_FOUND",
        ),
    )
    waveList = graphene.List(
        Wave,
        campaignId=graphene.ID(),
        description=operation_doc(
            "The campaign's waves (scheduled SMS/email sends of codes), with status and counts.",
            "staff with `select` on the campaign, or supreme users",
            "notLoggedIn",
            "supremeUserRequired",
            "CAMPAIGN_NOT_FOUND",
        ),
    )

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
