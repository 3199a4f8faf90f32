/**
 * The one executor every tool call goes through, whoever makes it (agents,
 * the API, the REPL), always in this order:
 *
 *   validate input → check the caller's capability → autonomy gate →
 *   audit the request → execute (AbortSignal, timeout) → check the output →
 *   audit the result and keep the undo record
 *
 * Each stage that writes does so in one transaction on the ledger's database
 * (calls row + audit row: commits.ts), and stages share a commit where
 * nothing could look in between: a tool that runs to its end synchronously
 * has its request written in its result's commit (see run), a staged call's
 * undo record goes with its result, and the results of calls that end
 * together share one transaction and one flush. The executor is
 * the pipeline alone: which calls wait for a person is the policy's
 * (policy.ts: autonomy level, remembered rules), a held call and its decision
 * are the approvals' (approvals.ts), undo is rollback's (rollback.ts), how
 * its writes reach the disk and staged files follow them is commits.ts's, and
 * boot recovery is recovery's (recovery.ts); each reaches back through a narrow
 * port, never this class.
 *
 * Nothing is answered before it is on disk. Every outcome (result, refusal,
 * hold) waits for the ledger's group commit; a changing call's request is
 * durable before its first change: with its undo record (saveUndo flushes),
 * or before execute for a changing tool that keeps none. Files a call stages
 * are put in place only after its result row, which lists them, is durable,
 * so boot can finish them (tools/recovery.ts).
 */
import { join } from "node:path";
import { type AuditInput, type AuditLedger, type AuditRow, CallStore, GrantStore, type NewCall } from "../memory";
import { commitKeepsWritten, log, Staging, withLogFields } from "../sys";
import { bounded, isPromiseLike } from "./bounded";
import { type Begin, CallCommits, type Finish } from "./commits";
import type { Capabilities } from "./capabilities";
import { callRisk, type Tool, type ToolContext, type ToolEnv, type ToolHost } from "./define";
import { CallNotFoundError, ToolCancelledError, ToolError, ToolExecutionError, ToolForbiddenError, ToolInputError, ToolOutputError } from "./errors";
import { lacking } from "./authority";
import { auditedArgs, redactJson } from "./redact";
import { redactRow } from "./redaction";
import { type ApprovedCall, Approvals, behalf } from "./approvals";
import type { AutonomyLevel } from "./gate";
import { Policy } from "./policy";
import type { ToolRegistry } from "./registry";
import { type Recovery, recover } from "./recovery";
import { Rollback, type CorrelationUndo, type UndoOutcome } from "./rollback";
import { checkOutput, parseArgs } from "./schema";
import type { CallOutcome, CallRequest, ToolCaller } from "./types";
import { type CallView, callId, idNumber, toCallView } from "./views";

export interface ExecutorOptions {
  registry: ToolRegistry;
  ledger: AuditLedger;
  capabilities: Capabilities;
  env: ToolEnv;
  /** From config `system.autonomy_level`; changed at run time with policy.setLevel. Default supervised. */
  level?: AutonomyLevel;
  /** Services other tool families need (see ToolHost); the executor adds ledger, capabilities, grants, registry. */
  host?: Partial<ToolHost>;
  /** For tools that declare `timeoutMs: 0`. Default 30 s. */
  defaultTimeoutMs?: number;
  /** Results and audited arguments longer than this (JSON characters) are stored as a marker. Default 16 KiB. */
  keepChars?: number;
}

/** How a call ended, for the metrics: ran (ok, error, timeout, cancelled), held for a person (queued), or refused before it ran (bad arguments, missing capability). */
export type CallObservation =
  | { tool: string; agent: string; outcome: "ok" | "error" | "timeout" | "cancelled"; seconds: number }
  | { tool: string; agent: string; outcome: "queued" | "refused" };

const NO_UNDO = Symbol("no undo");

const ZERO_DEFAULT_TIMEOUT_MS = 30_000;

