/** install a package: "install nginx", "apt install curl git", "install the htop package". */
import { absolutePaths, nameList, PACKAGE_SPEC, urls } from "../extract";
import { defineIntent, IntentRefusal, refuse } from "../intent";
import { packageState, packageTasks } from "./common";

const FILLER = new Set(["the", "a", "an", "package", "packages", "latest", "newest", "debian", "please", "-y", "--yes", "also", "too", "as", "well"]);
const VERB = /^(?:sudo\s+)?(?:(?:apt|apt-get|aptitude)\s+(?:-y\s+)?install|install|add\s+(?:the\s+)?packages?)(?:\s+(.*))?$/;
/** Where the package list ends: what follows says how or why, not what. */
const STOP = /\s+(?:as|for|on|onto|to|with|from|so|because|using|via|in|into|then)\b.*$/;

export interface InstallArgs {
  names: string[];
}

export const installPackage = defineIntent<InstallArgs>({
  name: "install-package",
  summary: "install a package",
  examples: ["install nginx", "install htop, curl and git", "apt-get install -y redis-server", "install the nginx package", "install nginx=1.22.1-9+deb12u1"],
  match(clause) {
    const m = VERB.exec(clause.lower);
    if (!m) return null;
    if (/\breverse\s+proxy\b/.test(clause.lower)) return null;
    if (absolutePaths(clause.text).length || urls(clause.text).length) return null; // a .deb file or a URL: not this intent
    const words = nameList((m[1] ?? "").replace(STOP, ""), FILLER);
    if (words.length === 0) return refuse("say which package to install (e.g. \"install nginx\")");
    const bad = words.find((w) => !PACKAGE_SPEC.test(w));
    if (bad) return refuse(`"${bad}" is not a Debian package name (lower-case letters, digits, + - .)`);
    return { names: [...new Set(words)] };
  },
  object: (a) => a.names.map((n) => n.split("=")[0]).join(" and "),
  describe: (a) => `packages: ${a.names.join(", ")}`,
  async plan(a, ctx) {
    for (const spec of a.names) {
      const name = spec.split("=")[0]!;
      const s = await packageState(ctx, name);
      // Unknown to every repository: refuse now. No answer (a repository disk not attached): the install step will say.
      if (s.state === "unknown") throw new IntentRefusal(`${name} is not in any configured package repository (${s.why})`);
      ctx.earlier.installs.add(name);
    }
    return packageTasks(a.names);
  },
});
