/** The aiOS web console, built into the binary (../bundle.ts) and served at `/` (../routes.ts). */
import { render } from "hono/jsx/dom";
import { App } from "./app";
import "./style.css";

render(<App />, document.getElementById("app")!);
