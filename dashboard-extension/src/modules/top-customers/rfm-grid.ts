/*
 * The RFM grid of docs/segments.md: recency (R, 1 … 5) against FM = (F + M) / 2 rounded
 * half up, 25 cells, each in exactly one group. Heat-map cells carry the number of
 * customers (from customerRfmGrid), their spend and an intensity 0 … 1 relative to the
 * fullest cell.
 */

import type { RfmGroupSlug } from "../segments/condition-fields";
import type { DefinitionNode } from "../segments/condition-tree";

export interface RfmCell {
  recency: number;
  fm: number;
  group: RfmGroupSlug;
  /** Customers in this cell. */
  customerCount: number;
  /** Their spend in the channel (in its currency). */
  revenue: number;
  /** Customers in the cell's whole group. */
  groupCount: number;
  /** 0 … 1, relative to the fullest cell. */
  intensity: number;
}

/** The group of an (R, FM) cell, per the table in docs/segments.md. */
export function rfmGroupOf(recency: number, fm: number): RfmGroupSlug {
  if (recency === 5 && fm >= 4) return "champions";
  if ((recency === 3 || recency === 4) && fm >= 4) return "loyal";
  if (recency >= 4 && (fm === 2 || fm === 3)) return "potential_loyalist";
  if (recency === 5 && fm === 1) return "new";
  if (recency === 4 && fm === 1) return "promising";
  if (recency === 3 && fm === 3) return "needs_attention";
  if (recency === 3 && fm <= 2) return "about_to_sleep";
  if (recency <= 2 && (fm === 3 || fm === 4)) return "at_risk";
  if (recency <= 2 && fm === 5) return "cannot_lose_them";
  if (recency === 2 && fm <= 2) return "hibernating";
  return "lost";
}

/** FM as the API computes it: (F + M) / 2 rounded half up. */
export function fmScore(frequency: number, monetary: number): number {
  return Math.floor((frequency + monetary) / 2 + 0.5);
}

/** A cell as customerRfmGrid answers it. */
export interface RfmCellCount {
  recency: number;
  fm: number;
  customerCount: number;
  revenue: { amount: number };
}

/** 25 cells, recency 5 … 1 (rows, top is most recent) × FM 1 … 5 (columns); missing cells are empty. */
export function rfmGrid(cellCounts: readonly RfmCellCount[]): RfmCell[] {
  const byCell = new Map<string, RfmCellCount>();
  const groupTotals: Partial<Record<RfmGroupSlug, number>> = {};
  for (const cell of cellCounts) {
    byCell.set(`${cell.recency}:${cell.fm}`, cell);
    const group = rfmGroupOf(cell.recency, cell.fm);
    groupTotals[group] = (groupTotals[group] ?? 0) + cell.customerCount;
  }
  const cells: RfmCell[] = [];
  for (let recency = 5; recency >= 1; recency--) {
    for (let fm = 1; fm <= 5; fm++) {
      const group = rfmGroupOf(recency, fm);
      const known = byCell.get(`${recency}:${fm}`);
      cells.push({ recency, fm, group, customerCount: known?.customerCount ?? 0, revenue: known?.revenue.amount ?? 0, groupCount: groupTotals[group] ?? 0, intensity: 0 });
    }
  }
  const max = Math.max(0, ...cells.map((cell) => cell.customerCount));
  return cells.map((cell) => ({ ...cell, intensity: max === 0 ? 0 : cell.customerCount / max }));
}

/**
 * A definition selecting exactly one cell's customers, for the segment builder link:
 * R = r and FM = k, where FM = round-half-up((F + M) / 2) = k  ⇔  F + M ∈ {2k − 1, 2k}.
 */
export function rfmCellDefinition(cell: Pick<RfmCell, "recency" | "fm">): DefinitionNode {
  const pairs: DefinitionNode[] = [];
  for (let frequency = 1; frequency <= 5; frequency++) {
    for (let monetary = 1; monetary <= 5; monetary++) {
      if (fmScore(frequency, monetary) === cell.fm) {
        pairs.push({
          all: [
            { field: "rfm_frequency", op: "eq", value: frequency },
            { field: "rfm_monetary", op: "eq", value: monetary },
          ],
        });
      }
    }
  }
  return { all: [{ field: "rfm_recency", op: "eq", value: cell.recency }, { any: pairs }] };
}
