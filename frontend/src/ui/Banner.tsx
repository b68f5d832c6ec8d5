import type { ReactNode } from "react";

export type BannerTone = "error" | "warning" | "info" | "success";

/** A one-line message at the top of a page or panel; errors are announced to screen readers. */
export function Banner({
  tone = "info",
  children,
  onDismiss,
  action,
}: {
  tone?: BannerTone;
  children: ReactNode;
  onDismiss?: () => void;
  action?: ReactNode;
}) {
  return (
    <div className={`banner banner-${tone}`} role={tone === "error" ? "alert" : "status"}>
      <span className="banner-text">{children}</span>
      {action}
      {onDismiss && (
        <button type="button" className="btn btn-ghost btn-sm" aria-label="Dismiss message" onClick={onDismiss}>
          ×
        </button>
      )}
    </div>
  );
}
