import { ApiError } from "../../api/http";
import type { AsyncState } from "../../ui/useAsync";
import { Banner } from "../../ui/Banner";
import { Loading } from "../../ui/Spinner";

/** Loading and failure of a settings list, in one line each. */
export function LoadError({ state, what }: { state: AsyncState<unknown>; what: string }) {
  if (state.status === "loading") return <Loading label={`Loading ${what}…`} />;
  if (state.status !== "error") return null;
  const missing = state.cause instanceof ApiError && state.cause.isMissing;
  return <Banner tone={missing ? "warning" : "error"}>{missing ? `Managing ${what} is not available on this server yet.` : `Could not load ${what}: ${state.error}`}</Banner>;
}
