"""``logout`` (catalog §1.3, §3.4). ``authenticate`` answers a Viewer: ``campaigns.graphql.viewer``."""

import graphene

from accounts.graphql.access import ANYONE, Operation
from accounts.session import viewer_session


def resolve_logout(root, info):
    """Clear the session cookie; always true."""
    viewer_session(info).sign_out()
    return True


class AccountsMutation(graphene.ObjectType):
    logout = Operation(
        graphene.Boolean,
        resolver=resolve_logout,
        access=ANYONE,
        summary="Sign out: revoke the session token presented (header or cookie) and clear the session cookie; "
        "always true.",
    )
