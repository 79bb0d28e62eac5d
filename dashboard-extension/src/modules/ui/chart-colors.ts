import { vars } from "@saleor/macaw-ui-next";

/** Chart colours from the macaw-ui theme, so charts follow the Dashboard's light/dark theme. */
export const chartColors = {
  primary: vars.colors.text.accent1,
  positive: vars.colors.text.success1,
  negative: vars.colors.text.critical1,
  warning: vars.colors.text.warning1,
  info: vars.colors.text.info1,
  muted: vars.colors.text.default2,
  grid: vars.colors.border.default1,
  text: vars.colors.text.default1,
};
