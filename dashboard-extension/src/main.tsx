import "@saleor/macaw-ui-next/style";

import { StrictMode } from "react";
import { createRoot } from "react-dom/client";

import { App } from "./modules/app-shell/app";
import { Providers } from "./modules/app-shell/providers";

const root = document.getElementById("root");
if (!root) {
  throw new Error("index.html has no #root");
}

createRoot(root).render(
  <StrictMode>
    <Providers>
      <App />
    </Providers>
  </StrictMode>,
);
