"""The REST API under `/api/`: JSON, token auth, an OpenAPI document at `/api/openapi.json`."""
