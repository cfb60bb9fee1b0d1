"""EXPLAIN of the page benchmark's slowest statements and the pages they touch (`pages.py
--explain`)."""

from __future__ import annotations

import re


def buffers(plan: list[str]) -> int:
    """Pages the statement touched (the top node's shared hit + read): unlike time, this
    does not depend on how busy the machine is."""
    for line in plan:
        if "Buffers:" in line:
            found = re.findall(r"(hit|read)=(\d+)", line.split("Buffers:")[1].split("local")[0])
            return sum(int(n) for _kind, n in found)
    return 0


def explain(connection, queries: list[dict], top: int = 3) -> list[dict]:
    """The `top` statements with the longest execution time inside PostgreSQL."""
    plans = []
    with connection.cursor() as cursor:
        for query in queries:
            sql = query["sql"]
            if not sql.lstrip().upper().startswith("SELECT"):
                continue
            cursor.execute("EXPLAIN (ANALYZE, BUFFERS) " + sql)
            plan = [row[0] for row in cursor.fetchall()]
            executed = next(
                (float(line.split(":")[1].split()[0]) for line in plan if "Execution Time" in line),
                0.0,
            )
            plans.append({"ms": executed, "sql": sql, "plan": plan, "buffers": buffers(plan)})
    return sorted(plans, key=lambda p: -p["ms"])[:top], sum(p["buffers"] for p in plans)
