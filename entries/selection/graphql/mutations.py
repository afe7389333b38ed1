"""Wave prep, selection and wave mutations (catalog §1.3, §3.7): the ``select`` action, or supreme.

Each resolver validates, authorizes, calls one service and shapes its answer; heavy work is queued.
"""

import graphene
from graphene_file_upload.scalars import Upload

from accounts.graphql.access import Operation, campaign_action, staff_actor
from accounts.reasons import AccountsReason
from campaigns.selectors import campaign_or_404
from entries.graphql.metrics_types import File
from entries.graphql.scoring_mutations import _file
from entries.selection.graphql.types import WaveConfigInput, WavePrepFileType
from entries.selection.services.selection import trigger_selection
from entries.selection.services.wave_prep import trigger_wave_prep
from entries.selection.services.wave_prep_files import upload_wave_prep_file
from entries.selection.services.waves import cancel_wave, upload_wave, wave_document
from monoql.errors import ValidationFailed
from monoql.graphql.scalars import JSON
from monoql.storage import signed_key_url


def resolve_upload_wave_prep_file(root, info, file, fileSize, campaignId, dateKey, type):
    campaign = campaign_or_404(campaignId)
    record, report = upload_wave_prep_file(
        campaign_id=campaign.pk,
        date_key=dateKey,
        file_type=type,
        stream=_file(file),
        declared_size=fileSize,
        file_name=getattr(file, "name", None),
        actor=staff_actor(info),
    )
    return {
        "url": signed_key_url(record.path, info.context),
        "name": record.name,
        "contentType": "text/csv",
        "report": report,
    }


def resolve_trigger_wave_prep(
    root,
    info,
    campaignId,
    dateKey,
    reassign=None,
    orderByPreference=None,
    singleMarket=None,
    randomSelection=None,
    minScore=None,
    maxScore=None,
    seed=None,
):
    campaign = campaign_or_404(campaignId)
    wave_prep = trigger_wave_prep(
        campaign_id=campaign.pk,
        date_key=dateKey,
        reassign=bool(reassign),
        order_by_preference=bool(orderByPreference),
        single_market=bool(singleMarket),
        random_selection=bool(randomSelection),
        min_score=minScore,
        max_score=maxScore,
        seed=seed,
        actor=staff_actor(info),
    )
    return {
        "campaignId": campaign.pk,
        "dateKey": wave_prep.date_key,
        "status": wave_prep.status,
        "seed": str(wave_prep.seed),
        "params": wave_prep.params,
        **({"replayOf": wave_prep.replay_of} if wave_prep.replay_of else {}),
    }


def resolve_trigger_selection(root, info, campaignId, marketIds):
    campaign = campaign_or_404(campaignId)
    return trigger_selection(campaign_id=campaign.pk, market_ids=marketIds, actor=staff_actor(info))


def resolve_upload_wave(root, info, fileName, config, file=None, fileSize=None):
    config = dict(config)
    campaign_id = config.get("campaignId")
    if not campaign_id:
        raise ValidationFailed(
            "config.campaignId is required.", reason=AccountsReason.MISSING_CAMPAIGN_ID, field="config.campaignId"
        )
    campaign_or_404(campaign_id)
    wave = upload_wave(
        stream=_file(file) if file is not None else None,
        declared_size=fileSize,
        file_name=fileName,
        config=config,
        actor=staff_actor(info),
    )
    return wave_document(wave)


def resolve_cancel_wave(root, info, fileName, campaignId=None):
    if not campaignId:
        raise ValidationFailed("campaignId is required.", reason=AccountsReason.MISSING_CAMPAIGN_ID, field="campaignId")
    campaign = campaign_or_404(campaignId)
    wave = cancel_wave(campaign_id=campaign.pk, file_name=fileName, actor=staff_actor(info))
    return {**wave_document(wave), "status": "cancelled"}


