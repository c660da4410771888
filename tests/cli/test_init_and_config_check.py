"""`tandem init DIR` writes a company that `tandem config check` accepts; bad content is named file by file."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from tandem.cli import main

SECRET = "x" * 48


@pytest.fixture
def company(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("TANDEM_SECRET_KEY", SECRET)
    monkeypatch.delenv("TANDEM_CONFIG", raising=False)
    result = CliRunner().invoke(main, ["init", str(tmp_path / "acme"), "--company", "Acme Bikes"])
    assert result.exit_code == 0, result.output
    return tmp_path / "acme"


def check(config: Path, *extra: str) -> tuple[int, str]:
    result = CliRunner().invoke(main, ["--config", str(config), "config", "check", *extra])
    return result.exit_code, result.output


def test_init_writes_a_company_that_config_check_accepts(company: Path) -> None:
    assert (company / "tandem.toml").read_text().count("Acme Bikes") >= 2
    code, out = check(company / "tandem.toml", "--json")
    assert code == 0, out
    report = json.loads(out)
    assert report["settings"]["company"]["name"] == "Acme Bikes"
    assert report["settings"]["secret_key"] == "********" and SECRET not in out
    assert report["articles"] == 5 and report["banks"] == {"general": 3, "billing": 3, "complaints": 3}
    assert report["warnings"] == []
    code, out = check(company / "tandem.toml")
    assert code == 0 and "configuration OK" in out and 'company.name = "Acme Bikes"' in out


def test_init_refuses_to_overwrite(company: Path) -> None:
    result = CliRunner().invoke(main, ["init", str(company)])
    assert result.exit_code == 1 and "already has tandem.toml" in result.output


def test_a_question_citing_a_missing_article_is_named(company: Path) -> None:
    bank = company / "certification" / "billing.yaml"
    bank.write_text(bank.read_text().replace("article: invoices", "article: invoice-archive"))
    code, out = check(company / "tandem.toml")
    assert code == 1
    assert "billing: question 'billing-02' cites article 'invoice-archive', which is not in the help center" in out


def test_every_bad_file_is_listed(company: Path) -> None:
    (company / "help-center" / "broken.md").write_text("no front matter here\n")
    (company / "help-center" / "untitled.md").write_text("---\nid: untitled\n---\nBody\n")
    (company / "certification" / "general.yaml").write_text("topic: general\nquestions:\n  - question: Q?\n"
                                                            "    options: [a, b]\n    answer: c\n"
                                                            "    article: contact-us\n")
    code, out = check(company / "tandem.toml")
    assert code == 1
    assert "broken.md: must start with a '---' line" in out
    assert "untitled.md: front matter needs a non-empty 'title'" in out
    (company / "help-center" / "broken.md").unlink()
    (company / "help-center" / "untitled.md").unlink()
    code, out = check(company / "tandem.toml")
    assert code == 1 and "general.yaml: question 1: answer 'c' is not one of the options" in out


def test_bad_key_exits_with_the_key_named(company: Path) -> None:
    path = company / "tandem.toml"
    path.write_text(path.read_text().replace('primary_color = "#0f766e"', 'primary_color = "green"'))
    code, out = check(path)
    assert code == 1 and "widget.primary_color: String should match pattern" in out
