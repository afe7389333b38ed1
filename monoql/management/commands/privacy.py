"""``manage.py privacy erase <fanId>`` / ``privacy export <fanId>`` / ``privacy do-not-sell <fanId> [--undo]``
(catalog §3.15)."""

import json

from django.core.management.base import BaseCommand, CommandError
from django.core.serializers.json import DjangoJSONEncoder

from entries.services.privacy import set_do_not_sell
from monoql.audit import Actor
from monoql.errors import DomainError
from monoql.workflows.privacy import erase_fan, fan_data


class Command(BaseCommand):
    help = "Erase one fan's data everywhere, or set their doNotSell flag; prints a JSON report."

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True)
        erase = sub.add_parser("erase", help="erase the fan, entries, scoring and file lines naming them")
        erase.add_argument("fan_id")
        export = sub.add_parser("export", help="print everything stored about the fan (GDPR art. 15 / CCPA) as JSON")
        export.add_argument("fan_id")
        dns = sub.add_parser("do-not-sell", help="flag the fan doNotSell and clear their opt-ins")
        dns.add_argument("fan_id")
        dns.add_argument("--undo", action="store_true", help="clear the flag instead")

    def handle(self, *args, action, fan_id, **options):
        try:
            if action == "erase":
                report = erase_fan(fan_id, actor=Actor.command("manage.py privacy erase"))
            elif action == "export":
                report = fan_data(fan_id)
            else:
                undo = options.get("undo", False)
                cleared = set_do_not_sell(fan_id, not undo, actor=Actor.command("manage.py privacy do-not-sell"))
                report = {"fanId": fan_id, "doNotSell": not undo, "entriesCleared": cleared}
        except DomainError as error:
            raise CommandError(error.message) from error
        self.stdout.write(json.dumps(report, sort_keys=True, cls=DjangoJSONEncoder))
