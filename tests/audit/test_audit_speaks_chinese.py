"""The audit pages name every kind of object in Chinese (issue 8, 9)."""

from __future__ import annotations

from django.apps import apps

from campuseval.audit.presenters import object_type_label


def test_every_kind_of_object_the_trail_can_record_has_a_chinese_name():
    english = [
        m._meta.label
        for m in apps.get_models()
        if m._meta.app_config.name.startswith("campuseval.")
        and not any("\u4e00" <= c <= "\u9fff" for c in object_type_label(m._meta.label_lower))
    ]
    assert english == []
