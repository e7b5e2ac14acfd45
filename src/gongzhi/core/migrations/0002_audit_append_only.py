from django.db import migrations


def install(apps, schema_editor):
    from gongzhi.core.dbguards import install_audit_guards

    install_audit_guards(schema_editor.connection)


def drop(apps, schema_editor):
    from gongzhi.core.dbguards import drop_audit_guards

    drop_audit_guards(schema_editor.connection)


class Migration(migrations.Migration):
    dependencies = [("core", "0001_initial")]

    operations = [migrations.RunPython(install, drop)]
