"""Every sentence of the pages exists in Dari and Pashto, not only in English."""

import re
from pathlib import Path

import pytest

from evac.i18n import language
from evac.intake.views import CATEGORIES, FIELD_HINTS, RELATIONSHIPS, SEXES
from evac.linkage.model import settings
from evac.linkage.review import COMPARISON_LABELS, STRONG_WEIGHT, _meaning
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
    return sentences | review_evidence()


def review_evidence() -> set[str]:
    """What the review page says of each comparison: its name, each level's label, and what
    its weight means (the model's labels reach the page as variables)."""
    comparisons = settings().get_settings("duckdb").as_dict()["comparisons"]
    levels = {
        level["label_for_charts"]
        for comparison in comparisons
        for level in comparison["comparison_levels"]
        if not level.get("is_null_level")
    }
    meanings = {_meaning(w) for w in (-2 * STRONG_WEIGHT, -1.0, 1.0, 2 * STRONG_WEIGHT)}
    return levels | set(COMPARISON_LABELS.values()) | meanings


@pytest.mark.parametrize("code", ["fa-AF", "ps"])
def test_every_page_sentence_is_translated(code):
    sentences = page_sentences()
    assert len(sentences) > 100  # the templates were found and read
    missing = sorted(s for s in sentences if s not in language(code).messages)
    assert missing == []
