"""Bench data for the screen-pop: a store with 100,000 customers and 2,000,000 past interactions.

Made by bulk SQL (generate_series) straight into the DuckDB file of a CLOSED store that
``Store.open`` created once (so the schema and meta are the real ones). Nothing goes
through the journal: these rows are history, as if projected long ago. Cached under
bench/.cache/screenpop-<VERSION>-<customers>-<interactions>/store; reruns reuse it.

    python bench/screenpop_data.py [--customers N] [--interactions N] [--force]

Customers: bilingual names, a CN mobile each (+86138xxxxxxxx, the digits are the customer's
number), e-mail for half, a web visitor id for a third, ~10 % VIP (tier gold, tag "vip").
Interactions: 90 % spread evenly, 10 % over the first 1,000 customers (a few hundred each),
across channels, with agents, dispositions, notes, ratings and summaries; one in 20 has three
messages (English and Chinese) so full-text search has something to index.
"""
from __future__ import annotations

import argparse
import asyncio
import json
import shutil
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

VERSION = "v1"
CACHE = ROOT / "bench" / ".cache"
AGENTS = 50
BASE_MS = 1_735_689_600_000  # 2025-01-01
YEAR_MS = 365 * 86_400_000

SURNAMES = list("王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗")
GIVEN = ["伟", "芳", "娜", "敏", "静", "丽", "强", "磊", "军", "洋", "勇", "艳", "杰", "娟", "涛", "明", "超",
         "秀英", "霞", "平", "刚", "桂英", "建华", "文", "华", "红", "晨", "鑫", "宇", "欣"]
FIRST = ["Anna", "Ben", "Chloe", "David", "Emma", "Frank", "Grace", "Henry", "Iris", "Jack", "Kate", "Leo",
         "Mia", "Noah", "Olivia", "Paul", "Quinn", "Ruby", "Sam", "Tina"]
LAST = ["Smith", "Brown", "Taylor", "Wilson", "Davies", "Evans", "Thomas", "Johnson", "Roberts", "Walker",
        "Wright", "Green", "Hall", "Wood", "Clarke", "Hughes", "Lewis", "Baker", "Harris", "King"]
CHANNELS = ["chat", "chat", "chat", "voice", "voice", "wechat", "email", "weibo", "sms", "app"]
DISPOSITIONS = ["resolved", "refund", "billing", "delivery", "complaint", "sales", "callback", "no_answer"]
SUMMARIES = ["我想申请退款", "订单一直没有发货", "Where is my order?", "发票抬头写错了", "I want to change my plan",
             "快递显示已签收但我没收到", "Can I get a refund for a broken kettle?", "会员积分怎么用",
             "The app keeps crashing on login", "请帮我修改收货地址"]
MESSAGES = [
    ("customer", "您好，我想申请退款，订单号 A-{n}"), ("agent", "好的，我来帮您查询一下订单状态"),
    ("customer", "My parcel {n} has not arrived yet, can you check the delivery?"),
    ("agent", "I have escalated the delivery issue for you"),
    ("customer", "发票抬头写错了，能重新开吗"), ("agent", "可以，我们会在三个工作日内重新开具发票"),
]


def cache_dir(customers: int, interactions: int) -> Path:
    return CACHE / f"screenpop-{VERSION}-{customers}-{interactions}"


def _sql_list(values: list[str]) -> str:
    return "[" + ", ".join("'" + v.replace("'", "''") + "'" for v in values) + "]"


async def _create_store(store_dir: Path) -> None:
    from edge_server.store import Store
    from edge_server.work import projections as _work_projections  # noqa: F401 - every event needs one

    store = await Store.open(store_dir, fsync=False)
    await store.close()


