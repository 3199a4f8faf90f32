/** Small building blocks every page uses: loading data (and polling it), errors, tables, meters, figures. */
import type { Child } from "hono/jsx";
import { useCallback, useEffect, useRef, useState } from "hono/jsx/dom";
import { ApiError } from "./api";

export interface Loaded<T> {
  data: T | undefined;
  error: Error | undefined;
  loading: boolean;
  reload: () => void;
}

/** Runs `load` now and whenever `deps` change; with `everyMs`, again on that period while the tab is visible. */
export function useLoad<T>(load: () => Promise<T>, deps: unknown[], everyMs?: number): Loaded<T> {
  const [data, setData] = useState<T | undefined>(undefined);
  const [error, setError] = useState<Error | undefined>(undefined);
  const [loading, setLoading] = useState(true);
  const [tick, setTick] = useState(0);
  const latest = useRef(0);
  useEffect(() => {
    const n = ++latest.current;
    setLoading(true);
    load().then(
      (d) => {
        if (n !== latest.current) return;
        setData(d);
        setError(undefined);
        setLoading(false);
      },
      (e: Error) => {
        if (n !== latest.current) return;
        setError(e);
        setLoading(false);
      },
    );
  }, [...deps, tick]);
  useEffect(() => {
    if (!everyMs) return;
    const t = setInterval(() => {
      if (document.visibilityState === "visible") setTick((x) => x + 1);
    }, everyMs);
    return () => clearInterval(t);
  }, [everyMs, ...deps]);
  const reload = useCallback(() => setTick((x) => x + 1), []);
  return { data, error, loading, reload };
}

export function ErrorNote({ error }: { error: unknown }) {
  if (!error) return null;
  const e = error as Error;
  const status = e instanceof ApiError && e.status ? ` (HTTP ${e.status})` : "";
  const text = e instanceof ApiError && e.status === 403 ? `Your role may not do this: ${e.message}` : e.message;
  return (
    <p class="note error" role="alert">
      {text}
      {status}
    </p>
  );
}

/** What a Loaded shows before its data: a loading line or the error. */
export function Pending({ state }: { state: Loaded<unknown> }) {
  if (state.error && state.data === undefined) return <ErrorNote error={state.error} />;
  if (state.data === undefined) return <p class="muted" aria-live="polite">Loading…</p>;
  return null;
}

export function Table({ caption, head, rows, empty }: { caption: string; head: string[]; rows: Child[][]; empty?: string }) {
  if (!rows.length) return <p class="muted">{empty ?? "Nothing to show."}</p>;
  return (
    <div class="scroll" tabindex={0} role="region" aria-label={caption}>
      <table>
        <caption class="sr-only">{caption}</caption>
        <thead>
          <tr>
            {head.map((h) => (
              <th scope="col">{h}</th>
            ))}
          </tr>
        </thead>
        <tbody>
          {rows.map((r) => (
            <tr>
              {r.map((cell, i) => (
                <td data-label={head[i]}>{cell}</td>
              ))}
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

/** A labelled bar: used of total, with the figure in words for screen readers. */
export function Meter({ label, used, total, text, neutral }: { label: string; used: number; total: number; text: string; neutral?: boolean }) {
  const pct = total > 0 ? Math.min(100, Math.max(0, (used / total) * 100)) : 0;
  return (
    <div class="meter">
      <div class="meter-head">
        <span>{label}</span>
        <span>{text}</span>
      </div>
      <div class={`bar${neutral ? " neutral" : pct >= 90 ? " hot" : pct >= 75 ? " warm" : ""}`} role="meter" aria-label={label} aria-valuemin={0} aria-valuemax={100} aria-valuenow={Math.round(pct)} aria-valuetext={text}>
        <span style={`width:${pct.toFixed(1)}%`} />
      </div>
    </div>
  );
}

export function Badge({ tone, children }: { tone?: string; children: Child }) {
  return <span class={`badge ${tone ?? ""}`}>{children}</span>;
}

const TONES: Record<string, string> = {
  done: "ok", ok: "ok", running: "info", planning: "info", pending: "info", awaiting_approval: "warn", failed: "bad", cancelled: "muted",
  skipped: "muted", low: "ok", medium: "warn", high: "bad", critical: "bad", approved: "ok", denied: "bad", stopped: "bad", restarting: "warn",
};
export const tone = (s: string) => TONES[s] ?? "";

export function Json({ value, label = "Data" }: { value: unknown; label?: string }) {
  return (
    <details class="json">
      <summary>{label}</summary>
      <pre>{JSON.stringify(value, null, 2)}</pre>
    </details>
  );
}

export function bytes(n: number): string {
  const units = ["B", "KiB", "MiB", "GiB", "TiB"];
  let i = 0;
  while (n >= 1024 && i < units.length - 1) {
    n /= 1024;
    i++;
  }
  return `${i === 0 ? n : n.toFixed(1)} ${units[i]}`;
}

export function duration(ms: number): string {
  if (ms < 1000) return `${Math.round(ms)} ms`;
  const s = Math.floor(ms / 1000);
  if (s < 60) return `${(ms / 1000).toFixed(1)} s`;
  const d = Math.floor(s / 86400);
  const h = Math.floor((s % 86400) / 3600);
  const m = Math.floor((s % 3600) / 60);
  if (d) return `${d} d ${h} h`;
  return h ? `${h} h ${m} min` : `${m} min ${s % 60} s`;
}

export const when = (ts: number) => new Date(ts).toLocaleString(undefined, { dateStyle: "short", timeStyle: "medium" });
export const ago = (ts: number) => `${duration(Math.max(0, Date.now() - ts))} ago`;

let pagesShown = 0;

/**
 * A page's heading and its intro line. When the page changes (not on the
 * first one, where the skip link comes first), the heading takes focus, so
 * screen readers announce it and Tab goes on from there.
 */
export function Title({ children, intro }: { children: Child; intro?: Child }) {
  const ref = useRef<HTMLHeadingElement>(null);
  useEffect(() => {
    if (pagesShown++ > 0) ref.current?.focus({ preventScroll: true });
  }, []);
  return (
    <header class="page-head">
      <h1 tabindex={-1} ref={ref}>
        {children}
      </h1>
      {intro ? <p class="muted">{intro}</p> : null}
    </header>
  );
}
