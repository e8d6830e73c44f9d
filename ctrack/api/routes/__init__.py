"""The routers of the HTTP API, one module per group of operations, all mounted under ``/api/v1``."""
