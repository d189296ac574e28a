"""Organisers and participants no longer keep a copy of their meeting's start date (meetings 0010
undone): it served a partner line's latest meetings, which the kept partnership relation now names
(network 0003). Its triggers ran on every write of a meeting's date and of each of its
organisers and participants, and locked the meeting (FOR SHARE) to do it, for nothing read.
Migrating back puts the copy, its triggers and its indexes back, filled."""
import importlib

from django.db import migrations

latest_first = importlib.import_module("meetings.migrations.0010_latest_first").Migration.operations


def undone(operation):
    """The RunPython operation of 0010 that runs its reverse forwards, and its forwards back."""
    return migrations.RunPython(operation.reverse_code, operation.code)


class Migration(migrations.Migration):
    dependencies = [
        ("meetings", "0011_meeting_by_country"),
        ("network", "0003_partnership_latest_records"),
    ]

    # 0010's operations in reverse order: its indexes and triggers dropped, then its two fields.
    operations = [
        undone(latest_first[3]),
        undone(latest_first[2]),
        migrations.RemoveField(model_name="participant", name="meeting_starts_on"),
        migrations.RemoveField(model_name="meetingorganizer", name="meeting_starts_on"),
    ]