export class Executor implements ToolCaller {
  readonly registry: ToolRegistry;
  readonly ledger: AuditLedger;
  readonly capabilities: Capabilities;
  readonly env: ToolEnv;
  readonly calls: CallStore;
  readonly grants: GrantStore;
  readonly host: ToolHost;
  /** Which calls wait for a person: the autonomy level and the remembered rules. */
  readonly policy: Policy;
  /** Held calls and the decisions on them. */
  readonly approvals: Approvals;
  private readonly rollbacks: Rollback;
  readonly defaultTimeoutMs: number;
  private readonly keepChars: number;
  private readonly observers = new Set<(o: CallObservation) => void>();
  /** Where staged files wait for their call's result to be durable (on the data disk). */
  readonly spool: string;
  /** How a call's rows reach the database and the disk, and its staged files after them. */
  private readonly commits: CallCommits;
  /** Writes the begin of the call whose tool is running synchronously now, if not written yet (see run). */
  private unwritten: (() => void) | null = null;

  constructor(opts: ExecutorOptions) {
    this.registry = opts.registry;
    this.ledger = opts.ledger;
    this.capabilities = opts.capabilities;
    this.env = opts.env;
    this.defaultTimeoutMs = opts.defaultTimeoutMs ?? ZERO_DEFAULT_TIMEOUT_MS;
    this.keepChars = opts.keepChars ?? 16 * 1024;
    const db = opts.ledger.database;
    this.spool = join(opts.env.paths.data, "cache", "staging");
    this.calls = new CallStore(db, { sync: () => this.ledger.syncNow(), settle: () => this.ledger.settle() });
    this.grants = new GrantStore(db);
    this.host = { ...opts.host, ledger: this.ledger, capabilities: this.capabilities, grants: this.grants, registry: this.registry } as ToolHost;
    this.policy = new Policy(this, opts.level);
    this.approvals = new Approvals(this);
    this.rollbacks = new Rollback(this);
    this.host.rollback = this.rollbacks.port();
    this.ledger.beforeRead(() => this.unwritten?.());
    this.commits = new CallCommits(this.ledger, this.calls);
  }

  private orderedOn: number | undefined | null = null;
  /** Calls between their start and their answer: one alone writes its record out on this thread (AuditLedger.commitWritten). */
  private running = 0;

  /**
   * The ledger's filesystem where one journal commit there persists what
   * was written before it (sys commitKeepsWritten): staged files on it take
   * the one-flush protocol (CallCommits.apply). Looked at on the first call,
   * once: the disks are mounted by then and stay.
   */
  private recordOn(): number | undefined {
    if (this.orderedOn === null) {
      const dev = this.ledger.device;
      this.orderedOn = dev !== null && commitKeepsWritten(dev) ? dev : undefined;
      log.info(`tools: files written beside the ledger take ${this.orderedOn === undefined ? "two flushes a call (its filesystem's journal commit does not persist what was written before it)" : "one flush a call (a journal commit persists what was written before it)"}`);
    }
    return this.orderedOn;
  }

  /** Boot: finishes what a crash left half done, before the first call (see tools/recovery.ts). */
  recover(): Promise<Recovery> {
    const { registry, ledger, calls, env, host, spool, defaultTimeoutMs } = this;
    // A slice, not `this`: recovery never sees the pipeline, the policy or the approvals.
    return recover({
      registry, ledger, calls, env, host, spool, defaultTimeoutMs,
      approvedCalls: () => this.approvals.store.approvedSince(0),
      rollback: (id, by) => this.rollbacks.one(id, by),
      write: (fn) => this.write(fn),
    });
  }

  // ---- the pipeline -------------------------------------------------------

  async call(req: CallRequest): Promise<CallOutcome> {
    const tool = this.registry.require(req.tool);
    let args: unknown;
    try {
      args = this.validate(tool, req);
      this.authorize(tool, req.agent, req.correlationId, undefined, req.onBehalfOf);
    } catch (err) {
      this.report({ tool: tool.name, agent: req.agent, outcome: "refused" });
      await this.ledger.durable(); // the refusal's row before the refusal
      throw err;
    }
    if (req.signal?.aborted) throw new ToolCancelledError(tool.name);
    const argsJson = JSON.stringify(args) ?? "null";
    const auditJson = auditedArgs(tool, args, argsJson); // what the ledger and the calls table keep (redact.ts)
    const risk = callRisk(tool, args, this.env);
    let via = behalf(req.onBehalfOf);
    const gate = this.policy.admit(tool, args, risk, req.autonomy);
    if (gate.hold) {
      const held = this.approvals.hold(tool, req, argsJson, auditJson, risk);
      this.report({ tool: tool.name, agent: req.agent, outcome: "queued" });
      await this.ledger.durable();
      return held;
    }
    if (gate.rule) via += `,"rule":"${gate.rule.id}"`;
    const seq = this.calls.nextSeq();
    const id = callId(seq);
    const call: NewCall = { seq, ts: Date.now(), tool: tool.name, agent: req.agent, correlationId: req.correlationId ?? null, args: auditJson, status: "running" };
    const audit: AuditInput = { kind: "request", callId: id, tool: tool.name, agent: req.agent, correlationId: req.correlationId };
    const begin: Begin = { call, audit, json: `{"args":${this.keep(auditJson)}${via}}` };
    const result = await withLogFields({ callId: id, correlationId: req.correlationId }, () => this.run(seq, tool, args, req.agent, req.correlationId, req.signal, req.onBehalfOf, begin));
    return { status: "done", callId: id, result };
  }

