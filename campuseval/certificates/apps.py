from django.apps import AppConfig


class CertificatesConfig(AppConfig):
    name = "campuseval.certificates"
    verbose_name = "认定证书"
