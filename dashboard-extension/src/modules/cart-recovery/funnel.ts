/*
 * Cart-recovery funnel: detected as abandoned → reminded at each stage → recovered, each
 * step with its share of the first step and of the step before.
 */

export interface StageFigures {
  stage: number;
  reminded: number;
  recovered: number;
  recoveredRevenue: number;
  discountCost: number;
}

export interface FunnelInput {
  /** Checkouts detected as abandoned in the period (cartRecoveryStats.detected). */
  detected: number;
  reminded: number;
  recovered: number;
  byStage: readonly StageFigures[];
  stageKinds?: Readonly<Record<number, string>>;
}

export interface FunnelStep {
  key: string;
  label: string;
  count: number;
  shareOfFirst: number | null;
  shareOfPrevious: number | null;
}

const KIND_LABELS: Record<string, string> = { reminder: "reminder", offer: "offer", last_call: "last call" };

export function recoveryFunnel(input: FunnelInput): FunnelStep[] {
  const raw: { key: string; label: string; count: number }[] = [{ key: "detected", label: "Abandoned (detected)", count: input.detected }];
  for (const stage of [...input.byStage].sort((a, b) => a.stage - b.stage)) {
    const kind = input.stageKinds?.[stage.stage];
    raw.push({
      key: `stage-${stage.stage}`,
      label: `Reminded: stage ${stage.stage}${kind ? ` (${KIND_LABELS[kind] ?? kind})` : ""}`,
      count: stage.reminded,
    });
  }
  if (input.byStage.length === 0) {
    raw.push({ key: "reminded", label: "Reminded", count: input.reminded });
  }
  raw.push({ key: "recovered", label: "Recovered", count: input.recovered });
  const first = raw[0]?.count ?? 0;
  return raw.map((step, index) => {
    const previous = index === 0 ? null : (raw[index - 1]?.count ?? 0);
    return {
      ...step,
      shareOfFirst: first === 0 ? null : step.count / first,
      shareOfPrevious: previous === null || previous === 0 ? null : step.count / previous,
    };
  });
}

/** Recovered revenue against what the offers cost, per stage (bar chart rows). */
export function revenueAgainstCost(byStage: readonly StageFigures[]): {
  label: string;
  recoveredRevenue: number;
  discountCost: number;
  returnOnDiscount: number | null;
}[] {
  return [...byStage]
    .sort((a, b) => a.stage - b.stage)
    .map((stage) => ({
      label: `Stage ${stage.stage}`,
      recoveredRevenue: stage.recoveredRevenue,
      discountCost: stage.discountCost,
      returnOnDiscount: stage.discountCost === 0 ? null : stage.recoveredRevenue / stage.discountCost,
    }));
}

/** `cart_recovery_stages` lines ("24h | offer") → kind per stage number. */
export function stageKindsFromConfig(stagesText: string): Record<number, string> {
  const kinds: Record<number, string> = {};
  stagesText
    .split("\n")
    .map((line) => line.trim())
    .filter(Boolean)
    .forEach((line, index) => {
      const kind = line.split("|")[1]?.trim();
      if (kind) {
        kinds[index + 1] = kind;
      }
    });
  return kinds;
}
