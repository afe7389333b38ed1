"""``authenticate`` and ``logout`` (catalog §1.3, §3.4)."""

import graphene

from accounts.graphql.inputs import IdentityAuth, ViewerInput
from accounts.graphql.sign_in import sign_in_with_identity_token
from accounts.graphql.types import Viewer
from monoql.graphql.context import viewer_session


def resolve_authenticate(root, info, credentials=None, viewerInput=None):
    """Verify the identity token (``credentials.token``), upsert the fan, issue our JWT (also as cookie)."""
    token = (credentials or {}).get("token")
    return sign_in_with_identity_token(info, token)


def resolve_logout(root, info):
    """Clear the session cookie; always true."""
    viewer_session(info).sign_out()
    return True


class AccountsMutation(graphene.ObjectType):
    authenticate = graphene.Field(
        Viewer, credentials=IdentityAuth(), viewerInput=ViewerInput(), resolver=resolve_authenticate
    )
    logout = graphene.Boolean(resolver=resolve_logout)
