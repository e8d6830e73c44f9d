"""Text repair and shape: ftfy, line endings, paragraphs, hyphen joins, hard-wrapped plain text."""
from __future__ import annotations

from ctrack.ingest import read
from ctrack.ingest.clean import join_lines, normalize, paragraphs_to_text, unwrap


def test_normalize_repairs_and_shapes():
    raw = "  Title\u00a0line \r\n\r\n\r\n\tBody\u200b text with mojibake: CafÃ©.  \rEnd\u2028  \n\n\n"
    assert normalize(raw) == "Title line\n\nBody text with mojibake: Café.\nEnd"


def test_normalize_blank():
    assert normalize(" \n\t\r\n ") == ""


def test_paragraphs_to_text():
    assert paragraphs_to_text(["  One ", "", "Two\nlines", "   "]) == "One\n\nTwo\nlines"


def test_join_lines_hyphens():
    assert join_lines(["prosecu-", "tors and inter-", "national partners"]) == "prosecutors and international partners"
    assert join_lines(["counter-", "terrorism"]) == "counter-terrorism"  # known prefix
    assert join_lines(["the Asia-", "Pacific region"]) == "the Asia-Pacific region"  # capitalized second part
    assert join_lines(["2019-", "2020 cycle"]) == "2019-2020 cycle"
    assert join_lines(["six countries -", "Benin and Chad"]) == "six countries - Benin and Chad"


def test_join_lines_uses_document_evidence():
    context = "The cross-border project and the crossborder team."
    assert join_lines(["a cross-", "border project"], context) == "a cross-border project"
    assert join_lines(["re-", "integration"], "reintegration of returnees") == "reintegration"
    assert join_lines(["re-", "integration"], "re-integration of returnees") == "re-integration"


def test_unwrap_hard_wrapped_text():
    wrapped = (
        "CTED visits Uzbekistan\n"
        "Date: 5 March 2021\n\n"
        "TASHKENT - The Counter-Terrorism Committee Executive Directorate today\n"
        "concluded a visit to Uzbekistan, where it held talks with the Ministry of\n"
        "Foreign Affairs, the State Security Service and the General Prosecutor's\n"
        "Office on the implementation of Security Council resolutions.\n\n"
        "The delegation also met representatives of civil society organizations\n"
        "and of the United Nations country team."
    )
    assert unwrap(normalize(wrapped)) == (
        "CTED visits Uzbekistan\n"
        "Date: 5 March 2021\n\n"
        "TASHKENT - The Counter-Terrorism Committee Executive Directorate today concluded a visit to "
        "Uzbekistan, where it held talks with the Ministry of Foreign Affairs, the State Security Service "
        "and the General Prosecutor's Office on the implementation of Security Council resolutions.\n\n"
        "The delegation also met representatives of civil society organizations and of the United Nations "
        "country team."
    )


def test_unwrap_leaves_unwrapped_text_alone():
    text = "Short title\nDate: 5 March 2021\n\n" + "A long paragraph line. " * 10
    assert unwrap(normalize(text)) == normalize(text)


def test_read_txt_offsets_refer_to_text(tmp_path):
    path = tmp_path / "crlf.txt"
    path.write_bytes("Title\r\n\r\nCTED met \u201cpartners\u201d in Vienna.\r\n".encode("utf-8"))
    doc = read(path)
    assert doc.text == 'Title\n\nCTED met "partners" in Vienna.'
    start = doc.text.index("Vienna")
    assert doc.text[start:start + 6] == "Vienna"


def test_unwrap_never_joins_a_date_line_or_list_item():
    wrapped = (
        "OSCE and Tajikistan hold conference on countering terrorist financing\n"
        "Date: 15 November 2019\n\n"
        "DUSHANBE - Experts from financial intelligence units and law enforcement\n"
        "agencies of the region met for two days to compare their practices:\n"
        "- tracing cash couriers and monitoring money transfer services;\n"
        "- sharing financial intelligence across the borders of the region.\n"
        "The conference was organized by the OSCE Programme Office in Dushanbe."
    )
    lines = unwrap(normalize(wrapped)).split("\n")
    assert lines[0] == "OSCE and Tajikistan hold conference on countering terrorist financing"
    assert lines[1] == "Date: 15 November 2019"
    assert lines[3] == ("DUSHANBE - Experts from financial intelligence units and law enforcement agencies of the "
                        "region met for two days to compare their practices:")
    assert lines[4].startswith("- tracing") and lines[5].startswith("- sharing")
