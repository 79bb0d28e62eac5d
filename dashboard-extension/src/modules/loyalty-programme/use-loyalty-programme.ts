import { useMemo } from "react";
import { useQuery } from "urql";

import { LoyaltyProgrammeOverviewDocument, LoyaltyReportDocument } from "../../generated/graphql";
import { type BucketUnit, reportPeriod } from "./points-flow";

/**
 * The programme and its accounts (overview), and `loyaltyReport` for the period and unit
 * (points flow, liability, accounts per tier).
 */
export function useLoyaltyProgramme(channel: string, report: { days: number; unit: BucketUnit }) {
  const [overview] = useQuery({ query: LoyaltyProgrammeOverviewDocument, variables: { channel } });
  const variables = useMemo(() => ({ channel, period: reportPeriod(report.days), unit: report.unit }), [channel, report.days, report.unit]);
  const [reportResult] = useQuery({ query: LoyaltyReportDocument, variables });
  return { overview, report: reportResult };
}
