"""Input types of the auth operations (catalog §1.5)."""

import graphene


class IdentityAuth(graphene.InputObjectType):
    """Credentials to sign in with: an identity token from the identity provider (or, on ``viewer``, our own
    session JWT)."""

    token = graphene.String(description="The identity token (a JWT signed by the identity provider).")


class ViewerInput(graphene.InputObjectType):
    """Profile values a fan site may send with ``authenticate``; the identity token's claims win."""

    firstName = graphene.String(description="First name, used when the identity token gives none.")
    lastName = graphene.String(description="Last name, used when the identity token gives none.")
    email = graphene.String(description="Email address, used when the identity token gives none.")
    phone = graphene.String(description="Phone number in any common format; stored in E.164 form.")
    zip = graphene.String(description="Postal code, used when the identity token gives none.")
