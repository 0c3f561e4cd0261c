"""Weights are history: a change is a new row, and the database refuses to rewrite an old one."""

from django.db import migrations

from core.append_only import install_update_guard


class Migration(migrations.Migration):
    dependencies = [("assessment", "0001_score_weights_and_objections")]

    operations = [migrations.RunPython(*install_update_guard("assessment_scoreweights"))]
