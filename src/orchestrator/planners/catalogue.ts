/**
 * The heuristic catalogue (planners/heuristic: its intents, lexer, grammar and
 * safety lines), evaluated at its first use — a goal read, a model's call
 * vetted, a stored plan matched — instead of at every start. It is the largest
 * share of the program's module evaluation (~12% on the host, more under TCG)
 * and nothing on the way to ready reads a goal. `require` keeps every use
 * synchronous: the bundle evaluates the modules at that call, once.
 */
type Heuristic = typeof import("./heuristic");
type Grammar = typeof import("./heuristic/grammar");
type Safety = typeof import("./heuristic/safety");
type Fits = typeof import("./heuristic/fits");

export interface Catalogue {
  heuristic: Heuristic;
  readGoal: Grammar["readGoal"];
  unsafe: Safety["unsafe"];
  problem: Fits["problem"];
}

let loaded: Catalogue | undefined;

export function catalogue(): Catalogue {
  return (loaded ??= {
    heuristic: require("./heuristic") as Heuristic,
    readGoal: (require("./heuristic/grammar") as Grammar).readGoal,
    unsafe: (require("./heuristic/safety") as Safety).unsafe,
    problem: (require("./heuristic/fits") as Fits).problem,
  });
}
