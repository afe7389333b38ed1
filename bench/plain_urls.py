"""The app's routes plus ``POST /plain-register``: a plain Django view inserting the row a registration
inserts (the ceiling of this machine's HTTP + ORM stack), for ``bench/registration.py`` only."""

import json

from django.db import transaction
from django.http import JsonResponse
from django.urls import path
from django.views.decorators.csrf import csrf_exempt

from accounts.tokens import decode_session_token
from entries.models import Entry
from monoql.urls import urlpatterns as app_urlpatterns


@csrf_exempt
def plain_register(request):
    claims = decode_session_token(request.headers["Authorization"][7:])
    body = json.loads(request.body)
    fields = body["entry"]
    with transaction.atomic():
        entry = Entry(campaign_id=body["campaignId"], fan_id=claims["sub"], fields=fields, email=fields["email"])
        entry.phone = fields["phone"]
        entry.set_market_ids([fields["market"], *fields.get("optional_markets", [])])
        entry.save(force_insert=True)
    return JsonResponse({"data": {"id": entry.pk}})


urlpatterns = [*app_urlpatterns, path("plain-register", plain_register)]
