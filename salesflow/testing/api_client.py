"""A client of /api/v1/ authenticated as one user with a bearer token (as an API user is), sending JSON bodies."""

import json

from django.test import Client

from salesflow.org.models import ApiToken

JSON = "application/json"


class ApiClient:
    def __init__(self, user):
        _token, raw = ApiToken.issue(user=user, name="test")
        self.client, self.auth = Client(), {"HTTP_AUTHORIZATION": f"Bearer {raw}"}

    def get(self, path):
        return self.client.get(path, **self.auth)

    def post(self, path, body=None):
        return self.client.post(path, json.dumps(body or {}), content_type=JSON, **self.auth)

    def patch(self, path, body):
        return self.client.patch(path, json.dumps(body), content_type=JSON, **self.auth)

    def delete(self, path):
        return self.client.delete(path, **self.auth)

    @staticmethod
    def fields(response) -> set[str]:
        """The fields named by an error answer's ``errors``."""
        return {error["field"] for error in response.json().get("errors", [])}
