/** The JSON Django puts on <div id="root" data-props='...'>. */
import type { User } from "../api/types";

export interface PageProps {
  user: User | null;
  csrfToken?: string;
  page?: string;
  /** On a share link's page (`page: "share"`): the link's token and the thread it shows. */
  token?: string;
  threadId?: string;
}

export function readPageProps(el: HTMLElement): PageProps {
  const raw = el.dataset.props;
  if (!raw) return { user: null };
  try {
    const p = JSON.parse(raw) as Partial<PageProps>;
    return { user: p.user ?? null, csrfToken: p.csrfToken, page: p.page, token: p.token, threadId: p.threadId };
  } catch {
    return { user: null };
  }
}
