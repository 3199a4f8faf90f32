/** Who is signed in, for any page: the shell (app.tsx) provides it; pages read it. */
import { createContext, useContext } from "hono/jsx/dom";
import type { Session } from "./api";

export const SessionContext = createContext<Session>({ role: "viewer", mode: "cookie" });
export const useSession = () => useContext(SessionContext);
/** May this role change things (goals, approvals, tool calls, documents)? Viewers only read. */
export const canAct = (s: Session) => s.role !== "viewer";