class SelectionMutation(graphene.ObjectType):
    uploadWavePrepFile = Operation(
        File,
        file=Upload(required=True),
        fileSize=graphene.Int(required=True),
        campaignId=graphene.ID(required=True),
        dateKey=graphene.String(required=True),
        type=WavePrepFileType(required=True),
        resolver=resolve_upload_wave_prep_file,
        access=campaign_action("select"),
        summary="Upload one of a wave prep's input files (market limits, pinned codes) for the dateKey.",
        errors=[
            "CAMPAIGN_NOT_FOUND",
            "INVALID_WAVE_PREP_FILE_TYPE",
            "FILE_TOO_LARGE",
            "EMPTY_FILE",
            "UNKNOWN_MARKET",
            "DUPLICATE_MARKET",
            "INVALID_LIMIT",
            "DUPLICATE_CODE",
            "FILE_SIZE_MISMATCH",
            "INVALID_CODE",
            "INVALID_CODE_TYPE",
            "MISSING_COLUMN",
            "InvalidDateKey",
            "INVALID_FILE",
        ],
    )
    uploadWave = Operation(
        JSON,
        file=Upload(),
        fileSize=graphene.Int(),
        fileName=graphene.String(required=True),
        config=WaveConfigInput(required=True),
        resolver=resolve_upload_wave,
        access=campaign_action(
            "select",
            lambda root, args: args["config"].get("campaignId"),
            missing_reason=AccountsReason.MISSING_CAMPAIGN_ID,
        ),
        summary="Schedule a wave: a CSV of fans and codes to text or email at notifyDate (config), or change a scheduled one.",
        errors=[
            "MISSING_FILE",
            "INVALID_FILE_NAME",
            "INVALID_NOTIFY_DATE",
            "INVALID_TOTAL_LIMIT",
            "INVALID_CATEGORY_ID",
            "MISSING_COLUMN",
            "EMPTY_FILE",
            "WAVE_NOT_SCHEDULED",
            "INVALID_DO_NOT_TEXT",
            "INVALID_FILE",
            "MISSING_CONTACT",
        ],
    )
    cancelWave = Operation(
        JSON,
        fileName=graphene.String(required=True),
        campaignId=graphene.ID(),
        resolver=resolve_cancel_wave,
        access=campaign_action("select", missing_reason=AccountsReason.MISSING_CAMPAIGN_ID),
        summary="Cancel a scheduled wave by its file name; a wave already sending or sent cannot be cancelled.",
        errors=["WAVE_NOT_FOUND", "WAVE_NOT_CANCELLABLE", "CAMPAIGN_NOT_FOUND", "INVALID_FILE_NAME"],
    )
    triggerWavePrep = Operation(
        JSON,
        campaignId=graphene.ID(required=True),
        dateKey=graphene.String(required=True),
        reassign=graphene.Boolean(),
        orderByPreference=graphene.Boolean(),
        singleMarket=graphene.Boolean(),
        randomSelection=graphene.Boolean(),
        minScore=graphene.Float(),
        maxScore=graphene.Float(),
        seed=graphene.String(
            description=(
                "Replay a recorded lottery: the seed of an earlier run (digits, 0 to 2^63-1; returned as "
                "`seed`). Same inputs and seed give the same allocation and input hash. Omitted: a fresh "
                "random seed. Bad value: VALIDATION_ERROR `INVALID_SEED`."
            )
        ),
        resolver=resolve_trigger_wave_prep,
        access=campaign_action("select"),
        summary="Queue a wave prep: rank the eligible fans of every market (score, lottery with a seed, preference order) and reserve their codes for dateKey; answers the wave prep, PENDING until a worker finishes it "
        "({campaignId, dateKey, status, seed, params}, and replayOf {dateKey, algorithmVersion, note} when the seed "
        "replays an earlier run recorded under other selection rules).",
        errors=[
            "CAMPAIGN_NOT_FOUND",
            "invalidCampaignStatus",
            "INVALID_SCORE",
            "INVALID_SCORE_RANGE",
            "INVALID_SEED",
            "WAVE_PREP_IN_PROGRESS",
            "SELECTION_IN_PROGRESS",
            "WAVE_PREP_ALREADY_SELECTED",
            "LOCK_TIMEOUT",
            "InvalidDateKey",
        ],
    )
    triggerSelection = Operation(
        JSON,
        campaignId=graphene.ID(required=True),
        marketIds=graphene.List(graphene.ID, required=True),
        resolver=resolve_trigger_selection,
        access=campaign_action("select"),
        summary="Apply the latest finished wave prep to markets: assign the reserved codes to the selected fans and notify them; one selection stat per market tracks it.",
        errors=[
            "CAMPAIGN_NOT_FOUND",
            "MISSING_MARKET_IDS",
            "UNKNOWN_MARKET",
            "NO_FINISHED_WAVE_PREP",
            "MARKET_NOT_IN_WAVE_PREP",
            "SELECTION_IN_PROGRESS",
            "WAVE_PREP_IN_PROGRESS",
            "WAVE_PREP_STALE",
            "LOCK_TIMEOUT",
        ],
    )
