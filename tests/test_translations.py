"""Everything the interface says has its Arabic: the catalogue, brought up to date with the code
as `makemessages` would, holds no sentence left untranslated or marked as a doubtful guess."""
import shutil
import subprocess
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import call_command


@pytest.fixture
def fresh_catalogue(tmp_path, monkeypatch):
    locale = tmp_path / "locale"
    shutil.copytree(Path(settings.BASE_DIR) / "locale", locale)
    monkeypatch.chdir(settings.BASE_DIR)
    monkeypatch.setattr(settings, "LOCALE_PATHS", [str(locale)])
    call_command(
        "makemessages", locale=["ar"], ignore_patterns=[".venv/*", "artifacts/*", "tests/*", "bench/*"], verbosity=0
    )
    return locale / "ar" / "LC_MESSAGES" / "django.po"


def sentences(catalogue, *flags):
    listed = subprocess.run(
        ["msgattrib", *flags, "--no-obsolete", "--no-wrap", str(catalogue)], capture_output=True, text=True, check=True
    ).stdout
    return [line for line in listed.splitlines() if line.startswith("msgid ") and line != 'msgid ""']


def test_every_sentence_of_the_interface_has_its_arabic(fresh_catalogue):
    assert sentences(fresh_catalogue, "--untranslated") == []
    assert sentences(fresh_catalogue, "--only-fuzzy") == []
