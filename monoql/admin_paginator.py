"""Admin paginator for large tables: on PostgreSQL an unfiltered list uses the planner's row estimate."""

from django.core.paginator import Paginator
from django.db import connections
from django.utils.functional import cached_property

ESTIMATE_ABOVE_ROWS = 10_000


class EstimatedCountPaginator(Paginator):
    """``count`` is ``pg_class.reltuples`` for unfiltered querysets over ``ESTIMATE_ABOVE_ROWS`` rows, exact otherwise."""

    @cached_property
    def count(self):
        queryset = self.object_list
        connection = connections[getattr(queryset, "db", "default")]
        if connection.vendor == "postgresql" and hasattr(queryset, "query") and not queryset.query.where:
            with connection.cursor() as cursor:
                cursor.execute(
                    "SELECT reltuples::bigint FROM pg_class WHERE relname = %s", [queryset.model._meta.db_table]
                )
                row = cursor.fetchone()
            if row and row[0] and row[0] > ESTIMATE_ABOVE_ROWS:
                return int(row[0])
        return super().count
