"""E-mail (issue 9): an .eml's body and each attachment are documents; attachments carry the message as provenance."""
from __future__ import annotations

import json
from email.message import EmailMessage

from ingest_fixtures import PRESS_RELEASE_LINES, build_docx, build_pdf, docx_paragraph as P
from typer.testing import CliRunner

from ctrack.extract import extract
from ctrack.ingest import read, read_all
from ctrack.pipeline import extract_batch


def _message(tmp_path):
    msg = EmailMessage()
    msg["From"] = "Permanent Mission of Kazakhstan <mission@example.kz>"
    msg["To"] = "analyst@example.org"
    msg["Subject"] = "Note verbale and press release on the CTED visit"
    msg["Date"] = "Tue, 21 May 2019 09:30:00 +0600"
    msg.set_content("Dear colleagues,\n\nPlease find attached the press release on the assessment visit of the "
                    "Counter-Terrorism Committee Executive Directorate to Kazakhstan, and our note verbale.\n\n"
                    "Best regards,\nPermanent Mission of Kazakhstan\n")
    msg.add_attachment(build_pdf([PRESS_RELEASE_LINES]), maintype="application", subtype="pdf",
                       filename="press-release.pdf")
    note = build_docx([P("Note verbale"),
                       P("The Permanent Mission of Kazakhstan to the United Nations presents its compliments to the "
                         "Counter-Terrorism Committee Executive Directorate and has the honour to confirm that the "
                         "Government of Kazakhstan will host a regional workshop on countering the financing of "
                         "terrorism in Almaty from 10 to 12 September 2019.")])
    msg.add_attachment(note, maintype="application",
                       subtype="vnd.openxmlformats-officedocument.wordprocessingml.document", filename="note.docx")
    msg.add_attachment(b"\x89PNG\r\n\x1a\n", maintype="image", subtype="png", filename="logo.png")
    path = tmp_path / "mission-mail.eml"
    path.write_bytes(msg.as_bytes())
    return path


def test_body_and_each_attachment_are_documents(tmp_path):
    path = _message(tmp_path)
    found = read_all(path)
    assert [w for w, _ in found] == [str(path), f"{path}#press-release.pdf", f"{path}#note.docx"]
    body, release, note = (d for _, d in found)
    assert body.format.value == "eml" and body.title == "Note verbale and press release on the CTED visit"
    assert body.published.isoformat() == "2019-05-21" and "Please find attached" in body.text
    assert release.id == "mission-mail--press-release" and release.format.value == "pdf"
    assert release.provenance == {"message": str(path), "from": "Permanent Mission of Kazakhstan <mission@example.kz>",
                                  "date": "2019-05-21", "subject": "Note verbale and press release on the CTED visit"}
    assert release.published.isoformat() == "2019-05-20", "the attachment's own date first"
    assert note.published.isoformat() == "2019-05-21", "no date of its own: the message's"
    assert len({body.sha256, release.sha256, note.sha256}) == 3
    assert read(path).id == "mission-mail"


def test_facts_from_the_attachments(tmp_path):
    path = _message(tmp_path)
    outcomes = extract_batch([str(path)])
    assert len(outcomes) == 3 and all(o.record is not None for o in outcomes)
    release = outcomes[1].record
    visit = next(e for e in release.events if e.type.value == "assessment_visit")
    assert (visit.start, visit.end, visit.country) == ("2019-05-14", "2019-05-16", "KAZ")
    note = outcomes[2].record
    ws = next(e for e in note.events if e.type.value == "workshop")
    assert (ws.start, ws.end, ws.city, ws.country) == ("2019-09-10", "2019-09-12", "Almaty", "KAZ")


def test_ingest_stores_the_message_and_its_attachments(tmp_path):
    from ctrack.cli import app

    path = _message(tmp_path)
    db = f"sqlite:///{tmp_path / 'kb.sqlite3'}"
    run = CliRunner().invoke(app, ["ingest", str(path), "--db", db, "--json"], catch_exceptions=False)
    out = json.loads(run.output)
    assert run.exit_code == 0, run.output
    assert out["documents"]["new"] == 3 and out["knowledge_base"]["documents"] == 3
    again = json.loads(CliRunner().invoke(app, ["ingest", str(path), "--db", db, "--json"]).output)
    assert again["documents"]["new"] == 0 and again["knowledge_base"]["documents"] == 3
