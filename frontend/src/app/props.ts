/** The JSON Django puts on <div id="root" data-props='...'>. */
import type { User } from "../api/types";

export interface PageProps {
  user: User | null;
  csrfToken?: string;
  page?: string;
}

export function readPageProps(el: HTMLElement): PageProps {
  const raw = el.dataset.props;
  if (!raw) return { user: null };
  try {
    const p = JSON.parse(raw) as Partial<PageProps>;
    return { user: p.user ?? null, csrfToken: p.csrfToken, page: p.page };
  } catch {
    return { user: null };
  }
}
