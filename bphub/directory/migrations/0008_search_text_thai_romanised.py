"""The search column again for every focal point and agency, now with the Royal Thai romanisation of
Thai names (สมชาย → somchai), so existing rows are found across scripts as new ones are (issue 11).

Rows are read and written in batches; only rows whose column changes are written. Reversing leaves
the columns as they are (the extra forms only widen what a search finds).
"""

from django.db import migrations

BATCH = 1000


def rebuild(apps, schema_editor):
    from bphub.directory.text import search_text_for

    def refresh(model, names_of):
        changed = []
        for row in model.objects.only("pk", "search_text", *names_of.fields).order_by("pk").iterator(BATCH):
            text = search_text_for(*names_of(row))
            if text != row.search_text:
                row.search_text = text
                changed.append(row)
            if len(changed) >= BATCH:
                model.objects.bulk_update(changed, ["search_text"])
                changed = []
        if changed:
            model.objects.bulk_update(changed, ["search_text"])

    def person_names(row):
        return (row.full_name, row.local_name)

    def agency_names(row):
        return (*(row.name or {}).values(), row.acronym)

    person_names.fields = ("full_name", "local_name")
    agency_names.fields = ("name", "acronym")
    refresh(apps.get_model("directory", "FocalPoint"), person_names)
    refresh(apps.get_model("directory", "Agency"), agency_names)


class Migration(migrations.Migration):
    dependencies = [("directory", "0007_proposal_base")]

    operations = [migrations.RunPython(rebuild, migrations.RunPython.noop, elidable=True)]
