"""Cluster objects move out of the sandbox's one JSON document into a row each (playground/store.py)."""
import django.db.models.deletion
from django.db import migrations, models

import playground.fastjson


def split_states(apps, schema_editor):
    Sandbox = apps.get_model("playground", "Sandbox")
    SandboxObject = apps.get_model("playground", "SandboxObject")
    for sandbox in Sandbox.objects.all().iterator():
        meta = dict(sandbox.meta or {})
        cluster = dict(meta.get("cluster") or {})
        objects = cluster.pop("objects", None) or {}
        SandboxObject.objects.bulk_create(
            SandboxObject(sandbox_id=sandbox.pk, plural=plural, key=key, body=obj)
            for plural, items in objects.items() for key, obj in items.items())
        meta["cluster"] = cluster
        sandbox.meta = meta
        sandbox.save(update_fields=["meta"])


def join_states(apps, schema_editor):
    Sandbox = apps.get_model("playground", "Sandbox")
    SandboxObject = apps.get_model("playground", "SandboxObject")
    for sandbox in Sandbox.objects.all().iterator():
        objects = {}
        for row in SandboxObject.objects.filter(sandbox_id=sandbox.pk).order_by("id"):
            objects.setdefault(row.plural, {})[row.key] = row.body
        meta = dict(sandbox.meta or {})
        meta["cluster"] = {**(meta.get("cluster") or {}), "objects": objects}
        sandbox.meta = meta
        sandbox.save(update_fields=["meta"])


class Migration(migrations.Migration):

    dependencies = [
        ("playground", "0002_sandbox_state_orjson"),
    ]

    operations = [
        migrations.RenameField(model_name="sandbox", old_name="state", new_name="meta"),
        migrations.CreateModel(
            name="SandboxObject",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("plural", models.CharField(max_length=63)),
                ("key", models.CharField(max_length=320)),
                ("body", playground.fastjson.FastJSONField()),
                ("sandbox", models.ForeignKey(on_delete=django.db.models.deletion.CASCADE,
                                              related_name="objects_stored", to="playground.sandbox")),
            ],
            options={
                "constraints": [models.UniqueConstraint(fields=("sandbox", "plural", "key"),
                                                        name="unique_sandbox_object")],
            },
        ),
        migrations.RunPython(split_states, join_states),
    ]
