from django.apps import AppConfig


class ExportJobsConfig(AppConfig):
    name = "campuseval.exportjobs"
    verbose_name = "批量导出"
