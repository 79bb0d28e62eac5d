import { describe, expect, it } from "vitest";

import {
  customerShareFor,
  paretoChartData,
  paretoFromReports,
  paretoFromRevenues,
  revenueShareAt,
} from "./pareto";

describe("Pareto curve", () => {
  it("follows docs/segments.md's example from revenues", () => {
    // 500, 400, 300, 200, 100: top 20 % bring 0.3333, top 60 % bring 0.8
    const curve = paretoFromRevenues([100, 500, 300, 200, 400]);
    expect(curve.map((point) => point.customerShare)).toEqual([0, 0.2, 0.4, 0.6, 0.8, 1]);
    expect(curve.map((point) => Number(point.revenueShare.toFixed(4)))).toEqual([0, 0.3333, 0.6, 0.8, 0.9333, 1]);
    expect(revenueShareAt(curve, 0.2)).toBeCloseTo(1 / 3, 6);
    expect(revenueShareAt(curve, 0.5)).toBeCloseTo(0.7, 6);
  });

  it("takes one exact point per value report", () => {
    const curve = paretoFromReports([
      { customerCount: 5, topCustomerCount: 1, topShare: 0.3333 },
      { customerCount: 5, topCustomerCount: 3, topShare: 0.8 },
      { customerCount: 5, topCustomerCount: 3, topShare: 0.8 },
      { customerCount: 5, topCustomerCount: 5, topShare: 1 },
    ]);
    expect(curve).toEqual([
      { customerShare: 0, revenueShare: 0 },
      { customerShare: 0.2, revenueShare: 0.3333 },
      { customerShare: 0.6, revenueShare: 0.8 },
      { customerShare: 1, revenueShare: 1 },
    ]);
  });

  it("is empty without customers or revenue", () => {
    expect(paretoFromReports([{ customerCount: 0, topCustomerCount: 0, topShare: 0 }])).toEqual([]);
    expect(paretoFromRevenues([])).toEqual([]);
    expect(paretoFromRevenues([0, 0])).toEqual([]);
    expect(revenueShareAt([], 0.2)).toBeNull();
    expect(customerShareFor([], 0.8)).toBeNull();
  });

  it("never goes down and stays within 0 … 1", () => {
    const curve = paretoFromReports([
      { customerCount: 10, topCustomerCount: 2, topShare: 0.5 },
      { customerCount: 10, topCustomerCount: 4, topShare: 0.45 },
      { customerCount: 10, topCustomerCount: 12, topShare: 1.2 },
    ]);
    expect(curve).toEqual([
      { customerShare: 0, revenueShare: 0 },
      { customerShare: 0.2, revenueShare: 0.5 },
      { customerShare: 0.4, revenueShare: 0.5 },
      { customerShare: 1, revenueShare: 1 },
    ]);
  });

  it("reads the share of customers that brings 80 % of revenue", () => {
    const curve = paretoFromRevenues([500, 400, 300, 200, 100]);
    expect(customerShareFor(curve, 0.8)).toBeCloseTo(0.6, 6);
    expect(customerShareFor(curve, 0.7)).toBeCloseTo(0.5, 6);
  });

  it("shapes chart rows in percent with the equality line", () => {
    expect(paretoChartData(paretoFromRevenues([3, 1]))).toEqual([
      { customers: 0, revenue: 0, equality: 0 },
      { customers: 50, revenue: 75, equality: 50 },
      { customers: 100, revenue: 100, equality: 100 },
    ]);
  });
});