def _fill(db_path: Path, customers: int, interactions: int, with_messages: bool) -> dict[str, float]:
    import duckdb

    from edge_server.store.fts import cjk_bigrams

    t: dict[str, float] = {}
    con = duckdb.connect(str(db_path))
    try:
        con.execute("SET preserve_insertion_order = false")
        t0 = time.perf_counter()
        con.execute("BEGIN")
        con.execute(
            """INSERT INTO users (username, display_name, role, password_hash, team, languages, disabled,
                                  created_ms, updated_ms)
               SELECT 'hist' || lpad(g::VARCHAR, 2, '0'), ? [1 + g % 20] || ' ' || ? [1 + (g // 20) % 20] ||
                      ' (' || ? [1 + g % 20] || ? [1 + g % 30] || ')', 'agent', NULL, 'history', '[]', true, ?, ?
               FROM generate_series(0, ? - 1) s(g) ON CONFLICT DO NOTHING""",
            [FIRST, LAST, SURNAMES, GIVEN, BASE_MS, BASE_MS, AGENTS],
        )
        con.execute(
            f"""INSERT INTO customers (customer_id, name, tier, vip, tags, notes, attributes, created_ms, updated_ms)
                SELECT md5('c' || g),
                       CASE WHEN g % 2 = 0 THEN {_sql_list(SURNAMES)}[1 + g % 20] || {_sql_list(GIVEN)}[1 + (g // 20) % 30]
                            ELSE {_sql_list(FIRST)}[1 + g % 20] || ' ' || {_sql_list(LAST)}[1 + (g // 20) % 20] END,
                       CASE WHEN g % 10 = 0 THEN 'gold' ELSE '' END,
                       g % 10 = 0,
                       CASE WHEN g % 10 = 0 AND g % 3 = 0 THEN '["vip","b2b"]' WHEN g % 10 = 0 THEN '["vip"]'
                            WHEN g % 7 = 0 THEN '["b2b"]' ELSE '[]' END,
                       CASE WHEN g % 5 = 0 THEN '老客户，偏好微信联系 / prefers WeChat' ELSE '' END,
                       CASE WHEN g % 4 = 0 THEN '{{"city":"上海"}}' ELSE '{{}}' END,
                       ? - (hash(g) % ?)::BIGINT, ?
                FROM generate_series(0, ? - 1) s(g)""",
            [BASE_MS, YEAR_MS, BASE_MS, customers],
        )
        con.execute(
            """INSERT INTO identities (kind, value, customer_id, created_ms)
               SELECT 'phone', '+86138' || lpad(g::VARCHAR, 8, '0'), md5('c' || g), ? FROM generate_series(0, ? - 1) s(g)
               UNION ALL
               SELECT 'email', 'user' || g || '@example.com', md5('c' || g), ? FROM generate_series(0, ? - 1) s(g)
               WHERE g % 2 = 0
               UNION ALL
               SELECT 'web_visitor', 'v-' || md5('v' || g), md5('c' || g), ? FROM generate_series(0, ? - 1) s(g)
               WHERE g % 3 = 0""",
            [BASE_MS, customers] * 3,
        )
        con.execute("COMMIT")
        t["customers_s"] = time.perf_counter() - t0
        t0 = time.perf_counter()
        # Built without the secondary index, which is then made once (much faster than maintaining it).
        con.execute("DROP INDEX interactions_customer")
        con.execute(
            f"""INSERT INTO interactions (interaction_id, customer_id, channel, queue, state, subject, created_ms,
                                          connected_ms, closed_ms, agent, disposition, notes, follow_up, rating,
                                          rating_comment, summary, message_count, identities, attributes)
                SELECT md5('i' || g), md5('c' || c), ch, 'q_' || ch, 'closed', '', created, created + 15000,
                       created + 15000 + (hash(g * 5) % 900000)::BIGINT,
                       'hist' || lpad((g % {AGENTS})::VARCHAR, 2, '0'),
                       {_sql_list(DISPOSITIONS)}[1 + (hash(g * 11) % 8)::INTEGER],
                       CASE WHEN g % 4 = 0 THEN '客户要求回电 / call back after 6pm' ELSE '' END,
                       g % 17 = 0,
                       CASE WHEN g % 3 = 0 THEN 1 + (hash(g * 13) % 5)::INTEGER ELSE 0 END,
                       '',
                       {_sql_list(SUMMARIES)}[1 + (hash(g * 17) % 10)::INTEGER],
                       CASE WHEN g % 20 = 0 THEN 3 ELSE (hash(g * 19) % 30)::INTEGER END,
                       '[["phone","+86138' || lpad(c::VARCHAR, 8, '0') || '"]]', '{{}}'
                FROM (SELECT g,
                             CASE WHEN g % 10 = 0 THEN (hash(g) % 1000)::BIGINT
                                  ELSE (hash(g * 7 + 1) % ?)::BIGINT END AS c,
                             {_sql_list(CHANNELS)}[1 + (hash(g * 3) % 10)::INTEGER] AS ch,
                             ? - (hash(g * 23) % ?)::BIGINT AS created
                      FROM generate_series(0, ? - 1) s(g))""",
            [customers, BASE_MS, YEAR_MS, interactions],
        )
        t["interactions_s"] = time.perf_counter() - t0
        t0 = time.perf_counter()
        con.execute("CREATE INDEX interactions_customer ON interactions (customer_id)")
        t["index_s"] = time.perf_counter() - t0
        if with_messages:
            t0 = time.perf_counter()
            texts = [m[1] for m in MESSAGES]
            kinds = [m[0] for m in MESSAGES]
            # cjk_bigrams of the templates; the "{n}" part is ASCII, untouched by the bigram rule.
            indexed = [cjk_bigrams(x) for x in texts]
            con.execute(
                f"""INSERT INTO messages (interaction_id, seq, message_id, ts_ms, author_kind, author, author_name,
                                          body, body_indexed, private, client_msg_id, attachments)
                    SELECT i.interaction_id, k, md5('m' || i.interaction_id || k), i.created_ms + k * 20000,
                           {_sql_list(kinds)}[t], '', '',
                           replace({_sql_list(texts)}[t], '{{n}}', substr(i.interaction_id, 1, 6)),
                           replace({_sql_list(indexed)}[t], '{{n}}', substr(i.interaction_id, 1, 6)),
                           false, '', '[]'
                    FROM (SELECT interaction_id, created_ms, hash(interaction_id) % 3 AS pick
                          FROM interactions WHERE message_count = 3) i,
                         (SELECT unnest([1, 2, 3]) AS k) ks,
                         LATERAL (SELECT (2 * pick::INTEGER + CASE WHEN k = 2 THEN 2 ELSE 1 END) AS t)""",
            )
            t["messages_s"] = time.perf_counter() - t0
        con.execute("CHECKPOINT")
        counts = con.execute("""SELECT (SELECT count(*) FROM customers), (SELECT count(*) FROM interactions),
                                       (SELECT count(*) FROM messages), (SELECT count(*) FROM identities)""").fetchone()
        t.update(customers=counts[0], interactions=counts[1], messages=counts[2], identities=counts[3])
    finally:
        con.close()
    return t


