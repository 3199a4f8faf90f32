/**
 * `completion bash`: a completion script generated from the verb table, so
 * it never falls behind. Tool names and a tool's argument names come from the
 * running system through the hidden `__complete` verb (same URL and token as
 * any verb; silent and quick when nothing answers).
 */
import { EXIT, usageError } from "../errors";
import type { ToolInfo } from "./tools";
import { defineVerb, FLAGS, type Verb } from "../verb";

export function bashScript(verbs: Verb[]): string {
  const globals = Object.entries(FLAGS).filter(([, f]) => "global" in f && f.global).map(([n]) => `--${n}`);
  const valued = Object.entries(FLAGS).filter(([, f]) => f.type === "string").map(([n]) => `--${n}`);
  const cases = verbs
    .map((v) => {
      const flags = [...(v.flags ?? []).map((f) => `--${f}`), ...globals].join(" ");
      const files = v.files ? ' $(compgen -f -- "$cur")' : "";
      const first = Array.isArray(v.complete) ? `COMPREPLY=($(compgen -W "${v.complete.join(" ")}" -- "$cur")${files}); return` : v.complete === "tools" ? 'COMPREPLY=($(compgen -W "$("$1" ctl __complete tools 2>/dev/null)" -- "$cur")); return' : ":";
      const rest = v.name === "call" ? 'COMPREPLY=($(compgen -W "$("$1" ctl __complete args "${words[0]}" 2>/dev/null)" -- "$cur")); compopt -o nospace 2>/dev/null; return' : ":";
      return `    ${v.name}) if [[ $cur == -* ]]; then COMPREPLY=($(compgen -W "${flags}" -- "$cur")); return; fi
      if (( \${#words[@]} == 0 )); then ${first}; else ${rest}; fi ;;`;
    })
    .join("\n");
  return `# bash completion for aios-init (aios-init ctl completion bash > /etc/bash_completion.d/aios-init)
_aios_init() {
  local cur=\${COMP_WORDS[COMP_CWORD]} prev=\${COMP_WORDS[COMP_CWORD-1]}
  local i verb="" words=() ctl=0
  for ((i = 1; i < COMP_CWORD; i++)); do
    local w=\${COMP_WORDS[i]}
    if (( ! ctl )); then [[ $w == ctl ]] && ctl=1; continue; fi
    case $w in ${valued.join("|")}) ((i++)); continue ;; -*) continue ;; esac
    if [[ -z $verb ]]; then verb=$w; else words+=("$w"); fi
  done
  if (( ! ctl )); then COMPREPLY=($(compgen -W "ctl models --dev --help" -- "$cur")); return; fi
  case $prev in ${valued.join("|")}) return ;; esac
  if [[ -z $verb ]]; then COMPREPLY=($(compgen -W "${verbs.map((v) => v.name).join(" ")} ${globals.join(" ")}" -- "$cur")); return; fi
  case $verb in
${cases}
  esac
}
complete -F _aios_init aios-init
`;
}

export function completionVerb(verbs: () => Verb[]): Verb {
  return defineVerb({
    name: "completion",
    args: "bash",
    summary: "print the bash completion script",
    complete: ["bash"],
    async run(ctx, args) {
      if (args[0] !== "bash" || args.length > 1) throw usageError("usage: aios-init ctl completion bash (add `source <(aios-init ctl completion bash)` to ~/.bashrc)");
      ctx.io.out(bashScript(verbs()));
      return EXIT.ok;
    },
  });
}

/** Hidden: words for the completion script. Never fails loudly. */
export const complete = defineVerb({
  name: "__complete",
  summary: "",
  async run(ctx, args) {
    try {
      if (args[0] === "tools") {
        const r = await ctx.api().get<{ tools: ToolInfo[] }>("/api/v1/tools");
        ctx.io.out(r.tools.map((t) => t.name).join("\n"));
      } else if (args[0] === "args" && args[1]) {
        const t = await ctx.api().get<ToolInfo>(`/api/v1/tools/${encodeURIComponent(args[1])}`);
        ctx.io.out(Object.keys(t.inputSchema.properties ?? {}).map((k) => `${k}=`).join("\n"));
      }
    } catch {
      // nothing to offer
    }
    return EXIT.ok;
  },
});