  /** Argument check; a refusal is audited, naming the field (never the arguments). */
  private validate(tool: Tool, req: CallRequest): unknown {
    try {
      return parseArgs(tool, req.args);
    } catch (err) {
      if (err instanceof ToolInputError) {
        // The value the caller sent may be a secret: the reason is kept, the "(got ...)" echo is not.
        const data = JSON.stringify({ field: err.field, message: err.message.replace(/ \(got [^]*\)$/, ""), onBehalfOf: req.onBehalfOf });
        this.write(() => this.ledger.appendJson({ kind: "refused", tool: tool.name, agent: req.agent, correlationId: req.correlationId }, data));
      }
      throw err;
    }
  }

  /** Capability check of the agent and of the principal it acts for; a refusal is audited (and is the only thing audited for that call). */
  private authorize(tool: Tool, agent: string, correlationId: string | undefined, id?: string, onBehalfOf?: string): void {
    const who = lacking(this.capabilities, tool.name, agent, onBehalfOf);
    if (who === undefined) return;
    const err = who === agent ? new ToolForbiddenError(agent, tool.name) : new ToolForbiddenError(who, tool.name, agent);
    this.write(() => this.ledger.appendJson({ kind: "refused", callId: id, tool: tool.name, agent, correlationId }, JSON.stringify({ capability: tool.name, message: err.message, onBehalfOf })));
    if (id) err.callId = id;
    throw err;
  }

  /**
   * Executes a call and audits how it ended; returns once that is on disk.
   * `begin` is its calls row and request, not written yet (null: written
   * already, an approved call's). They are written no later than they are
   * needed, and in the same commit as what needs them: with the undo record
   * ahead of an in-place change, before a change that keeps no undo record,
   * before a tool that runs asynchronously yields (from then on other code
   * may look the call up), else with the result. A tool that ran to the end
   * synchronously, changing nothing in place, was never seen by anyone before
   * its result: its request and result go in one commit, not two.
   */
  private async run(...call: Parameters<Executor["runCall"]>): Promise<unknown> {
    this.running++;
    try {
      return await this.runCall(...call);
    } finally {
      this.running--;
    }
  }

