"""The OpenAPI schema and the interactive docs, which must work under the strict Content-Security-Policy."""

from html.parser import HTMLParser

from django.contrib.staticfiles import finders
from openapi_spec_validator import validate

DOCS = "/api/v1/docs"


class AssetCollector(HTMLParser):
    def __init__(self):
        super().__init__()
        self.scripts, self.stylesheets, self.inline_scripts, self.inline_styles, self.body = [], [], [], [], {}
        self._in_inline_script = False

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "script":
            if attrs.get("src"):
                self.scripts.append(attrs["src"])
            elif "nonce" not in attrs:
                self.inline_scripts.append(attrs)
        if tag == "link" and attrs.get("rel") == "stylesheet":
            self.stylesheets.append(attrs["href"])
        if tag == "style" or "style" in attrs:
            self.inline_styles.append(tag)
        if any(name.startswith("on") for name in attrs):
            self.inline_scripts.append(attrs)
        if tag == "body":
            self.body = attrs


def test_openapi_schema_is_valid_and_lists_every_route(client, db):
    response = client.get("/api/v1/openapi.json")

    assert response.status_code == 200
    schema = response.json()
    validate(schema)
    assert schema["openapi"].startswith("3.")
    operations = {(path, method) for path, item in schema["paths"].items() for method in item}
    assert operations == {
        ("/api/v1/members", "get"), ("/api/v1/members/{code}", "get"), ("/api/v1/bodies", "get"),
        ("/api/v1/bodies/{code}", "get"), ("/api/v1/bodies/{code}/seats", "get"), ("/api/v1/themes", "get"),
        ("/api/v1/resources", "get"), ("/api/v1/resources", "post"), ("/api/v1/resources/{resource_id}", "get"),
        ("/api/v1/me", "get"), ("/api/v1/me/needs", "get"), ("/api/v1/tokens", "get"), ("/api/v1/tokens", "post"),
        ("/api/v1/tokens/{token_id}", "delete"), ("/api/v1/audit-events", "get"),
        ("/api/v1/agencies", "get"), ("/api/v1/agencies/{agency_id}", "get"),
        ("/api/v1/focal-points", "get"), ("/api/v1/focal-points/{focal_point_id}", "get"),
        ("/api/v1/meetings", "get"), ("/api/v1/meetings/{meeting_id}", "get"),
        ("/api/v1/meetings/{meeting_id}/agenda", "get"), ("/api/v1/meetings/{meeting_id}/delegations", "get"),
        ("/api/v1/meetings/{meeting_id}/documents", "get"), ("/api/v1/meetings/{meeting_id}/outcomes", "get"),
        ("/api/v1/documents/{document_id}", "get"), ("/api/v1/documents/{document_id}/download", "get"),
        ("/api/v1/action-items", "get"), ("/api/v1/action-items/{action_id}", "get"),
        ("/api/v1/action-items/{action_id}/updates", "post"),
    }
    assert schema["components"]["securitySchemes"]["TokenAuth"] == {"type": "http", "scheme": "bearer"}
    components = schema["components"]["schemas"]
    page = components["PagedResourceListItemOut"]["properties"]
    assert set(page) == {"count", "next", "previous", "results"}
    assert page["results"]["items"] == {"$ref": "#/components/schemas/ResourceListItemOut"}
    assert {"summary", "summary_display", "url"}.isdisjoint(components["ResourceListItemOut"]["properties"])
    assert {"summary", "summary_display", "url"} <= set(components["ResourceOut"]["properties"])
    assert schema["components"]["schemas"]["ResourceIn"]["additionalProperties"] is False


def test_docs_page_has_no_inline_script_and_its_assets_are_served(client, db):
    # when
    response = client.get(DOCS)
    # then
    assert response.status_code == 200
    csp = response["Content-Security-Policy"]
    assert "script-src 'self'" in csp and "unsafe-inline" not in csp
    page = AssetCollector()
    page.feed(response.content.decode())
    assert page.inline_scripts == [] and page.inline_styles == []
    assert page.body["data-openapi-url"] == "/api/v1/openapi.json"
    assert page.scripts == ["/static/ninja/swagger-ui-bundle.js", "/static/api/docs.js"]
    assert page.stylesheets == ["/static/ninja/swagger-ui.css"]
    for url in page.scripts + page.stylesheets:
        assert url.startswith("/static/"), "assets are served by the site itself, never a CDN"
        assert finders.find(url.removeprefix("/static/")), url
        asset = client.get(url)
        assert asset.status_code == 200, url
        assert b"".join(asset.streaming_content) if asset.streaming else asset.content


def test_docs_init_script_reads_its_settings_from_the_page():
    with open(finders.find("api/docs.js"), encoding="utf-8") as script:
        source = script.read()

    assert "data.openapiUrl" in source
    assert "validatorUrl: null" in source  # no call to the online validator (no internet, strict CSP)


def test_docs_page_gives_signed_in_people_the_csrf_token_for_trying_routes(client, make_user, login):
    login(make_user("researcher"))

    response = client.get(DOCS)

    page = AssetCollector()
    page.feed(response.content.decode())
    assert len(page.body.get("data-csrf-token", "")) > 20
