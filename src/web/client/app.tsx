/** The shell: sign-in, the navigation, and the page the location's hash names (#/goals/3). */
import { useEffect, useState } from "hono/jsx/dom";
import { currentSession, get, type Session, signOut, whenSignedOut } from "./api";
import { Agents } from "./pages/agents";
import { Approvals } from "./pages/approvals";
import { Audit } from "./pages/audit";
import { Dashboard } from "./pages/dashboard";
import { Fleet } from "./pages/fleet";
import { Gateway } from "./pages/gateway";
import { GoalPage, Goals } from "./pages/goals";
import { Memory } from "./pages/memory";
import { Models } from "./pages/models";
import { Reference } from "./pages/reference";
import { SignIn } from "./pages/signin";
import { ToolPage, Tools } from "./pages/tools";
import { SessionContext } from "./session";

interface Route {
  path: string;
  label: string;
  /** Shown only when this says so (the fleet page, when fleet mode is on). */
  when?: (app: AppFacts) => boolean;
}

interface AppFacts {
  fleet: boolean;
}

const NAV: Route[] = [
  { path: "", label: "Dashboard" },
  { path: "goals", label: "Goals" },
  { path: "approvals", label: "Approvals" },
  { path: "agents", label: "Agents" },
  { path: "tools", label: "Tools" },
  { path: "audit", label: "Audit" },
  { path: "memory", label: "Memory" },
  { path: "models", label: "Models" },
  { path: "gateway", label: "Gateway" },
  { path: "fleet", label: "Fleet", when: (f) => f.fleet },
  { path: "api", label: "API reference" },
];

function useHash(): string[] {
  const read = () => location.hash.replace(/^#\/?/, "").split("/").filter(Boolean).map(decodeURIComponent);
  const [parts, setParts] = useState(read());
  useEffect(() => {
    // Routes are "#/..." (or none); an in-page anchor such as the skip link's "#main" is not a page change.
    const on = () => (location.hash === "" || location.hash.startsWith("#/") ? setParts(read()) : undefined);
    addEventListener("hashchange", on);
    return () => removeEventListener("hashchange", on);
  }, []);
  return parts;
}

function Page({ parts, facts }: { parts: string[]; facts: AppFacts }) {
  const [top, arg] = parts;
  switch (top ?? "") {
    case "":
      return <Dashboard />;
    case "goals":
      return arg ? <GoalPage id={arg} /> : <Goals />;
    case "approvals":
      return <Approvals />;
    case "agents":
      return <Agents />;
    case "tools":
      return arg ? <ToolPage name={arg} /> : <Tools />;
    case "audit":
      return <Audit />;
    case "memory":
      return <Memory />;
    case "models":
      return <Models />;
    case "gateway":
      return <Gateway />;
    case "fleet":
      return <Fleet on={facts.fleet} />;
    case "api":
      return <Reference />;
    default:
      return (
        <section>
          <h1>Not found</h1>
          <p>
            There is no page <code>#/{parts.join("/")}</code>. <a href="#/">Back to the dashboard</a>.
          </p>
        </section>
      );
  }
}

export function App() {
  const [session, setSession] = useState<Session | null | undefined>(undefined);
  const [facts, setFacts] = useState<AppFacts>({ fleet: false });
  const parts = useHash();
  const route = parts.join("/");
  // The phone menu is open for the page it was opened on: going to another page closes it in the
  // same render that shows that page (an effect after it would leave one frame with both).
  const [menuAt, setMenuAt] = useState<string | null>(null);
  const menu = menuAt === route;

  useEffect(() => {
    whenSignedOut(() => setSession(null));
    currentSession().then(setSession);
  }, []);
  useEffect(() => {
    if (!session) return;
    get<{ connected?: boolean }>("/api/v1/fleet/nodes").then(
      () => setFacts({ fleet: true }),
      () => setFacts({ fleet: false }),
    );
  }, [session]);

  if (session === undefined) return <p class="muted boot">Loading the aiOS console…</p>;
  if (session === null) return <SignIn onSignedIn={setSession} />;

  const here = parts[0] ?? "";
  return (
    <SessionContext.Provider value={session}>
      <a class="skip" href="#main" onClick={(e: Event) => (e.preventDefault(), document.getElementById("main")?.focus())}>
        Skip to content
      </a>
      <header class="top">
        <a class="brand" href="#/">
          aiOS
        </a>
        <button class="menu-toggle" type="button" aria-expanded={menu ? "true" : "false"} aria-controls="nav" onClick={() => setMenuAt(menu ? null : route)}>
          Menu
        </button>
        <span class="who">
          Signed in as <strong>{session.role}</strong>
        </span>
        <button
          type="button"
          class="quiet"
          onClick={async () => {
            await signOut();
            setSession(null);
          }}
        >
          Sign out
        </button>
      </header>
      <div class="layout">
        <nav id="nav" class={menu ? "open" : ""} aria-label="Pages">
          <ul>
            {NAV.filter((r) => !r.when || r.when(facts)).map((r) => (
              <li>
                <a href={`#/${r.path}`} aria-current={here === r.path ? "page" : undefined}>
                  {r.label}
                </a>
              </li>
            ))}
          </ul>
        </nav>
        <main id="main" tabindex={-1}>
          <Page parts={parts} facts={facts} />
        </main>
      </div>
    </SessionContext.Provider>
  );
}