  private async runCall(seq: number, tool: Tool, args: unknown, agent: string, correlationId: string | undefined, signal?: AbortSignal, onBehalfOf?: string, begin: Begin | null = null): Promise<unknown> {
    const id = callId(seq);
    let unwritten = begin;
    /** Runs a write with the call's begin, if not written yet, in its transaction; written once that commits. */
    const withBegin = (fn: (b: Begin | null) => void): void => {
      fn(unwritten);
      unwritten = null;
    };
    let undo: unknown = NO_UNDO;
    let answered = false;
    const staging = new Staging(id, this.spool, this.recordOn()); // cheap: nothing is created until a tool stages a file
    const controller = new AbortController();
    const ctx: ToolContext = {
      callId: id,
      agent,
      onBehalfOf,
      correlationId,
      signal: controller.signal,
      env: this.env,
      host: this.host,
      staging,
      saveUndo: (record) => {
        undo = record;
        if (answered) return this.lateUndo(seq, record);
        // Staged files wait for the result, which carries the record: nothing is in place before
        // both are durable, so a row of its own now would be one more commit for nothing.
        if (!staging.empty) return;
        const json = JSON.stringify(record);
        if (json === undefined) return; // reported with the result
        withBegin((b) => this.commits.undo(b, seq, json)); // on disk ahead of the change it undoes, with the request
      },
    };
    // A change that keeps no undo record still has its request on disk first.
    if (!tool.readOnly && !tool.reversible) {
      withBegin((b) => b && this.commits.begin(b));
      await this.ledger.durable();
    }
    const t0 = performance.now();
    let result: unknown;
    let error: ToolError | undefined;
    try {
      // While the tool runs synchronously, a read of the ledger (sec.audit_query) writes the begin first: it sees its own request.
      this.unwritten = () => withBegin((b) => b && this.commits.begin(b));
      let out: unknown;
      try {
        out = tool.execute(args, ctx);
      } finally {
        this.unwritten = null;
      }
      if (isPromiseLike(out)) {
        withBegin((b) => b && this.commits.begin(b));
        const timeoutMs = tool.timeoutMs || this.defaultTimeoutMs;
        out = await bounded(out, { tool: tool.name, timeoutMs, elapsedMs: performance.now() - t0, controller, signal, late: (o) => this.late(seq, tool, o) });
      }
      result = checkOutput(tool, out);
    } catch (err) {
      error = err instanceof ToolError ? err : new ToolExecutionError(tool.name, err);
    }
    answered = true;
    const elapsed = performance.now() - t0;
    const ms = elapsed.toFixed(3);
    const outcome = !error ? "ok" : error.code === "timeout" || error.code === "cancelled" ? error.code : "error";
    this.report({ tool: tool.name, agent, outcome, seconds: elapsed / 1000 });
    let undoJson: string | null = null;
    let resultJson = "null";
    try {
      undoJson = undo === NO_UNDO ? null : (JSON.stringify(undo) ?? null);
    } catch (err) {
      error ??= new ToolOutputError(tool.name, "undo", `the undo record is not JSON (${(err as Error).message}); the call cannot be undone`);
    }
    if (!error) {
      try {
        resultJson = redactJson(this.keep(JSON.stringify(result) ?? "null")); // kept small first: redaction reads what is stored
      } catch (err) {
        error = new ToolOutputError(tool.name, "(root)", `not JSON (${(err as Error).message})`);
      }
    }
    const audit: AuditInput = { kind: "result", callId: id, tool: tool.name, agent, correlationId };
    // The result goes in the ledger's next group commit, with those of the calls ending beside it.
    const finish = (f: Finish, json: string): Promise<void> => {
      const b = unwritten;
      unwritten = null;
      return this.commits.finish(b, seq, f, audit, json);
    };
    const finishWritten = (f: Finish, json: string, fds: number[]) => {
      const b = unwritten;
      unwritten = null;
      return this.commits.finishWritten(b, seq, f, audit, json, fds, this.running === 1);
    };
    if (error) {
      staging.abort(); // nothing staged goes in place
      const errJson = redactJson(JSON.stringify({ code: error.code, message: error.message }));
      const f = { status: "failed" as const, result: null, errorCode: error.code, errorMessage: error.message, undo: undoJson, finishedAt: Date.now() };
      error.callId = id;
      await finish(f, `{"ok":false,"ms":${ms},"error":${errJson}${undoJson ? ',"undo":true' : ""}}`);
      throw error;
    }
    const pending = staging.empty ? null : JSON.stringify(staging.plan);
    const f = { status: "done" as const, result: resultJson, errorCode: null, errorMessage: null, undo: undoJson, finishedAt: Date.now(), pending };
    const json = `{"ok":true,"ms":${ms},"result":${resultJson}${undoJson ? ',"undo":true' : ""}${pending ? `,"staged":${staging.plan.length}` : ""}}`;
    if (pending) await this.commits.apply(seq, audit, staging, (fds) => (fds ? finishWritten(f, json, fds) : finish(f, json)), this.running === 1);
    else await finish(f, json);
    return result;
  }

  /** A tool that ignored its signal and finished after its caller was answered. */
  private late(seq: number, tool: Tool, o: { ok: true; value: unknown } | { ok: false; error: unknown }): void {
    const data = o.ok ? { ok: true } : { ok: false, error: o.error instanceof Error ? o.error.message : String(o.error) };
    this.write(() => this.ledger.append({ kind: "late", callId: callId(seq), tool: tool.name, data }));
    log.warn(`tools: ${callId(seq)} ${tool.name} finished after its deadline (${o.ok ? "ok" : "failed"})`);
  }

