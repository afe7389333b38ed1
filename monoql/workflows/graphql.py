"""A fan's privacy through GraphQL (catalog §3.15; GDPR art. 15, CCPA): read everything stored about you,
and set your own ``doNotSell`` (the fan site's account page uses both)."""

import json

import graphene
from django.core.serializers.json import DjangoJSONEncoder

from accounts.graphql.access import SIGNED_IN, Operation
from accounts.session import require_fan
from entries.services.privacy import set_do_not_sell
from monoql.audit import Actor, Channel
from monoql.graphql.scalars import JSON
from monoql.workflows.privacy import fan_data


def resolve_viewer_personal_data(root, info):
    """The signed-in fan's data export. Raises Unauthenticated ``notLoggedIn``."""
    fan = require_fan(info)
    return json.loads(json.dumps(fan_data(fan.pk), cls=DjangoJSONEncoder))


class PrivacyQuery(graphene.ObjectType):
    viewerPersonalData = Operation(
        JSON,
        access=SIGNED_IN,
        summary="Everything monoql stores about the signed-in fan (GDPR art. 15, CCPA right to know), as "
        "{fanId, generatedAt (UTC ISO-8601), tables: {'app.model': [rows]}}.",
        resolver=resolve_viewer_personal_data,
    )


def resolve_set_viewer_do_not_sell(root, info, doNotSell):
    """Set the signed-in fan's ``doNotSell``; returns ``{doNotSell, entriesCleared}``. Audited (channel graphql)."""
    fan = require_fan(info)
    cleared = set_do_not_sell(fan.pk, bool(doNotSell), actor=Actor.fan_self(fan, Channel.GRAPHQL))
    return {"doNotSell": bool(doNotSell), "entriesCleared": cleared}


class PrivacyMutation(graphene.ObjectType):
    setViewerDoNotSell = Operation(
        JSON,
        doNotSell=graphene.Boolean(
            required=True, description="true: do not sell or share my data (clears my opt-ins); false: undo."
        ),
        access=SIGNED_IN,
        summary="The signed-in fan's 'Do not sell or share my personal information' choice (CCPA). Setting it "
        "clears the opt-ins of every entry and applies to the very next registration. Answers "
        "{doNotSell, entriesCleared}.",
        resolver=resolve_set_viewer_do_not_sell,
    )
