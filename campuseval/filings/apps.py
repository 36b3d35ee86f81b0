from django.apps import AppConfig


class FilingsConfig(AppConfig):
    name = "campuseval.filings"
    verbose_name = "官方表格"
