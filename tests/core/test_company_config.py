"""tandem.toml: file < TANDEM_* < arguments, errors that name the key, relative paths, masking, the demo brand."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest

from tandem.core.settings import ConfigError, Settings, load_settings, masked


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "tandem.toml"
    path.write_text(text, encoding="utf-8")
    return path


@pytest.fixture(autouse=True)
def clean_env(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in ("TANDEM_CONFIG", "TANDEM_COMPANY__NAME", "TANDEM_PAY__BASE", "TANDEM_SIGNUP_MODE"):
        monkeypatch.delenv(name, raising=False)


def test_file_sections_load_and_variables_override_single_keys(tmp_path: Path,
                                                               monkeypatch: pytest.MonkeyPatch) -> None:
    path = write(tmp_path, 'languages = ["en", "DE"]\nsignup_mode = "invite"\n'
                           '[company]\nname = "Nordlys Energi"\nassistant_name = "Lys"\n'
                           '[pay]\nbase = 1.10\nper_minute = 0.20\n')
    s = load_settings(path)
    assert (s.company.name, s.company.assistant_name, s.languages) == ("Nordlys Energi", "Lys", ("en", "de"))
    assert (s.pay.base, s.pay.per_minute, s.signup_mode) == (Decimal("1.1"), Decimal("0.2"), "invite")
    monkeypatch.setenv("TANDEM_PAY__BASE", "2.50")
    monkeypatch.setenv("TANDEM_CONFIG", str(path))
    s = load_settings()  # the file from TANDEM_CONFIG, one key of a section from the environment
    assert (s.pay.base, s.pay.per_minute, s.company.name) == (Decimal("2.50"), Decimal("0.2"), "Nordlys Energi")
    assert s.config_file == path


def test_without_a_file_the_defaults_apply_with_todays_six_topics() -> None:
    s = load_settings()
    assert s.config_file is None
    assert s.topic_names == ("payments", "refunds", "disputes", "fraud", "hardship", "account")
    assert s.sensitive_topics == {"disputes", "fraud", "hardship"}
    assert "Kestrel" not in s.company.name and "Kestrel" not in s.company.assistant_name
    assert Settings(demo=True).company.name == "Kestrel Pay"  # only the demo is Kestrel Pay


@pytest.mark.parametrize(("text", "named"), [
    ("[pay]\nbase = -1\n", "pay.base: Input should be greater than or equal to 0"),
    ('[widget]\nprimary_color = "teal"\n', "widget.primary_color"),
    ("[pay]\nbonus = 3\n", "pay.bonus: Extra inputs are not permitted"),
    ('signup_mode = "anyone"\n', "signup_mode: Input should be 'open' or 'invite'"),
    ('general_topic = "shipping"\n', "general_topic: 'shipping' is not one of the topics"),
    ('[[topics]]\nname = "a"\n[[topics]]\nname = "a"\n', "each name once"),
    ('[intents]\ntopics = { refund = "nope" }\n', "intents.topics: maps to unknown topics ['refund -> nope']"),
    ('languages = ["english"]\n', "languages"),
])
def test_errors_name_the_key_and_say_what_is_wrong(tmp_path: Path, text: str, named: str) -> None:
    with pytest.raises(ConfigError) as err:
        load_settings(write(tmp_path, text))
    assert named in str(err.value)
    assert str(tmp_path / "tandem.toml") in str(err.value)


def test_unknown_top_level_key_and_broken_toml_are_refused(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="unknown key\\(s\\) compnay"):
        load_settings(write(tmp_path, '[compnay]\nname = "x"\n'))
    with pytest.raises(ConfigError, match="not valid TOML"):
        load_settings(write(tmp_path, "[company\n"))
    with pytest.raises(ConfigError, match="no such configuration file"):
        load_settings(tmp_path / "missing.toml")


def test_relative_paths_are_relative_to_the_file(tmp_path: Path) -> None:
    (tmp_path / "conf").mkdir()
    path = tmp_path / "conf" / "tandem.toml"
    path.write_text('data_dir = "var"\n[help_center]\nsource = "kb"\n[certification]\nbanks = "/abs/banks"\n')
    s = load_settings(path)
    assert s.help_center.source == tmp_path / "conf" / "kb"
    assert s.certification.banks == Path("/abs/banks")
    assert s.data_dir == tmp_path / "conf" / "var"


def test_masked_hides_secrets_and_url_passwords() -> None:
    s = Settings(secret_key="s" * 40, database_url="postgresql+psycopg://tandem:hunter2@db/tandem",
                 metrics_token="tok", llm_api_key="sk-123")  # type: ignore[arg-type]
    text = str(masked(s))
    assert "hunter2" not in text and "s" * 40 not in text and "sk-123" not in text and "'tok'" not in text
    assert masked(s)["database_url"] == "postgresql+psycopg://tandem:********@db/tandem"
