/** Sign in with an API token; it is exchanged for the session cookie and forgotten by the page. */
import { useState } from "hono/jsx/dom";
import { type Session, signIn } from "../api";
import { ErrorNote } from "../ui";

export function SignIn({ onSignedIn }: { onSignedIn: (s: Session) => void }) {
  const [error, setError] = useState<Error | undefined>(undefined);
  const [busy, setBusy] = useState(false);
  const submit = async (e: Event) => {
    e.preventDefault();
    const form = e.target as HTMLFormElement;
    const input = form.elements.namedItem("token") as HTMLInputElement;
    const token = input.value.trim();
    if (!token) {
      setError(new Error("Enter a token."));
      input.focus();
      return;
    }
    setBusy(true);
    try {
      const s = await signIn(token);
      input.value = "";
      // No state set after this: the shell replaces this page, and a late update would render it again.
      onSignedIn(s);
    } catch (err) {
      setBusy(false);
      setError(err as Error);
      input.select();
    }
  };
  return (
    <main id="main" class="signin">
      <h1>aiOS console</h1>
      <p class="muted">Sign in with an API token: the boot token (saved in /var/lib/aios/secrets/api-token), or one an admin made for you.</p>
      {/* method=post: even without JavaScript the token never lands in a URL. */}
      <form method="post" action="#" onSubmit={submit}>
        <label for="token">API token</label>
        <input id="token" name="token" type="password" autocomplete="off" spellcheck={false} required aria-describedby={error ? "signin-error" : undefined} />
        <button type="submit" disabled={busy}>
          {busy ? "Signing in…" : "Sign in"}
        </button>
      </form>
      <div id="signin-error">
        <ErrorNote error={error} />
      </div>
    </main>
  );
}
