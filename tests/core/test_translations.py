"""The English catalog: complete, compiled, and actually used when English is asked for."""

from __future__ import annotations

import gettext as gnu_gettext
import re
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from django.conf import settings
from django.utils import translation

CATALOG_DIR = Path(settings.LOCALE_PATHS[0]) / "en" / "LC_MESSAGES"
PO_PATH = CATALOG_DIR / "django.po"
MO_PATH = CATALOG_DIR / "django.mo"

PLACEHOLDER = re.compile(r"%\(\w+\)[sd]")
ESCAPES = {"n": "\n", "t": "\t", "r": "\r", '"': '"', "\\": "\\"}


@dataclass
class Entry:
    """One message of a .po file."""

    line: int
    flags: set[str] = field(default_factory=set)
    fields: dict[str, str] = field(default_factory=dict)

    @property
    def msgid(self) -> str:
        return self.fields["msgid"]

    @property
    def key(self) -> str:
        """The key gettext uses: the msgid, prefixed by its context if it has one."""
        context = self.fields.get("msgctxt")
        return self.msgid if context is None else f"{context}\x04{self.msgid}"

    @property
    def translations(self) -> dict[str, str]:
        """The msgstr fields: {"msgstr": ...} or {"msgstr[0]": ..., "msgstr[1]": ...}."""
        return {name: value for name, value in self.fields.items() if name.startswith("msgstr")}


def _unquote(text: str, where: str) -> str:
    text = text.strip()
    assert len(text) >= 2 and text[0] == text[-1] == '"', f"{where}: not a quoted string: {text!r}"
    return re.sub(r"\\(.)", lambda m: ESCAPES[m.group(1)], text[1:-1])


def parse_po(path: Path) -> list[Entry]:
    """Parse a .po file (header included, obsolete "#~" entries left out), without third-party packages."""
    entries: list[Entry] = []
    entry: Entry | None = None
    keyword = None
    for number, raw in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        line = raw.strip()
        where = f"{path.name}:{number}"
        if not line:
            entry, keyword = None, None
            continue
        if line.startswith("#~"):
            continue
        if entry is None or (line.startswith("#") and keyword is not None):
            entry, keyword = Entry(line=number), None
            entries.append(entry)
        if line.startswith("#,"):
            entry.flags.update(flag.strip() for flag in line[2:].split(",") if flag.strip())
        elif line.startswith("#"):
            continue
        elif line.startswith('"'):
            assert keyword is not None, f"{where}: continuation line without a keyword"
            entry.fields[keyword] += _unquote(line, where)
        else:
            keyword, _, rest = line.partition(" ")
            assert keyword in {"msgctxt", "msgid", "msgid_plural", "msgstr"} or re.fullmatch(
                r"msgstr\[\d+\]", keyword
            ), f"{where}: unexpected keyword {keyword!r}"
            entry.fields[keyword] = _unquote(rest, where)
    return [e for e in entries if "msgid" in e.fields]


@pytest.fixture(scope="module")
def po_entries() -> list[Entry]:
    assert PO_PATH.exists(), f"{PO_PATH} is missing; run makemessages -l en"
    return parse_po(PO_PATH)


@pytest.fixture(scope="module")
def messages(po_entries) -> list[Entry]:
    """The translatable entries, without the header."""
    return [e for e in po_entries if e.msgid != ""]


def test_catalog_has_entries(messages):
    assert len(messages) > 100


def test_every_entry_is_translated_and_not_fuzzy(po_entries, messages):
    fuzzy = [f"line {e.line}: {e.msgid!r}" for e in po_entries if "fuzzy" in e.flags]
    assert not fuzzy, "fuzzy entries (review them and remove the flag):\n" + "\n".join(fuzzy)
    untranslated = [
        f"line {e.line}: {e.msgid!r} [{name}]"
        for e in messages
        for name, value in e.translations.items()
        if not value.strip()
    ]
    assert not untranslated, "untranslated entries:\n" + "\n".join(untranslated)
    for entry in messages:
        if "msgid_plural" in entry.fields:
            assert set(entry.translations) == {"msgstr[0]", "msgstr[1]"}, f"line {entry.line}: {entry.msgid!r}"
        else:
            assert set(entry.translations) == {"msgstr"}, f"line {entry.line}: {entry.msgid!r}"


def test_msgids_are_unique(messages):
    keys = [e.key for e in messages]
    assert len(keys) == len(set(keys))


def test_placeholders_survive_translation(messages):
    problems = []
    for entry in messages:
        expected = sorted(PLACEHOLDER.findall(entry.msgid))
        for name, value in entry.translations.items():
            if sorted(PLACEHOLDER.findall(value)) != expected:
                problems.append(f"line {entry.line}: {entry.msgid!r} [{name}] = {value!r}")
    assert not problems, "placeholders differ between msgid and msgstr:\n" + "\n".join(problems)


def test_header_declares_english_and_two_plural_forms(po_entries):
    header = next(e for e in po_entries if e.msgid == "")
    assert "Language: en\n" in header.fields["msgstr"]
    assert "Plural-Forms: nplurals=2; plural=(n != 1);" in header.fields["msgstr"]


def test_compiled_catalog_matches_po(messages):
    """The committed .mo must be compiled from the current .po (CI does not run compilemessages)."""
    assert MO_PATH.exists(), f"{MO_PATH} is missing; run: manage.py compilemessages -l en --ignore=.venv"
    with MO_PATH.open("rb") as handle:
        compiled = gnu_gettext.GNUTranslations(handle)
    catalog = {key: value for key, value in compiled._catalog.items() if key != ""}

    expected: dict[object, str] = {}
    for entry in messages:
        if "msgid_plural" in entry.fields:
            for index in range(2):
                expected[(entry.key, index)] = entry.fields[f"msgstr[{index}]"]
        else:
            expected[entry.key] = entry.fields["msgstr"]

    singular_mismatches = [
        f"{key!r}: .po has {value!r}, .mo has {catalog.get(key)!r}"
        for key, value in expected.items()
        if isinstance(key, str) and catalog.get(key) != value
    ]
    hint = "\nthe .mo is stale; run: manage.py compilemessages -l en --ignore=.venv"
    assert not singular_mismatches, "\n".join(singular_mismatches) + hint
    assert catalog == expected, "the .mo holds different entries from the .po" + hint


def test_gettext_returns_english_under_override():
    with translation.override("en"):
        assert translation.gettext("单位名称") == "Unit name"
        assert translation.gettext("登录") == "Log in"
        assert translation.gettext("督查督办系统") == "Supervision Tracker"
        found = "发现 %(counter)s 处错误，改正后请重新上传"
        assert translation.ngettext(found, found, 1) % {"counter": 1} == (
            "Found 1 error. Please correct it and upload again."
        )
        assert translation.ngettext(found, found, 2) % {"counter": 2} == (
            "Found 2 errors. Please correct them and upload again."
        )
    with translation.override("zh-hans"):
        assert translation.gettext("单位名称") == "单位名称"


def test_login_page_in_english(client, db):
    response = client.get("/accounts/login/", HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 200
    assert response["Content-Language"] == "en"
    html = response.content.decode()
    assert "Log in" in html
    assert "Username" in html
    assert "Password" in html
    assert "登录" not in html


def test_login_page_in_default_language(client, db):
    response = client.get("/accounts/login/")
    assert response.status_code == 200
    assert response["Content-Language"] == settings.LANGUAGE_CODE
    html = response.content.decode()
    assert "登录" in html
    assert "Log in" not in html
