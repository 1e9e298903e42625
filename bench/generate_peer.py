#!/usr/bin/env python3
"""Peer for bench/generate.bench.ts: the seed walkthrough's approach in Python — a per-row loop
with Faker (Debian python3-fake-factory, Faker 0.9.3) for dates and the random module for the rest,
producing the same 11 coffee-shop columns. Prints one JSON line: rows, seconds, max RSS.

    python3 bench/generate_peer.py --rows 100000 [--out out.csv]
"""
import argparse
import csv
import datetime
import json
import random
import resource
import sys
import time

try:  # Debian: apt-get install python3-fake-factory
    from faker import Faker
except ImportError:  # fall back to the random module (reported in the output)
    Faker = None

MENU = [  # product_id, product, calories, price, type — same menu and weights as coffee-shop.ts
    (1, "Espresso", 5, 2.5, "drink"), (2, "Americano", 15, 3.0, "drink"), (3, "Cappuccino", 120, 3.75, "drink"),
    (4, "Latte", 190, 4.25, "drink"), (5, "Flat White", 170, 4.0, "drink"), (6, "Mocha", 290, 4.75, "drink"),
    (7, "Cold Brew", 10, 4.0, "drink"), (8, "Chai Latte", 240, 4.25, "drink"), (9, "Hot Chocolate", 320, 3.5, "drink"),
    (10, "Green Tea", 0, 2.75, "drink"), (11, "Croissant", 270, 3.25, "food"), (12, "Blueberry Muffin", 420, 3.5, "food"),
    (13, "Banana Bread", 380, 3.75, "food"), (14, "Bagel with Cream Cheese", 360, 4.5, "food"),
    (15, "Chocolate Chip Cookie", 220, 2.25, "food"), (16, "Ham and Cheese Sandwich", 480, 6.95, "food"),
]
MENU_WEIGHTS = [8, 10, 12, 14, 6, 6, 7, 5, 4, 3, 7, 5, 3, 4, 4, 3]
PAYMENTS = ["cash", "credit", "debit", "gift card"]
PAYMENT_WEIGHTS = [0.2, 0.45, 0.27, 0.08]
FIELDS = ["id", "date", "time", "product_id", "product", "calories", "price", "type", "quantity", "amount", "payment_type"]


def rows(n, seed):
    rnd = random.Random(seed)
    start, end = datetime.date(2022, 1, 1), datetime.date(2022, 12, 31)
    if Faker is not None:
        fake = Faker()
        fake.seed_instance(seed)
        day = lambda: fake.date_between_dates(start, end)
    else:
        span = (end - start).days
        day = lambda: start + datetime.timedelta(days=rnd.randint(0, span))
    for i in range(n):
        pid, product, calories, price, kind = rnd.choices(MENU, MENU_WEIGHTS)[0]
        quantity = rnd.randint(1, 3)
        secs = rnd.randint(6 * 3600, 21 * 3600)
        yield {
            "id": "S%07d" % (i + 1),
            "date": day().isoformat(),
            "time": "%02d:%02d:%02d" % (secs // 3600, secs // 60 % 60, secs % 60),
            "product_id": pid,
            "product": product,
            "calories": calories,
            "price": price,
            "type": kind,
            "quantity": quantity,
            "amount": round(price * quantity, 2),
            "payment_type": rnd.choices(PAYMENTS, PAYMENT_WEIGHTS)[0],
        }


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--rows", type=int, required=True)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--out")
    a = ap.parse_args()
    t0 = time.perf_counter()
    c0 = time.process_time()
    if a.out:
        with open(a.out, "w", newline="") as f:
            w = csv.DictWriter(f, fieldnames=FIELDS, lineterminator="\n")
            w.writeheader()
            for r in rows(a.rows, a.seed):
                w.writerow(r)
    else:
        data = list(rows(a.rows, a.seed))
        assert len(data) == a.rows
    secs = time.perf_counter() - t0
    cpu = time.process_time() - c0
    max_rss_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # Linux: KiB
    json.dump({"rows": a.rows, "seconds": secs, "cpuSeconds": cpu, "maxRssMb": max_rss_mb, "faker": Faker is not None}, sys.stdout)
    print()


if __name__ == "__main__":
    main()
