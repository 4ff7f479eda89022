#!/usr/bin/env python3
"""Fills an engine's queue_calls table with a call center's history, for bench/queue-report/run.sh.

    fill.py DATABASE ROWS DAYS

ROWS finished queue callers spread evenly over the DAYS before now, in three queues: support
(60 %), sales (30 %) and billing (10 %), answered by 40 agents 2000-2039. About 85 % answered
(wait 0-120 s, talk 30-630 s, wrap-up 10-70 s), 8 % abandoned, 3 % short-abandoned, 3 %
overflowed (max-wait) and 1 % rejected (queue-full). As bench/cdr-search/fill.py, the rows are
written with SQL in SQLite itself (a recursive CTE), each row's draws from multiplicative
hashes of its number (a CTE's random() is evaluated again at every reference).
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
            draws AS (SELECT i, ? + i * ? AS t,
                             (i * 2654435761) % 4294967296 / 4294968 AS roll,
                             (i * 2246822519) % 4294967296 / 4294968 AS pick,
                             (i * 3266489917) % 4294967296 / 4294968 AS spread FROM n),
            calls AS (SELECT i, t, roll, pick,
                             CASE WHEN roll < 850 THEN spread * 0.12
                                  WHEN roll < 930 THEN 20 + spread * 0.2
                                  WHEN roll < 960 THEN spread * 0.005
                                  WHEN roll < 990 THEN 180 ELSE 0 END AS wait,
                             CASE WHEN roll < 850 THEN 30 + (spread * 7) % 600 ELSE 0 END AS talk,
                             CASE WHEN roll < 850 THEN 10 + (spread * 13) % 60 ELSE 0 END AS wrap
                      FROM draws)
            INSERT INTO queue_calls (queue, caller, priority, joined_at, outcome, exit_reason,
                                     left_queue_at, agent, ended_at, completed_at, wait_seconds,
                                     talk_seconds, wrap_up_seconds, last_event_at)
            SELECT CASE WHEN pick < 600 THEN 'support' WHEN pick < 900 THEN 'sales' ELSE 'billing' END,
                   printf('+3630%07d', (i * 40503) % 200000),
                   0,
                   strftime('%Y-%m-%d %H:%M:%f', t, 'unixepoch'),
                   CASE WHEN roll < 850 THEN 'answered' WHEN roll < 930 THEN 'abandoned'
                        WHEN roll < 960 THEN 'short-abandoned' WHEN roll < 990 THEN 'overflowed'
                        ELSE 'rejected' END,
                   CASE WHEN roll >= 990 THEN 'queue-full' WHEN roll >= 960 THEN 'max-wait' END,
                   strftime('%Y-%m-%d %H:%M:%f', t + wait, 'unixepoch'),
                   CASE WHEN roll < 850 THEN printf('%d', 2000 + i % 40) END,
                   CASE WHEN roll < 850 THEN strftime('%Y-%m-%d %H:%M:%f', t + wait + talk, 'unixepoch') END,
                   CASE WHEN roll < 850 THEN strftime('%Y-%m-%d %H:%M:%f', t + wait + talk + wrap, 'unixepoch') END,
                   wait, talk, wrap,
                   strftime('%Y-%m-%d %H:%M:%f', t + wait + talk + wrap, 'unixepoch')
            FROM calls
            """,
            (rows, start, step),
        )
    connection.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    connection.close()


if __name__ == "__main__":
    main()
