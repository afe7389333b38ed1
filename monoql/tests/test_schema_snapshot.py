"""schema.graphql is the committed contract: it must equal the live schema."""

from pathlib import Path

from django.conf import settings

from monoql.schema import schema


def test_committed_schema_matches_the_live_schema():
    committed = (Path(settings.BASE_DIR) / "schema.graphql").read_text()
    assert committed.strip() == str(schema).strip(), "schema.graphql is stale: run `make schema` and commit it"


def test_contract_names_are_kept_exactly():
    text = str(schema)
    for name in [
        "login_types: [String]",
        "is_optional: Boolean",
        "alt_text: String",
        "upsertViewerEntry(entry: JSON!, campaignId: String!, locale: String!): Viewer",
        "authenticate(credentials: IdentityAuth, viewerInput: ViewerInput): Viewer",
        'en_US: Content @deprecated(reason: "Use localized instead")',
    ]:
        assert name in text, name
