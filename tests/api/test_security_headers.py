"""Security headers: CSP with frame-ancestors (only /chat may be framed, by configured origins), nosniff,
Referrer-Policy, HSTS behind TLS; and no inline script left for the CSP to block (issue 14, finding 9)."""

from __future__ import annotations

from importlib import resources

from fastapi.testclient import TestClient

from tandem.api.app import create_app
from tandem.services.context import Services

STATIC = resources.files("tandem.web") / "static"


def _client(services: Services, **settings: object) -> TestClient:
    services.settings = services.settings.model_copy(update=settings)
    return TestClient(create_app(services, run_dispatcher=False))


def test_pages_carry_a_tight_policy_and_only_chat_may_be_framed(services: Services) -> None:
    client = _client(services, frame_origins="https://shop.example.com")
    for path in ("/ops", "/agent", "/staffing", "/supervisor", "/review", "/static/app.css"):
        headers = client.get(path).headers
        csp = headers["Content-Security-Policy"]
        assert "script-src 'self';" in csp and "style-src 'self';" in csp and "'unsafe-inline'" not in csp
        assert "frame-ancestors 'none'" in csp and headers["X-Frame-Options"] == "DENY"
        assert headers["X-Content-Type-Options"] == "nosniff"
        assert headers["Referrer-Policy"] == "strict-origin-when-cross-origin"
    chat = client.get("/chat").headers
    assert "frame-ancestors 'self' https://shop.example.com" in chat["Content-Security-Policy"]
    assert "X-Frame-Options" not in chat
    api = client.post("/api/conversations", json={"language": "en"}).headers
    assert api["X-Content-Type-Options"] == "nosniff" and "frame-ancestors 'none'" in api["Content-Security-Policy"]
    assert "Strict-Transport-Security" not in chat  # http: HSTS would be ignored, and wrong on a laptop


def test_hsts_behind_tls(services: Services) -> None:
    client = _client(services, public_url="https://support.example.com")
    assert client.get("/chat").headers["Strict-Transport-Security"] == "max-age=31536000"


def test_no_page_has_inline_script_or_handler_attributes() -> None:
    for page in STATIC.iterdir():
        if page.name.endswith(".html"):
            text = page.read_text()
            assert "<script>" not in text, page.name  # every script is a file: script-src 'self' allows it
            assert " onclick=" not in text and " onload=" not in text, page.name


def test_api_docs_are_off_in_production_and_policed_where_on(services: Services) -> None:
    import base64
    import hashlib
    import re

    from pydantic import SecretStr

    safe = {"env": "production", "demo": False, "secret_key": "s" * 40, "public_url": "https://support.example.com",
            "metrics_token": SecretStr("m" * 40)}
    prod = _client(services, **safe)
    assert prod.get("/docs").status_code == 404 and prod.get("/openapi.json").status_code == 404
    assert prod.get("/redoc").status_code == 404
    on = _client(services, **safe, api_docs=True)
    assert on.get("/openapi.json").status_code == 200
    r = on.get("/docs")
    assert r.status_code == 200 and "swagger" in r.text.lower()
    csp = r.headers["Content-Security-Policy"]
    script_src = next(d for d in csp.split("; ") if d.startswith("script-src"))
    assert "'unsafe-inline'" not in script_src and "frame-ancestors 'none'" in csp
    for inline in re.findall(r"<script>(.*?)</script>", r.text, re.S):  # every inline script is allowed by hash
        assert "'sha256-" + base64.b64encode(hashlib.sha256(inline.encode()).digest()).decode() + "'" in script_src
    for url in re.findall(r"<script[^>]+src=\"(https://[^\"]+)\"", r.text):  # and every external one by host
        assert "https://" + url.split("/")[2] in script_src
    assert _client(services, env="development").get("/docs").status_code == 200  # a laptop keeps them
