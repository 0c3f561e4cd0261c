"""The API keeps its published contract: schemathesis drives every operation of the served schema.

A stateless run over the plan history of tests/exports/conftest.py, once with a supervisor's read-write
token and once with a school's: no response may be a server error, and every response must have a status
and a body the schema declares. The path parameters mix generated values with the ids of real rows so the
found and the not-found branches both run.
"""

from __future__ import annotations

import re

import hypothesis
import pytest
import requests
import schemathesis
from django.core.cache import cache
from hypothesis import strategies as st
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from api.models import TokenScope
from notifications.models import Notification
from plans.models import Assignment, Escalation, Plan, ProgressReport, Reminder, Task

MAX_EXAMPLES = 20
CHECKS = [not_a_server_error, status_code_conformance, content_type_conformance, response_schema_conformance]
CLIENTS = ("supervisor", "unit_staff")  # the bureau's read-write token and a school's
ID_MODELS = (Plan, Task, Assignment, ProgressReport, Escalation, Reminder, Notification)


@pytest.fixture
def unthrottled(settings):
    """Let the run make its thousand requests without meeting the rate limit."""
    settings.API_TOKEN_RATE = "100000/min"
    settings.API_USER_RATE = "100000/min"
    cache.clear()


@pytest.fixture
def served_schema(transactional_db, live_server, history, unthrottled):
    """Load the schema the live server serves, as a client would."""
    return schemathesis.openapi.from_url(f"{live_server.url}/api/schema/?format=json")


def _known_ids() -> list[int]:
    """Return the ids of the history's rows, smallest first, for path parameters that find something."""
    ids = {pk for model in ID_MODELS for pk in model.objects.values_list("pk", flat=True)}
    return sorted(ids)[:12]


def _strategy(operation, ids: list[int]) -> st.SearchStrategy:
    """Generate cases with free path parameters, and with every integer path parameter set to a real id."""
    strategies = [operation.as_strategy()]
    names = [param.name for param in operation.path_parameters]
    if names:
        strategies += [operation.as_strategy(path_parameters=dict.fromkeys(names, pk)) for pk in ids]
    return st.one_of(strategies)


def _run_operation(operation, base_url: str, headers: dict[str, str], ids: list[int]) -> list[str]:
    """Run the operation's examples; return one description per distinct failure (what broke, request, answer)."""
    session = requests.Session()
    found: dict[tuple[str, int], str] = {}

    @hypothesis.settings(
        max_examples=MAX_EXAMPLES,
        deadline=None,
        database=None,
        derandomize=True,
        phases=[hypothesis.Phase.explicit, hypothesis.Phase.generate],
        suppress_health_check=list(hypothesis.HealthCheck),
    )
    @hypothesis.given(case=_strategy(operation, ids))
    def run(case) -> None:
        response = case.call(base_url=base_url, session=session, headers=headers)
        try:
            case.validate_response(response, checks=CHECKS, headers=headers)
        except (Exception, BaseExceptionGroup) as exc:  # a broken check: keep the first example of each kind
            for title, message in _failures(exc):
                key = (title, response.status_code)
                if key not in found and not (response.status_code >= 500 and title == "Undocumented status code"):
                    found[key] = (
                        f"{operation.label}: {title}\n  {_request(case, base_url)}\n  -> {_answer(response)}"
                        f"\n  {message}"
                    )

    run()
    return list(found.values())


def _failures(exc: BaseException) -> list[tuple[str, str]]:
    """Return (title, first lines of the message) of each failure a check raised, alone or in a group."""
    failures = exc.exceptions if isinstance(exc, BaseExceptionGroup) else (exc,)
    return [
        (
            getattr(failure, "title", type(failure).__name__),
            " ".join(str(getattr(failure, "message", failure)).split())[:400],
        )
        for failure in failures
    ]


def _request(case, base_url: str) -> str:
    """Return the request as a curl command (the token left out)."""
    return case.as_curl_command(base_url=base_url).replace("-H 'Cookie: sessionid=[Filtered]' ", "")


def _answer(response) -> str:
    """Return the status and the start of the body (an HTML error page named, not shown)."""
    body = "(the HTML error page)" if response.text.lstrip().startswith("<") else response.text[:300]
    return f"{response.status_code} {body}"


@pytest.mark.parametrize("role", CLIENTS)
def test_every_operation_answers_as_the_schema_says(served_schema, live_server, people, token_for, role):
    _token, key = token_for(people[role], TokenScope.WRITE)
    headers = {"Authorization": f"Bearer {key}"}
    ids = _known_ids()
    operations = [result.ok() for result in served_schema.get_all_operations()]
    assert operations, "the schema lists no operation"

    failures = [failure for op in operations for failure in _run_operation(op, live_server.url, headers, ids)]

    assert not failures, f"{len(failures)} failures over {len(operations)} operations:\n\n" + "\n\n".join(failures)


# ---- the doors: refused without a token, the schema and its pages open to all ---------------------------


def _data_paths(client) -> list[str]:
    """Return every GET path of /api/v1/ in the served schema, path parameters filled with 1."""
    schema = client.get("/api/schema/?format=json").json()
    paths = [path for path, item in schema["paths"].items() if path.startswith("/api/v1/") and "get" in item]
    return [re.sub(r"\{[^}]+\}", "1", path) for path in paths]


@pytest.mark.django_db
def test_every_data_endpoint_refuses_a_request_without_a_token(client, history):
    paths = ["/api/v1/", *_data_paths(client)]

    refused = {path: client.get(path).status_code for path in paths}

    assert {path: status for path, status in refused.items() if status not in (401, 403)} == {}


@pytest.mark.django_db
def test_every_data_endpoint_refuses_a_wrong_token(client):
    paths = ["/api/v1/", *_data_paths(client)]

    answers = {path: client.get(path, HTTP_AUTHORIZATION="Bearer dbt_not-a-token").status_code for path in paths}

    assert set(answers.values()) == {401}


@pytest.mark.django_db
def test_an_invalid_cursor_is_answered_with_a_status_the_schema_declares(client, people, token_for):
    _token, key = token_for(people["supervisor"])
    schema = client.get("/api/schema/?format=json").json()
    lists = [path for path, item in schema["paths"].items() if "cursor" in str(item.get("get", {}).get("parameters"))]

    answers = {
        path: client.get(f"{path}?cursor=not-a-cursor", HTTP_AUTHORIZATION=f"Bearer {key}").status_code
        for path in lists
    }

    assert lists
    assert {
        path: status for path, status in answers.items() if str(status) not in schema["paths"][path]["get"]["responses"]
    } == {}


@pytest.mark.django_db
def test_the_schema_and_its_pages_open_without_a_token(client):
    assert client.get("/api/schema/").status_code == 200
    assert client.get("/api/schema/?format=json").json()["openapi"].startswith("3.")
    assert client.get("/api/docs/").status_code == 200
    assert client.get("/api/redoc/").status_code == 200
