"""Each person's words, kept by PostgreSQL in list order, as organisations' are (0011): a searched
people list reads the people that have a word of the term as a whole word in the order it shows
them, from one index, however common the word («mohammed», «al»). crm.indexes.kept_words writes
the table, its triggers and `partners_rebuild_person_words()`. SQLite has no such table."""
from django.db import migrations, models

from crm.indexes import kept_words, postgresql_only

CREATE, DROP = kept_words("partners_person", "person_id", "partners_personname", 200)


class Migration(migrations.Migration):
    dependencies = [("partners", "0012_shown_name_order")]

    operations = [
        postgresql_only(CREATE, DROP),
        migrations.CreateModel(
            name="PersonWord",
            fields=[
                ("pk", models.CompositePrimaryKey(
                    "word", "name_en", "name_ar", "person", blank=True, editable=False, primary_key=True, serialize=False
                )),
                ("word", models.TextField()),
                ("name_en", models.CharField(max_length=200)),
                ("name_ar", models.CharField(max_length=200)),
            ],
            options={"db_table": "partners_personword", "managed": False},
        ),
    ]