def ensure(customers: int = 100_000, interactions: int = 2_000_000, *, force: bool = False,
           with_messages: bool = True) -> Path:
    """The cached store directory with the bench data, built if missing (or ``force``)."""
    from edge_server.store.store import DB_FILE

    target = cache_dir(customers, interactions)
    done = target / "done.json"
    if done.exists() and not force:
        return target / "store"
    if target.exists():
        shutil.rmtree(target)
    target.mkdir(parents=True)
    t0 = time.perf_counter()
    asyncio.run(_create_store(target / "store"))
    stats = _fill(target / "store" / DB_FILE, customers, interactions, with_messages)
    stats["total_s"] = time.perf_counter() - t0
    done.write_text(json.dumps(stats, indent=1))
    print(f"bench data in {target}: " + " ".join(f"{k}={v:.1f}" if isinstance(v, float) else f"{k}={v}"
                                                 for k, v in stats.items()), flush=True)
    return target / "store"


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--customers", type=int, default=100_000)
    ap.add_argument("--interactions", type=int, default=2_000_000)
    ap.add_argument("--no-messages", action="store_true")
    ap.add_argument("--force", action="store_true")
    a = ap.parse_args()
    print(ensure(a.customers, a.interactions, force=a.force, with_messages=not a.no_messages))


if __name__ == "__main__":
    main()
