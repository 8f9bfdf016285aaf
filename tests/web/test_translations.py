"""Every sentence of the pages exists in Dari and Pashto, not only in English."""

import re
from pathlib import Path

import pytest

from evac.i18n import language
from evac.intake.views import CATEGORIES, FIELD_HINTS, RELATIONSHIPS, SEXES
from evac.web.navigation import SECTIONS

TEMPLATES = Path(__file__).parents[2] / "src" / "evac" / "web" / "templates"
LITERAL = re.compile(r'_\(\s*"((?:[^"\\]|\\.)*)"\s*\)')


def page_sentences() -> set[str]:
    """The literal sentences of the templates, and those the form passes in as variables."""
    sentences = {
        m.group(1) for p in TEMPLATES.rglob("*.html") for m in LITERAL.finditer(p.read_text())
    }
    sentences |= set(FIELD_HINTS.values()) | set(RELATIONSHIPS)
    sentences |= {text for _, text in (*CATEGORIES, *SEXES)}
    sentences |= {section.label for section in SECTIONS}  # the header's links
    return sentences


@pytest.mark.parametrize("code", ["fa-AF", "ps"])
def test_every_page_sentence_is_translated(code):
    sentences = page_sentences()
    assert len(sentences) > 100  # the templates were found and read
    missing = sorted(s for s in sentences if s not in language(code).messages)
    assert missing == []
