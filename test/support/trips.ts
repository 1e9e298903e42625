/**
 * A table of taxi trips built in code (no data file): ordered date-times (pickup before dropoff), a
 * sum column (total = fare + tip) and a lookup (zone → borough): the rules the validity diagnostic
 * mines. Used by the constraint tests and bench/conditions.bench.ts.
 */
import { createRng } from "../../src/data/random.js";
import type { CellValue, Frame } from "../../src/data/types.js";

export const ZONES: Record<string, string> = {
  Midtown: "Manhattan", Harlem: "Manhattan", SoHo: "Manhattan", Astoria: "Queens", Flushing: "Queens",
  Williamsburg: "Brooklyn", Bushwick: "Brooklyn", Park_Slope: "Brooklyn", Fordham: "Bronx", Riverdale: "Bronx",
};

/** A table of trips: ordered date-times (pickup before dropoff), a sum column (total = fare + tip), a lookup (zone → borough). */
export function trips(n = 300, seed = 11): Frame {
  const rng = createRng(seed);
  const cols: Record<string, CellValue[]> = { pickup: [], dropoff: [], zone: [], borough: [], fare: [], tip: [], total: [] };
  const zones = Object.keys(ZONES);
  for (let i = 0; i < n; i++) {
    const start = Date.UTC(2024, 2, 1 + rng.int(28), 6 + rng.int(16), rng.int(60));
    const minutes = 4 + rng.int(50);
    const fmt = (ms: number) => new Date(ms).toISOString();
    const zone = zones[rng.int(zones.length)]!;
    const fare = Math.round((3 + minutes * 0.9 + rng.next() * 4) * 100) / 100;
    const tip = Math.round(fare * rng.next() * 0.25 * 100) / 100;
    cols["pickup"]!.push(fmt(start));
    cols["dropoff"]!.push(fmt(start + minutes * 60_000));
    cols["zone"]!.push(zone);
    cols["borough"]!.push(ZONES[zone]!);
    cols["fare"]!.push(fare);
    cols["tip"]!.push(tip);
    cols["total"]!.push(Math.round((fare + tip) * 100) / 100);
  }
  return { columnNames: Object.keys(cols), columns: cols, rowCount: n };
}

