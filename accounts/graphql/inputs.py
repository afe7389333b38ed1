"""Input types of the auth operations (catalog §1.5)."""

import graphene


class IdentityAuth(graphene.InputObjectType):
    token = graphene.String()


class ViewerInput(graphene.InputObjectType):
    firstName = graphene.String()
    lastName = graphene.String()
    email = graphene.String()
    phone = graphene.String()
    zip = graphene.String()
