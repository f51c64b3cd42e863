// Live pages: load now, then again every few seconds while the page is shown, never two loads
// at once; and a clock for the timers that tick between loads.
import { useCallback, useEffect, useRef, useState } from 'preact/hooks';

export interface Polled<T> {
  data: T | undefined;
  error: Error | undefined;
  reload: () => void;
}

export function usePoll<T>(load: () => Promise<T>, everyMs: number, deps: unknown[]): Polled<T> {
  const [data, setData] = useState<T | undefined>(undefined);
  const [error, setError] = useState<Error | undefined>(undefined);
  const busy = useRef(false);
  const again = useRef(false);
  const alive = useRef(true);
  const generation = useRef(0);

  const run = useCallback(async () => {
    // A reload asked for during a load (an act was just recorded) runs right after it.
    if (busy.current) {
      again.current = true;
      return;
    }
    busy.current = true;
    const mine = generation.current;
    try {
      const value = await load();
      if (alive.current && mine === generation.current) {
        setData(value);
        setError(undefined);
      }
    } catch (caught) {
      if (alive.current && mine === generation.current) setError(caught as Error);
    } finally {
      busy.current = false;
      if (again.current && alive.current) {
        again.current = false;
        void run();
      }
    }
  }, deps);

  useEffect(() => {
    alive.current = true;
    generation.current++;
    busy.current = false;
    setData(undefined);
    void run();
    const timer = setInterval(() => {
      if (document.visibilityState === 'visible') void run();
    }, everyMs);
    return () => {
      alive.current = false;
      clearInterval(timer);
    };
  }, [run, everyMs]);

  return { data, error, reload: () => void run() };
}

// One clock for every timer on the page: each timer re-renders itself every second, the page
// around it does not (an overview with hundreds of trucks at the post stays light).
const ticking = new Set<(now: number) => void>();
let clock: ReturnType<typeof setInterval> | undefined;

/** The current time, re-rendering the calling component (only) every second. */
export function useNow(): number {
  const [now, setNow] = useState(Date.now());
  useEffect(() => {
    ticking.add(setNow);
    clock ??= setInterval(() => {
      const at = Date.now();
      for (const update of ticking) update(at);
    }, 1000);
    return () => {
      ticking.delete(setNow);
      if (ticking.size === 0) {
        clearInterval(clock);
        clock = undefined;
      }
    };
  }, []);
  return now;
}
