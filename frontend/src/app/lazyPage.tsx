import { useEffect, useState, type ComponentType } from "react";
import { Loading } from "../ui/Spinner";

/**
 * Like React.lazy, without Suspense: the page shows a spinner, then renders when its chunk
 * arrives, as a plain state update. React holds back a Suspense boundary's content for up
 * to 300 ms after its fallback appeared, which made every full load of a canvas page wait
 * on a timer rather than on the network. `preload` starts the download early.
 */
export function lazyPage<P extends object>(load: () => Promise<ComponentType<P>>, label?: string) {
  let loaded: ComponentType<P> | null = null;
  let loading: Promise<ComponentType<P>> | null = null;
  const preload = (): Promise<ComponentType<P>> => {
    loading ??= load().then(
      (c) => (loaded = c),
      (e: unknown) => {
        loading = null; // let a later visit try again
        throw e;
      },
    );
    return loading;
  };
  function Page(props: P) {
    const [Component, setComponent] = useState<ComponentType<P> | null>(() => loaded);
    const [failure, setFailure] = useState<Error | null>(null);
    useEffect(() => {
      if (Component) return;
      let live = true;
      preload().then(
        (c) => live && setComponent(() => c),
        (e: unknown) => live && setFailure(e instanceof Error ? e : new Error(String(e))),
      );
      return () => {
        live = false;
      };
    }, [Component]);
    if (failure) throw failure; // the page's error boundary says so
    if (!Component) return <Loading label={label} />;
    return <Component {...props} />;
  }
  return { Page, preload };
}
