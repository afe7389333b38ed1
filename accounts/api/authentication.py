"""DRF authentication: ``Authorization: Bearer <our session JWT>`` (the same token GraphQL issues)."""

from drf_spectacular.extensions import OpenApiAuthenticationExtension
from rest_framework import authentication, exceptions

from accounts.fan_cache import fan_for_token
from monoql.errors import Unauthenticated


class BearerJWTAuthentication(authentication.BaseAuthentication):
    """Resolve the Fan of a bearer token; no header means anonymous, a bad token is 401."""

    keyword = "bearer"

    def authenticate(self, request):
        header = request.headers.get("Authorization", "")
        if not header.lower().startswith(f"{self.keyword} "):
            return None
        token = header[len(self.keyword) + 1 :].strip()
        try:
            fan = fan_for_token(request._request, token)
        except Unauthenticated as error:
            raise exceptions.AuthenticationFailed({"message": error.message, "reason": error.reason}) from error
        return fan, fan._session_claims

    def authenticate_header(self, request):
        return 'Bearer realm="monoql"'


class BearerJWTScheme(OpenApiAuthenticationExtension):
    """Describes BearerJWTAuthentication in the OpenAPI schema."""

    target_class = "accounts.api.authentication.BearerJWTAuthentication"
    name = "bearerJWT"

    def get_security_definition(self, auto_schema):
        return {"type": "http", "scheme": "bearer", "bearerFormat": "JWT"}
