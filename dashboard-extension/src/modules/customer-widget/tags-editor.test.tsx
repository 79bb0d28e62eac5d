// @vitest-environment jsdom
import { cleanup, fireEvent, screen, waitFor } from "@testing-library/react";
import { afterEach, describe, expect, it, vi } from "vitest";

import { renderWithApi } from "../../test/render-with-api";
import { TagsEditor } from "./tags-editor";

afterEach(cleanup);

const inUse = { data: { customerTags: [{ tag: "vip", customerCount: 12, automatic: false }, { tag: "big spender", customerCount: 3, automatic: true }] } };

describe("tags editor", () => {
  it("searches the tags in use as staff type and adds one in a click", async () => {
    const onAdd = vi.fn(async () => null);
    const { calls } = renderWithApi(<TagsEditor tags={[]} onAdd={onAdd} onRemove={async () => null} />, { CustomerTags: inUse });
    await waitFor(() => expect(screen.getByTestId("tag-suggestions").textContent).toContain("vip · 12 customers"));
    fireEvent.change(screen.getByTestId("tag-input"), { target: { value: "new, bi" } });
    await waitFor(() => expect(calls.at(-1)?.variables).toEqual({ search: "bi", first: 10 }));
    fireEvent.click(screen.getByText("big spender · 3 customers · set by a segment"));
    await waitFor(() => expect(onAdd).toHaveBeenCalledWith(["big spender"]));
    await waitFor(() => expect((screen.getByTestId("tag-input") as HTMLInputElement).value).toBe("new,"));
  });
});
