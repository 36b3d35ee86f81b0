"""The official forms bureaus file: 申报表, 自评表, 评审打分表, 认定结果名单 (docs/architecture.md)."""
