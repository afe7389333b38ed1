"""Root query field ``viewer`` (catalog §1.2)."""

import graphene

from accounts.graphql.inputs import IdentityAuth
from accounts.graphql.sign_in import sign_in_with_any_token
from accounts.graphql.types import Viewer, ViewerState
from monoql.graphql.context import current_fan


class AccountsQuery(graphene.ObjectType):
    viewer = graphene.Field(Viewer, auth=IdentityAuth())

    @staticmethod
    def resolve_viewer(root, info, auth=None):
        if auth and auth.get("token"):
            return sign_in_with_any_token(info, auth["token"])
        return ViewerState(current_fan(info))
