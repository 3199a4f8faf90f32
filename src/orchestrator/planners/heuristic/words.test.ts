import { describe, expect, test } from "bun:test";
import { lex } from "./lex";
import { editDistance, meaningful, Vocabulary } from "./words";

describe("fillers and preambles", () => {
  test("are dropped; words that could change what is done never are", () => {
    const words = (s: string) => meaningful(lex(s)).map((t) => t.text);
    expect(words("Can you please restart the nginx service for me now?")).toEqual(["restart", "nginx", "service"]);
    expect(words("I want to stop all services except nginx")).toEqual(["stop", "all", "services", "except", "nginx"]);
    expect(words("don't remove it")).toEqual(["do", "not", "remove", "it"]);
    expect(words("show the disk usage on this machine")).toEqual(["show", "disk", "usage"]);
    expect(words("how much memory is being used")).toEqual(["how", "much", "memory", "is", "used"]);
  });

  test("a question's wrappers, in any order, before the question; a yes/no question is asked as 'check whether'", () => {
    const words = (s: string) => meaningful(lex(s)).map((t) => t.text);
    expect(words("I was wondering which services are running")).toEqual(["which", "services", "are", "running"]);
    expect(words("please find out who is logged in")).toEqual(["who", "is", "logged", "in"]);
    expect(words("could you please let me know what is listening")).toEqual(["what", "is", "listening"]);
    expect(words("do you happen to know what time it is")).toEqual(["what", "time", "it", "is"]);
    expect(words("let me know if port 22 is open")).toEqual(["check", "if", "port", "22", "is", "open"]);
    expect(words("I'm curious whether curl is installed")).toEqual(["check", "whether", "curl", "is", "installed"]);
    expect(words("see if nginx is up")).toEqual(["check", "if", "nginx", "is", "up"]);
    // Not a question: a polite request, or something to be shown.
    expect(words("I was wondering if you could restart nginx")).toEqual(["restart", "nginx"]);
    expect(words("I need to know the disk usage")).toEqual(["show", "disk", "usage"]);
    expect(words("on this server, restart nginx thank you very much")).toEqual(["restart", "nginx"]);
  });
});

describe("typos", () => {
  test("Damerau-Levenshtein distance: insertions, deletions, substitutions, transpositions", () => {
    expect([editDistance("instal", "install"), editDistance("restrat", "restart"), editDistance("firewal", "firewall"), editDistance("ab", "ba"), editDistance("abc", "xyz", 1)]).toEqual([1, 1, 1, 1, 2]);
  });

  test("a word gets the one vocabulary word (length ≥ 5) within one edit; a tie or a short word gets none", () => {
    const v = new Vocabulary(["install", "restart", "start", "stop", "show", "status", "statue"]);
    expect(v.fixOf("instal")).toBe("install");
    expect(v.fixOf("rstart")).toBeNull(); // start and restart
    expect(v.fixOf("stauts")).toBe("status"); // one transposition; statue is two edits away
    expect(v.fixOf("statux")).toBeNull(); // one substitution from both status and statue
    expect(v.fixOf("shw")).toBeNull(); // "show" is shorter than 5
    expect(v.fixOf("install")).toBeNull(); // known
  });

  test("a four-letter word is read only as the one four-letter word two adjacent letters swapped make", () => {
    const v = new Vocabulary(["show", "stop", "spot", "list", "lots", "lost", "from"]);
    expect([v.fixOf("shwo"), v.fixOf("sotp"), v.fixOf("lsit"), v.fixOf("form")]).toEqual(["show", "stop", "list", "from"]);
    expect(v.fixOf("shox")).toBeNull(); // a substitution: too many short words are one substitution apart
    expect(v.fixOf("sotl")).toBeNull(); // nothing one swap away
    expect(v.fixOf("lost")).toBeNull(); // known (it is also "lots" swapped)
    expect(v.fixOf("olts")).toBe("lots");
    expect(new Vocabulary(["time", "item"]).fixOf("tiem")).toBeNull(); // "tiem" is both time and item swapped once: a tie
  });
});
