"""The reports: one school's report on an application, and a county's or city's summary report
(docs/architecture.md)."""
