"""Each organisation's words, kept by PostgreSQL in list order, so that a searched list reads the
organisations that have a word of the term as a whole word in the order it shows them, from one
index, however common the word (issue 16: «centre» names 8% of the organisations).

One row per word of the organisation's search key and of its aliases' keys (already normalised:
crm.search.normalize_name), with the organisation's names, by which the list is ordered. The rows
are rewritten whenever the organisation's key or names, or an alias, change; the organisation's row
is locked first, so that two transactions changing its aliases each see the other's when they
rewrite. `partners_rebuild_organization_words()` rebuilds the whole table (bench/generate.py loads
with triggers off). SQLite has no such table: it finds whole words with a regular expression.
"""
from django.db import migrations, models

from crm.indexes import postgresql_only, rebuilt_after_truncate

WORDS_OF = r"""
    SELECT DISTINCT word, o.name_en, o.name_ar, o.id
    FROM partners_organization o
    CROSS JOIN LATERAL regexp_split_to_table(
        o.search_key || ' ' || coalesce(
            (SELECT string_agg(alias.search_key, ' ') FROM partners_organizationname alias WHERE alias.organization_id = o.id), ''),
        '[\s|]+') AS word
    WHERE word <> '' AND {which}
"""

REBUILT_AFTER_TRUNCATE, DROP_REBUILT_AFTER_TRUNCATE = rebuilt_after_truncate(
    "partners_words_truncated",
    "partners_rebuild_organization_words",
    {
        "partners_organization_words_truncated": "partners_organization",
        "partners_alias_words_truncated": "partners_organizationname",
    },
)

CREATE = f"""
CREATE TABLE partners_organizationword (
    word text NOT NULL,
    name_en varchar(300) NOT NULL,
    name_ar varchar(300) NOT NULL,
    organization_id bigint NOT NULL,
    PRIMARY KEY (word, name_en, name_ar, organization_id)
);
CREATE INDEX partners_organizationword_by_organization ON partners_organizationword (organization_id, word);

CREATE FUNCTION partners_organization_words(organization bigint) RETURNS void LANGUAGE plpgsql AS $$
BEGIN
    PERFORM 1 FROM partners_organization WHERE id = organization FOR NO KEY UPDATE;
    DELETE FROM partners_organizationword WHERE organization_id = organization;
    INSERT INTO partners_organizationword (word, name_en, name_ar, organization_id)
    {WORDS_OF.format(which="o.id = organization")};
END $$;

CREATE FUNCTION partners_organization_words_changed() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'DELETE' THEN
        DELETE FROM partners_organizationword WHERE organization_id = OLD.id;
    ELSE
        PERFORM partners_organization_words(NEW.id);
    END IF;
    RETURN NULL;
END $$;
CREATE TRIGGER partners_organization_words AFTER INSERT OR DELETE OR UPDATE OF search_key, name_en, name_ar
    ON partners_organization FOR EACH ROW EXECUTE FUNCTION partners_organization_words_changed();

-- Once per statement, for each organisation whose aliases it changed: a bulk insert of many
-- aliases of one organisation rewrites its words once, not once per alias.
CREATE FUNCTION partners_alias_words_changed() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'INSERT' THEN
        PERFORM partners_organization_words(id) FROM (SELECT DISTINCT organization_id AS id FROM new_aliases) changed ORDER BY id;
    ELSIF TG_OP = 'DELETE' THEN
        PERFORM partners_organization_words(id) FROM (SELECT DISTINCT organization_id AS id FROM old_aliases) changed ORDER BY id;
    ELSE
        PERFORM partners_organization_words(id) FROM (
            SELECT organization_id AS id FROM old_aliases UNION SELECT organization_id FROM new_aliases
        ) changed ORDER BY id;
    END IF;
    RETURN NULL;
END $$;
CREATE TRIGGER partners_alias_words_added AFTER INSERT ON partners_organizationname
    REFERENCING NEW TABLE AS new_aliases FOR EACH STATEMENT EXECUTE FUNCTION partners_alias_words_changed();
CREATE TRIGGER partners_alias_words_removed AFTER DELETE ON partners_organizationname
    REFERENCING OLD TABLE AS old_aliases FOR EACH STATEMENT EXECUTE FUNCTION partners_alias_words_changed();
CREATE TRIGGER partners_alias_words_changed AFTER UPDATE ON partners_organizationname
    REFERENCING OLD TABLE AS old_aliases NEW TABLE AS new_aliases FOR EACH STATEMENT EXECUTE FUNCTION partners_alias_words_changed();

-- In the primary key's order: the index then grows at its end instead of splitting pages.
CREATE FUNCTION partners_rebuild_organization_words() RETURNS void LANGUAGE sql AS $$
    TRUNCATE partners_organizationword;
    INSERT INTO partners_organizationword (word, name_en, name_ar, organization_id)
    {WORDS_OF.format(which="TRUE")} ORDER BY 1, 2, 3, 4;
$$;
SELECT partners_rebuild_organization_words();
""" + REBUILT_AFTER_TRUNCATE

DROP = DROP_REBUILT_AFTER_TRUNCATE + """
DROP TRIGGER partners_alias_words_added ON partners_organizationname;
DROP TRIGGER partners_alias_words_removed ON partners_organizationname;
DROP TRIGGER partners_alias_words_changed ON partners_organizationname;
DROP FUNCTION partners_alias_words_changed();
DROP TRIGGER partners_organization_words ON partners_organization;
DROP FUNCTION partners_organization_words_changed();
DROP FUNCTION partners_organization_words(bigint);
DROP FUNCTION partners_rebuild_organization_words();
DROP TABLE partners_organizationword;
"""


class Migration(migrations.Migration):
    dependencies = [("partners", "0010_filtered_list_order")]

    operations = [
        postgresql_only(CREATE, DROP),
        migrations.CreateModel(
            name="OrganizationWord",
            fields=[
                ("pk", models.CompositePrimaryKey(
                    "word", "name_en", "name_ar", "organization", blank=True, editable=False, primary_key=True, serialize=False
                )),
                ("word", models.TextField()),
                ("name_en", models.CharField(max_length=300)),
                ("name_ar", models.CharField(max_length=300)),
            ],
            options={"db_table": "partners_organizationword", "managed": False},
        ),
    ]
