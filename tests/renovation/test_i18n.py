"""Every catalogue is complete and compiled: Chinese is the default UI, so an untranslated
string is a bug a resident sees."""

import ast
import gettext
import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
CATALOGUES = sorted(
    p for p in ROOT.glob("*/locale/zh_Hans/LC_MESSAGES/django.po") if ".venv" not in p.parts
)
CATALOGUES += sorted(ROOT.glob("locale/zh_Hans/LC_MESSAGES/django.po"))


def _unquote(lines: str) -> str:
    return "".join(ast.literal_eval(line) for line in lines.split("\n") if line.strip())


def entries(po: Path):
    """(msgid, msgstr, flags) for each entry of a .po file."""
    text = po.read_text(encoding="utf-8")
    for block in text.split("\n\n"):
        flags = " ".join(line for line in block.splitlines() if line.startswith("#,"))
        lines = [line for line in block.splitlines() if not line.startswith("#")]
        joined = "\n".join(lines)
        match = re.search(r'^msgid ((?:".*"\n?)+)', joined, re.M)
        if not match:
            continue
        msgid = _unquote(match.group(1))
        strs = re.findall(r'^msgstr(?:\[\d\])? ((?:".*"\n?)+)', joined, re.M)
        msgstr = "".join(_unquote(s) for s in strs)
        if msgid:
            yield msgid, msgstr, flags


@pytest.mark.parametrize("po", CATALOGUES, ids=lambda p: str(p.relative_to(ROOT)))
def test_every_string_has_a_chinese_translation(po):
    untranslated = [msgid for msgid, msgstr, _ in entries(po) if not msgstr]
    fuzzy = [msgid for msgid, _, flags in entries(po) if "fuzzy" in flags]
    assert not untranslated, f"untranslated in {po}: {untranslated[:10]}"
    assert not fuzzy, f"fuzzy (unchecked) in {po}: {fuzzy[:10]}"


@pytest.mark.parametrize("po", CATALOGUES, ids=lambda p: str(p.relative_to(ROOT)))
def test_the_compiled_catalogue_is_up_to_date(po):
    mo = po.with_suffix(".mo")
    assert mo.exists(), f"{mo} is missing: run `make messages`"
    with mo.open("rb") as handle:
        catalogue = gettext.GNUTranslations(handle)._catalog
    compiled = {key[0] if isinstance(key, tuple) else key for key in catalogue}
    missing = [msgid for msgid, _, _ in entries(po) if msgid not in compiled]
    assert not missing, f"{mo} is stale, run `make messages`: {missing[:5]}"


def test_catalogues_exist_for_the_portal():
    assert len(CATALOGUES) >= 2
