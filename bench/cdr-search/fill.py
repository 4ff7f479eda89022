#!/usr/bin/env python3
"""Fills an engine's CDR table with a call center's history, for bench/cdr-search/run.sh.

    fill.py DATABASE ROWS DAYS

ROWS finished calls spread evenly over the DAYS before now. Half of them go to the main
number 1800 (an IVR or queue line, the number a supervisor searches most), the rest to 300
extensions 1000-1299; a third are made by those extensions, the others come from 200,000
outside numbers (+3630xxxxxxx). About 80 % answered, 9 % not answered, 8 % busy, 2 %
cancelled and 0.1 % failed. The rows are written with SQL in SQLite itself (a recursive
CTE), a few seconds per million. The disposition comes from a multiplicative (Fibonacci) hash of the row
number, not random(): SQLite evaluates a CTE's random() again at every reference, which would
give each column of a row a different draw.
"""
import sqlite3
import sys
import time


def main():
    if len(sys.argv) != 4:
        sys.exit(__doc__)
    path, rows, days = sys.argv[1], int(sys.argv[2]), float(sys.argv[3])
    if rows <= 0 or days <= 0:
        sys.exit("fill.py: ROWS and DAYS must be positive")
    now = time.time()
    start = now - days * 86400
    step = days * 86400 / rows
    connection = sqlite3.connect(path)
    connection.execute("PRAGMA journal_mode=WAL")
    with connection:
        connection.execute(
            """
            WITH RECURSIVE n(i) AS (SELECT 0 UNION ALL SELECT i + 1 FROM n WHERE i < ? - 1),
            calls AS (SELECT i, ? + i * ? AS t, (i * 2654435761) % 4294967296 / 4294968 AS roll FROM n)
            INSERT INTO cdr (id, sip_call_id, caller, caller_name, callee, started_at, answered_at,
                             ended_at, duration_seconds, billable_seconds, disposition, cause,
                             hangup_side, path)
            SELECT printf('%08x-%04x-7000-8000-%012x', i / 65536, i % 65536, i),
                   printf('bench-%d@cdr-search', i),
                   CASE WHEN i % 3 = 0 THEN printf('%d', 1000 + abs(random()) % 300)
                        ELSE printf('+3630%07d', abs(random()) % 200000) END,
                   NULL,
                   CASE WHEN i % 2 = 0 THEN '1800' ELSE printf('%d', 1000 + abs(random()) % 300) END,
                   strftime('%Y-%m-%d %H:%M:%f', t, 'unixepoch'),
                   CASE WHEN roll < 800 THEN strftime('%Y-%m-%d %H:%M:%f', t + 6, 'unixepoch') END,
                   strftime('%Y-%m-%d %H:%M:%f', t + 126, 'unixepoch'),
                   126,
                   CASE WHEN roll < 800 THEN 120 ELSE 0 END,
                   CASE WHEN roll < 800 THEN 'answered' WHEN roll < 890 THEN 'no_answer'
                        WHEN roll < 970 THEN 'busy' WHEN roll < 999 THEN 'cancelled' ELSE 'failed' END,
                   CASE WHEN roll < 800 THEN 'BYE' WHEN roll < 890 THEN 'no answer'
                        WHEN roll < 970 THEN '486 Busy Here' WHEN roll < 999 THEN 'CANCEL'
                        ELSE '503 Service Unavailable' END,
                   CASE WHEN roll < 800 THEN 'caller' WHEN roll < 999 THEN 'callee' ELSE 'system' END,
                   NULL
            FROM calls
            """,
            (rows, start, step),
        )
    connection.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    connection.close()


if __name__ == "__main__":
    main()
