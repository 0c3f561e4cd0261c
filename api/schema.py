"""What the OpenAPI schema says about our own parts: the Bearer token."""

from __future__ import annotations

from drf_spectacular.extensions import OpenApiAuthenticationExtension


class TokenAuthenticationScheme(OpenApiAuthenticationExtension):
    """Document `Authorization: Bearer <token>` as the machines' security scheme."""

    target_class = "api.authentication.TokenAuthentication"
    name = "tokenAuth"

    def get_security_definition(self, auto_schema):
        return {
            "type": "http",
            "scheme": "bearer",
            "description": "接口令牌：manage.py api_token issue 签发 / API token issued with manage.py api_token issue",
        }
