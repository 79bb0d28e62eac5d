// @vitest-environment jsdom
import { cleanup, render, screen } from "@testing-library/react";
import { afterEach, describe, expect, it } from "vitest";

import { App } from "./app";
import { Providers } from "./providers";

afterEach(cleanup);

describe("app entry", () => {
  it("tells a visitor outside the Dashboard where to open it", () => {
    render(
      <Providers>
        <App />
      </Providers>,
    );
    expect(screen.getByTestId("empty").textContent).toContain("Open the CRM from the Saleor Dashboard");
  });
});
