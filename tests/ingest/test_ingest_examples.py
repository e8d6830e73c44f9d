"""Every file in examples/ reads with the expected title and publication date."""
from __future__ import annotations

import datetime as dt

import pytest
from ingest_fixtures import EXAMPLES

from ctrack.ingest import iter_files, read
from ctrack.schema import DocFormat

EXPECTED = {
    "cted-assessment-visit-kyrgyzstan": (
        "CTED carries out assessment visit to Kyrgyzstan on behalf of the Counter-Terrorism Committee",
        dt.date(2018, 11, 2), DocFormat.TXT),
    "uncct-workshop-nairobi-soft-targets": (
        "Kenyan officials trained on protecting crowded places against terrorist attack",
        dt.date(2019, 6, 14), DocFormat.TXT),
    "ctc-open-briefing-terrorism-financing": (
        "Counter-Terrorism Committee holds open briefing on the financing of terrorism", None, DocFormat.TXT),
    "uzbekistan-national-strategy-launch": (
        "Uzbekistan presents its national strategy on countering extremism and terrorism to international partners",
        dt.date(2021, 8, 5), DocFormat.TXT),
    "osce-conference-dushanbe-terrorist-financing": (
        "OSCE conference in Dushanbe steps up regional work against terrorist financing",
        dt.date(2019, 11, 15), DocFormat.HTML),
    "kyrgyz-fm-meets-unoct-usg": (
        "Foreign Minister Chingiz Aidarbekov meets UN Under-Secretary-General for Counter-Terrorism Vladimir Voronkov",
        dt.date(2019, 7, 16), DocFormat.DOCX),
}


def test_examples_folder_lists_all():
    assert sorted(p.stem for p in iter_files([EXAMPLES])) == sorted(EXPECTED)


@pytest.mark.parametrize("stem", EXPECTED, ids=str)
def test_example_reads(stem):
    path = next(p for p in iter_files([EXAMPLES]) if p.stem == stem)
    title, published, fmt = EXPECTED[stem]
    doc = read(path)
    assert doc.format is fmt
    assert doc.title == title
    assert doc.published == published
    assert 150 <= len(doc.text.split()) <= 350


def test_html_example_has_no_furniture():
    doc = read(EXAMPLES / "osce-conference-dushanbe-terrorist-financing.html")
    for noise in ["cookies", "Allow all", "Front page", "Latest from the region", "Border guards", "Share this story",
                  "Last updated", "All rights reserved", "Get the Digest", "Central Asia Security Digest"]:
        assert noise not in doc.text, noise
    assert "Delegations from 11 OSCE participating States" in doc.text
    assert doc.text.endswith("an annual meeting of the region's financial intelligence units.")
