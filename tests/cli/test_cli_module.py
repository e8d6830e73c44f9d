"""``python -m ctrack`` runs the same command line as the ``ctrack`` script."""
from __future__ import annotations

import subprocess
import sys


def test_python_m_ctrack_runs_the_cli(tmp_path):
    """A command through ``python -m ctrack`` does its work: ``extract`` of an example document prints its
    record (a member state among its actors)."""
    doc = tmp_path / "note.txt"
    doc.write_text("VIENNA, 4 May 2023 - The OSCE held a workshop on border security with Kazakhstan.\n")
    done = subprocess.run([sys.executable, "-m", "ctrack", "extract", str(doc)], capture_output=True, text=True,
                          timeout=300)
    assert done.returncode == 0, done.stderr
    assert '"KAZ"' in done.stdout
