"""/metrics (Prometheus): GraphQL requests and latency by operation, errors by code, task outcomes, queue
depth; the optional bearer token; request logs carry the user id and no personal data."""

import json
import re

import pytest
from django.test import Client

from conftest import session_token_for

pytestmark = pytest.mark.django_db


def _metric(body: str, name: str, **labels) -> float:
    wanted = ",".join(f'{key}="{value}"' for key, value in labels.items())
    for line in body.splitlines():
        if line.startswith(f"{name}{{") and all(f'{k}="{v}"' in line for k, v in labels.items()):
            return float(line.rsplit(" ", 1)[1])
    raise AssertionError(f"{name}{{{wanted}}} not in /metrics")


def test_metrics_count_graphql_operations_latency_and_errors(gql):
    # given the counters before
    before = Client().get("/metrics").content.decode()
    ok_before = _counter(before, "monoql_graphql_requests_total", operation="FanPage", status="200")
    errors_before = _counter(before, "monoql_errors_total", code="UNAUTHENTICATED")

    # when a named query succeeds twice and a staff-only query is refused once
    gql.execute("query FanPage { viewer { isLoggedIn } }")
    gql.execute("query FanPage { viewer { isLoggedIn } }")
    gql.execute('query Preps { wavePrepList(campaignId: "x") { status } }')

    # then /metrics counts them by operation, observes latency and counts the error by code
    response = Client().get("/metrics")
    body = response.content.decode()
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/plain")
    assert _counter(body, "monoql_graphql_requests_total", operation="FanPage", status="200") == ok_before + 2
    assert _counter(body, "monoql_errors_total", code="UNAUTHENTICATED") == errors_before + 1
    assert _metric(body, "monoql_graphql_request_seconds_count", operation="FanPage") >= 2
    assert "django_http_requests_total_by_method_total" in body
    assert "monoql_celery_queue_depth" in body


def _counter(body, name, **labels):
    try:
        return _metric(body, name, **labels)
    except AssertionError:
        return 0.0


def test_operation_names_are_bounded_labels(gql):
    gql.execute("query { viewer { isLoggedIn } }")
    gql.execute("query FanPage { viewer { isLoggedIn } }", headers={})
    body = Client().get("/metrics").content.decode()
    assert _counter(body, "monoql_graphql_requests_total", operation="anonymous", status="200") >= 1
    from monoql.observability import operation_label

    assert operation_label("x" * 200) == "other"
    assert operation_label("bad name") == "other"


def test_metrics_token_is_required_when_set(settings):
    settings.METRICS_TOKEN = "scrape-secret"
    assert Client().get("/metrics").status_code == 401
    assert Client().get("/metrics", HTTP_AUTHORIZATION="Bearer wrong").status_code == 401
    assert Client().get("/metrics", HTTP_AUTHORIZATION="Bearer scrape-secret").status_code == 200


def test_task_outcomes_are_counted():
    from monoql.celery import app

    before = _counter(
        Client().get("/metrics").content.decode(),
        "monoql_celery_tasks_total",
        task="campaigns.refresh_campaign_statuses",
        outcome="success",
    )
    app.tasks["campaigns.refresh_campaign_statuses"].delay()
    body = Client().get("/metrics").content.decode()
    assert (
        _counter(body, "monoql_celery_tasks_total", task="campaigns.refresh_campaign_statuses", outcome="success")
        == before + 1
    )


def test_request_log_has_user_id_and_no_personal_data(gql, caplog):
    from campaigns.models import Campaign

    campaign = Campaign.objects.create(name="Logged")
    token = session_token_for("reader", campaign)
    with caplog.at_level("INFO", logger="monoql.request"):
        gql.execute("query Who { viewer { id email } }", token=token, headers={"REMOTE_ADDR": "203.0.113.9"})
    record = next(r for r in caplog.records if r.name == "monoql.request")
    logged = json.dumps({key: str(value) for key, value in record.__dict__.items()})
    assert record.user_id and record.operation_name == "Who"
    assert "203.0.113.9" not in logged
    assert not re.search(r"[\w.+-]+@[\w-]+\.[\w.]+", logged)
