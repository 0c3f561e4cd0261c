"""What the benchmark scripts share: the database guard, COPY for bulk rows and the process's memory figures.

Import after django.setup(); the scripts put the repository on sys.path first.
"""

from __future__ import annotations

import sys
from collections.abc import Iterable, Sequence

from django.db import connection


def require_bench_database() -> str:
    """Return the database's name; exit unless it is PostgreSQL and named *bench* (the scripts empty it)."""
    name = str(connection.settings_dict["NAME"])
    if connection.vendor != "postgresql" or "bench" not in name:
        sys.exit(f"refusing to run on {connection.vendor} database {name!r}: use a PostgreSQL database named *bench*")
    return name


def copy_rows(model: type, columns: Sequence[str], rows: Iterable[tuple]) -> int:
    """Write rows into the model's table with COPY; return how many."""
    table = model._meta.db_table
    count = 0
    with connection.cursor() as cursor, cursor.cursor.copy(f"COPY {table} ({', '.join(columns)}) FROM STDIN") as copy:
        for row in rows:
            copy.write_row(row)
            count += 1
    return count


def reset_peak_rss() -> None:
    """Make VmHWM start again from the current RSS (Linux: writing 5 to clear_refs)."""
    with open("/proc/self/clear_refs", "w") as handle:
        handle.write("5")


def rss_mib(field: str) -> float:
    """Return VmRSS or VmHWM of this process in MiB."""
    with open("/proc/self/status") as handle:
        for line in handle:
            if line.startswith(field + ":"):
                return int(line.split()[1]) / 1024
    return float("nan")
