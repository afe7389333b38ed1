"""GraphQL limits (issue 8 item 2): each refusal is a VALIDATION_ERROR naming the limit."""

import json

import pytest

from monoql.graphql import view

pytestmark = pytest.mark.django_db


def _ext(body):
    return [error["extensions"] for error in body["errors"]]


def test_a_too_deep_query_is_refused(gql, settings):
    settings.GRAPHQL_MAX_DEPTH = 4
    shallow = gql.execute("{ viewer { campaigns { list { id } } } }")
    deep = gql.execute(
        '{ viewer { campaign(id: "x") { ... on RegistrationCampaign { markets { event { venue { name } } } } } } }'
    )
    assert "errors" not in shallow, shallow
    assert _ext(deep) == [{"code": "VALIDATION_ERROR", "reason": "QUERY_TOO_DEEP", "limit": "QUERY_TOO_DEEP", "max": 4}]
    assert deep["errors"][0]["message"] == "The query is 6 levels deep; at most 4 are allowed."


def test_fragments_count_toward_depth_and_cycles_do_not_hang(gql, settings):
    settings.GRAPHQL_MAX_DEPTH = 2
    body = gql.execute("query { viewer { ...V } } fragment V on Viewer { campaigns { list { id } } }")
    assert _ext(body)[0]["reason"] == "QUERY_TOO_DEEP"
    cyclic = gql.execute("query { viewer { ...A } } fragment A on Viewer { ...B } fragment B on Viewer { ...A }")
    assert _ext(cyclic)[0]["code"] == "VALIDATION_ERROR"


def test_too_many_aliases_and_root_fields_are_refused(gql, settings):
    settings.GRAPHQL_MAX_ALIASES = 2
    settings.GRAPHQL_MAX_ROOT_FIELDS = 3
    aliases = gql.execute("{ a: viewer { id } b: viewer { id } c: viewer { id } }")
    roots = gql.execute("{ viewer { id } identity { url } ppc { url } promoters { id } }")
    assert {e["reason"] for e in _ext(aliases)} >= {"TOO_MANY_ALIASES"}
    assert _ext(roots) == [
        {"code": "VALIDATION_ERROR", "reason": "TOO_MANY_ROOT_FIELDS", "limit": "TOO_MANY_ROOT_FIELDS", "max": 3}
    ]


def test_introspection_can_be_switched_off(gql, settings):
    on = gql.execute("{ __schema { queryType { name } } }")
    settings.GRAPHQL_INTROSPECTION = False
    off = gql.execute("{ __schema { queryType { name } } }")
    assert on["data"]["__schema"]["queryType"]["name"] == "Query"
    assert _ext(off)[0]["reason"] == "INTROSPECTION_DISABLED"


def test_graphiql_can_be_switched_off(client, settings):
    assert b"graphiql" in client.get("/graphiql", HTTP_ACCEPT="text/html").content.lower()
    settings.GRAPHIQL_ENABLED = False
    assert b"graphiql" not in client.get("/graphiql", HTTP_ACCEPT="text/html").content.lower()


def test_batched_requests_are_refused(client):
    response = client.post("/graphql", '[{"query": "{ viewer { id } }"}]', content_type="application/json")
    assert response.status_code == 400
    assert response.json()["errors"][0]["extensions"]["code"] == "VALIDATION_ERROR"


def test_long_list_literals_and_variables_are_refused(gql, settings):
    settings.GRAPHQL_MAX_LIST_ITEMS = 3
    settings.GRAPHQL_MAX_VARIABLE_LIST_ITEMS = 5
    literal = gql.execute('mutation { triggerSelection(campaignId: "c", marketIds: ["a", "b", "c", "d"]) }')
    assert literal["errors"][0]["extensions"] == {
        "code": "VALIDATION_ERROR",
        "reason": "TOO_MANY_LIST_ITEMS",
        "limit": "TOO_MANY_LIST_ITEMS",
        "max": 3,
    }
    variable = gql.execute(
        'mutation S($m: [ID]!) { triggerSelection(campaignId: "c", marketIds: $m) }', {"m": list("abcdef")}
    )
    assert variable["errors"][0]["extensions"] == {
        "code": "VALIDATION_ERROR",
        "reason": "TOO_MANY_LIST_ITEMS",
        "limit": "TOO_MANY_LIST_ITEMS",
        "max": 5,
    }


def test_deeply_nested_json_variables_are_refused_without_recursion(gql, settings):
    settings.GRAPHQL_MAX_JSON_DEPTH = 32
    nested = {}
    for _ in range(40):
        nested = {"a": nested}
    body = gql.execute(
        'mutation E($e: JSON!) { upsertViewerEntry(campaignId: "c", locale: "en_US", entry: $e) { id } }',
        {"e": nested},
    )
    assert body["errors"][0]["extensions"]["reason"] == "JSON_TOO_DEEP"


def test_a_body_nested_past_the_parser_is_a_400_not_a_500(client):
    response = client.post("/graphql", data="[" * 100_000 + "]" * 100_000, content_type="application/json")
    assert response.status_code == 400
    assert response.json()["errors"][0]["extensions"]["code"] == "VALIDATION_ERROR"


def test_oversized_bodies_are_refused_with_413(client, settings):
    settings.GRAPHQL_MAX_BODY_BYTES = 1000
    response = client.post(
        "/graphql", data=json.dumps({"query": "{ viewer { id } }", "pad": "x" * 2000}), content_type="application/json"
    )
    assert response.status_code == 413
    assert response.json()["errors"][0]["extensions"] == {
        "code": "VALIDATION_ERROR",
        "reason": "REQUEST_TOO_LARGE",
        "limit": "REQUEST_TOO_LARGE",
        "max": 1000,
    }


def test_a_large_document_is_refused_before_it_is_parsed_and_never_cached(client):
    """Issue 33: a 4.4 MB query held a web worker 9-13 s; the document is bounded before parsing (and the
    document cache never holds an oversized text)."""
    before = view._parse_and_validate_cached.cache_info().currsize
    document = "{ viewer { " + "id " * 100_000 + "} }"  # 300 KB
    response = client.post("/graphql", data=json.dumps({"query": document}), content_type="application/json")
    error = response.json()["errors"][0]["extensions"]
    assert (error["code"], error["reason"], error["max"]) == ("VALIDATION_ERROR", "DOCUMENT_TOO_LARGE", 256 * 1024)
    assert view._parse_and_validate_cached.cache_info().currsize == before


def test_a_document_of_too_many_tokens_is_refused_while_it_is_parsed(client, settings):
    """graphql-core's max_tokens stops the parser itself: a document under the byte cap but of 60,000 tokens."""
    settings.GRAPHQL_MAX_TOKENS = 15_000
    document = "{ viewer { " + "id " * 60_000 + "} }"  # 180 KB, under the byte cap
    response = client.post("/graphql", data=json.dumps({"query": document}), content_type="application/json")
    error = response.json()["errors"][0]["extensions"]
    assert (error["reason"], error["max"]) == ("DOCUMENT_TOO_LARGE", 15_000)
    assert "more than 15000 tokens" in response.json()["errors"][0]["message"]
