"""The /api/v1 NinjaAPI: bearer-token auth, the error shape and the resources' routers."""

from ninja import NinjaAPI, Swagger

from clinic.api.v1 import (
    alerts,
    consents,
    courses,
    dosing,
    errors,
    instruments,
    intake,
    patients,
    questionnaires,
    screening,
    sites,
)
from clinic.api.v1.auth import BearerToken

api = NinjaAPI(
    title="Clinic API",
    version="1",
    description="The clinic's REST API. Send `Authorization: Bearer <token>` (manage.py issue_api_token). "
                "Errors are `{\"error\": {\"code\", \"message\", \"details\"}}`.",
    auth=BearerToken(),
    urls_namespace="api-v1",
    # Served from the ninja package's own static files: the docs page works without internet.
    docs=Swagger(settings={"validatorUrl": None}),
)
errors.install(api)
api.add_router("", sites.router)
api.add_router("", patients.router)
api.add_router("", intake.router)
api.add_router("", instruments.router)
api.add_router("", dosing.router)
api.add_router("", questionnaires.router)
api.add_router("", alerts.router)
api.add_router("", screening.router)
api.add_router("", consents.router)
api.add_router("", courses.router)
