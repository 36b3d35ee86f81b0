from django.apps import AppConfig


class CertificatesConfig(AppConfig):
    name = "campuseval.certificates"
    verbose_name = "认定证书"

    def ready(self) -> None:
        from campuseval.campaigns import hooks

        from .services import issue_on_publication

        hooks.listen_publish(issue_on_publication)
