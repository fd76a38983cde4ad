"""Data in: the contract (one schema per domain), readers, validation, DfE importers,
the demo trust and the DuckDB store that every report reads."""