  private lateUndo(seq: number, record: unknown): void {
    const json = JSON.stringify(record);
    if (json !== undefined) this.write(() => this.calls.saveLateUndo(seq, json));
  }

  /**
   * An approved call (approvals.ts) goes on from here: checked again, since
   * the agent may have lost the capability or the tool changed while it
   * waited, then its request audited and run like any other. Public for
   * Approvals (its ApprovalDeps port) only.
   */
  async resume(c: ApprovedCall): Promise<unknown> {
    const cid = callId(c.seq);
    const args = this.recheck(c.tool, c.seq, c.agent, c.correlationId, c.args, c.onBehalfOf);
    const audit: AuditInput = { kind: "request", callId: cid, tool: c.tool.name, agent: c.agent, correlationId: c.correlationId };
    this.write(() => this.ledger.appendJson(audit, `{"args":${this.keep(auditedArgs(c.tool, args))},"approval":"${c.approvalId}"${behalf(c.onBehalfOf)}}`));
    return withLogFields({ callId: cid, correlationId: c.correlationId }, () => this.run(c.seq, c.tool, args, c.agent, c.correlationId, undefined, c.onBehalfOf));
  }

  private recheck(tool: Tool, seq: number, agent: string, corr: string | undefined, argsJson: string, onBehalfOf?: string): unknown {
    try {
      const args = parseArgs(tool, JSON.parse(argsJson));
      this.authorize(tool, agent, corr, callId(seq), onBehalfOf);
      return args;
    } catch (err) {
      const e = err as ToolError;
      e.callId = callId(seq);
      this.write(() => this.calls.finish(seq, { status: "failed", result: null, errorCode: e.code, errorMessage: e.message, undo: null, finishedAt: Date.now() }));
      throw e;
    }
  }

  // ---- calls and rollback -------------------------------------------------

  getCall(id: string): CallView {
    const n = idNumber("c", id);
    const r = n === undefined ? undefined : this.calls.get(n);
    if (!r) throw new CallNotFoundError(id);
    return toCallView(r, Boolean(this.registry.get(r.tool)?.reversible), this.approvals.store.byCall(r.seq)?.seq);
  }

  /** Newest first; `before` (a call id) gives the page after a cursor. */
  recentCalls(limit = 20, before?: string): CallView[] {
    const n = before === undefined ? undefined : idNumber("c", before);
    if (before !== undefined && n === undefined) throw new CallNotFoundError(before);
    return this.calls.recent(limit, n).map((r) => toCallView(r, Boolean(this.registry.get(r.tool)?.reversible)));
  }

  // ---- observers ----------------------------------------------------------

  /** Hears how every call ends (the metrics); returns the unsubscribe function. An observer that throws is ignored. */
  observe(fn: (o: CallObservation) => void): () => void {
    this.observers.add(fn);
    return () => this.observers.delete(fn);
  }

  private report(o: CallObservation): void {
    for (const fn of this.observers) {
      try {
        fn(o);
      } catch {
        // metrics must never fail a call
      }
    }
  }

  rollback(id: string, by: string): Promise<UndoOutcome> {
    return this.rollbacks.one(id, by);
  }

  rollbackCorrelation(correlationId: string, by: string): Promise<CorrelationUndo> {
    return this.rollbacks.correlation(correlationId, by);
  }

  /** Redacts audit row `seq`'s payload after the fact, and the calls table's copy of it (redaction.ts). */
  redact(seq: number, by: string, reason: string): Promise<AuditRow> {
    return redactRow(this, seq, by, reason);
  }

  // ---- plumbing -----------------------------------------------------------

  /** Large values stay in the calls table only as a marker; the caller still gets them whole. */
  keep(json: string): string {
    return json.length <= this.keepChars ? json : `{"$truncated":true,"chars":${json.length}}`;
  }

  /** Runs a write after what the commit queue holds; a failed transaction may have held an append, so the ledger re-reads its head. */
  write<T>(fn: () => T): T {
    return this.commits.write(fn);
  }

  /** Rejects the callers still waiting on held calls (the calls stay queued in the database); ids not used are freed. */
  close(): void {
    this.approvals.close();
    this.commits.close();
  }
}
