"""Everything the interface says has its Arabic: the catalogue, brought up to date with the code
as `makemessages` would, holds no sentence left untranslated or marked as a doubtful guess."""
import shutil
import subprocess

import pytest
from django.conf import settings
from django.core.management import call_command


@pytest.fixture
def fresh_catalogue(tmp_path, monkeypatch):
    """The Arabic catalogue as makemessages makes it from the sources, in a copy of the project:
    makemessages writes to the locale folder beside the sources it reads, whatever LOCALE_PATHS says."""
    project = tmp_path / "project"
    shutil.copytree(
        settings.BASE_DIR,
        project,
        ignore=shutil.ignore_patterns(".*", "artifacts", "tests", "bench", "__pycache__", "*.sqlite3"),
    )
    monkeypatch.chdir(project)
    monkeypatch.setattr(settings, "LOCALE_PATHS", [str(project / "locale")])
    call_command("makemessages", locale=["ar"], verbosity=0)
    return project / "locale" / "ar" / "LC_MESSAGES" / "django.po"


def sentences(catalogue, *flags):
    listed = subprocess.run(
        ["msgattrib", *flags, "--no-obsolete", "--no-wrap", str(catalogue)], capture_output=True, text=True, check=True
    ).stdout
    return [line for line in listed.splitlines() if line.startswith("msgid ") and line != 'msgid ""']


def test_every_sentence_of_the_interface_has_its_arabic(fresh_catalogue):
    assert sentences(fresh_catalogue, "--untranslated") == []
    assert sentences(fresh_catalogue, "--only-fuzzy") == []
