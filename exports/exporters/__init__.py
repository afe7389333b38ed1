"""Exporter classes, one per export type, registered by name (``EXPORTERS``)."""

from exports.exporters import codes, entries, lists, reminders  # noqa: F401,E402 - register the types
from exports.exporters.base import EXPORTERS, Exporter, exporter_for  # noqa: F401
