"""The API's foundation: tokens, scopes, revocation, rate limits and the schema pages."""

from __future__ import annotations

import pytest
from django.core.management import call_command
from django.urls import reverse

from api.models import ApiToken, TokenScope
from api.services import api_token_revoke

pytestmark = pytest.mark.django_db


class TestSchemaPages:
    def test_the_schema_and_the_docs_are_served_from_this_server(self, client):
        schema = client.get("/api/schema/")
        assert schema.status_code == 200
        assert b"openapi: 3" in schema.content
        docs = client.get("/api/docs/")
        assert docs.status_code == 200
        assert b"cdn" not in docs.content.lower() and b"static/drf_spectacular_sidecar" in docs.content
        assert client.get("/api/redoc/").status_code == 200


class TestTokens:
    def test_a_token_is_stored_as_a_digest_and_shown_once(self, people, token_for):
        token, key = token_for(people["unit_staff"], TokenScope.READ)
        assert key.startswith("dbt_") and len(key) > 40
        assert token.prefix == key[:12] and key not in token.digest
        assert ApiToken.objects.get(pk=token.pk).scope == "read"

    def test_a_revoked_token_is_refused(self, people, token_for, settings):
        token, key = token_for(people["supervisor"])
        from rest_framework.test import APIClient

        client = APIClient()
        client.credentials(HTTP_AUTHORIZATION=f"Bearer {key}")
        url = reverse("api:api-root")
        assert client.get(url).status_code == 200
        api_token_revoke(actor=people["admin"], token=token)
        response = client.get(url)
        assert response.status_code == 401
        assert response.json()["detail"] == "令牌无效或已吊销。"

    def test_a_wrong_token_and_no_token_are_refused(self, anonymous):
        url = reverse("api:api-root")
        assert anonymous.get(url).status_code in (401, 403)
        anonymous.credentials(HTTP_AUTHORIZATION="Bearer dbt_nonsense")
        assert anonymous.get(url).status_code == 401

    def test_only_an_admin_issues_tokens(self, people):
        from django.core.exceptions import PermissionDenied

        from api.services import api_token_issue

        with pytest.raises(PermissionDenied):
            api_token_issue(actor=people["supervisor"], user=people["supervisor"], name="自己签发")

    def test_the_command_issues_lists_and_revokes(self, people, capsys):
        call_command("api_token", "issue", "--user", "t_supervisor", "--name", "OA对接", "--scope", "read")
        out = capsys.readouterr().out
        key = out.strip().splitlines()[-1]
        token = ApiToken.objects.get(prefix=key[:12])
        call_command("api_token", "list")
        assert token.prefix in capsys.readouterr().out
        call_command("api_token", "revoke", token.prefix)
        token.refresh_from_db()
        assert token.revoked_at is not None


class TestRateLimits:
    def test_each_token_has_its_own_budget(self, people, token_for, settings):
        from django.core.cache import cache
        from rest_framework.test import APIClient

        cache.clear()
        _token, key = token_for(people["supervisor"], rate="3/min")
        limited = APIClient()
        limited.credentials(HTTP_AUTHORIZATION=f"Bearer {key}")
        _other, other_key = token_for(people["leader"])
        other = APIClient()
        other.credentials(HTTP_AUTHORIZATION=f"Bearer {other_key}")
        url = reverse("api:api-root")
        assert [limited.get(url).status_code for _ in range(4)] == [200, 200, 200, 429]
        assert other.get(url).status_code == 200


class TestUpdatedSince:
    @pytest.mark.parametrize(
        "value", ["0051-03-11T03:40:33.7-17:16", "0105-12-10T00:50:13.9+16:38", "2020-09-30T08:00:00+08:00"]
    )
    def test_any_offset_python_reads_is_answered_without_a_server_error(self, api, value):
        response = api("supervisor").get("/api/v1/units/", {"updated_since": value})
        assert response.status_code == 200

    @pytest.mark.parametrize("value", ["yesterday", "0001-01-01T00:00:00+14:00"])
    def test_a_moment_that_cannot_be_read_is_a_400(self, api, value):
        response = api("supervisor").get("/api/v1/units/", {"updated_since": value})
        assert response.status_code == 400
        assert "updated_since" in response.json()
