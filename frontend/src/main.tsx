import { StrictMode } from "react";
import { createRoot } from "react-dom/client";
import "@xyflow/react/dist/style.css";
import "./styles.css";
import { App, preloadFirstPage } from "./app/App";
import { readPageProps } from "./app/props";
import { setCsrfToken } from "./api/http";

const el = document.getElementById("root");
if (el) {
  const props = readPageProps(el);
  setCsrfToken(props.csrfToken);
  if (props.page !== "share") preloadFirstPage(window.location.pathname);
  createRoot(el).render(
    <StrictMode>
      <App props={props} />
    </StrictMode>,
  );
}
