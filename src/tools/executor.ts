/**
 * The one executor every tool call goes through, whoever makes it (agents,
 * the API, the REPL), always in this order:
 *
 *   validate input → check the caller's capability → autonomy gate →
 *   audit the request → execute (AbortSignal, timeout) → check the output →
 *   audit the result and keep the undo record
 *
 * Each stage that writes does so in one transaction on the ledger's database
 * (calls row + audit row), with statements prepared once. A held call is
 * persisted with its approval and runs only after a person approves it.
 *
 * Nothing is answered before it is on disk. Every outcome (result, refusal,
 * hold) waits for the ledger's group commit; a changing call's request is
 * durable before its first change: with its undo record (saveUndo flushes),
 * or before execute for a changing tool that keeps none. Files a call stages
 * are put in place only after its result row, which lists them, is durable,
 * so boot can finish them (tools/recovery.ts).
 */
import { join } from "node:path";
import { type AuditInput, type AuditLedger, type AuditRow, ApprovalStore, CallStore, GrantStore, LedgerError, type NewCall } from "../memory";
import { errorMessage, log, Staging, withLogFields } from "../sys";
import { bounded, isPromiseLike } from "./bounded";
import type { Capabilities } from "./capabilities";
import { callRisk, type Risk, type Tool, type ToolContext, type ToolEnv, type ToolHost } from "./define";
import {
  ApprovalDecidedError,
  ApprovalNotFoundError,
  CallNotFoundError,
  ToolCancelledError,
  ToolDeniedError,
  ToolError,
  ToolExecutionError,
  ToolForbiddenError,
  ToolInputError,
  ToolOutputError,
} from "./errors";
import { lacking } from "./authority";
import { auditedArgs, redactJson } from "./redact";
import { type ApprovalRule, type ArgPattern, type AutonomyLevel, checkPattern, exactPattern, levelHolds, raised, RuleSet, stricterLevel } from "./gate";
import type { ToolRegistry } from "./registry";
import { type Recovery, recover } from "./recovery";
import { Rollback, type CorrelationUndo, type UndoOutcome } from "./rollback";
import { checkOutput, parseArgs } from "./schema";
import type { CallOutcome, CallRequest, ToolCaller } from "./types";
import { type ApprovalView, approvalId, type CallView, callId, idNumber, toApprovalView, toCallView, toRule } from "./views";

export interface ExecutorOptions {
  registry: ToolRegistry;
  ledger: AuditLedger;
  capabilities: Capabilities;
  env: ToolEnv;
  /** From config `system.autonomy_level`; changed at run time with setLevel. Default supervised. */
  level?: AutonomyLevel;
  /** Services other tool families need (see ToolHost); the executor adds ledger, capabilities, grants, registry. */
  host?: Partial<ToolHost>;
  /** For tools that declare `timeoutMs: 0`. Default 30 s. */
  defaultTimeoutMs?: number;
  /** Results and audited arguments longer than this (JSON characters) are stored as a marker. Default 16 KiB. */
  keepChars?: number;
}

export interface Decision {
  /** Who decided: "api", "console", an operator's name. */
  by: string;
  /** Approve: remember a rule (true = exactly these arguments, or an argument pattern). */
  remember?: boolean | ArgPattern;
  /** Deny: why, shown in the audit and to the caller. */
  reason?: string;
}

export type ApprovalOutcome =
  | { approvalId: string; callId: string; decision: "approve"; result: unknown; ruleId?: string }
  | { approvalId: string; callId: string; decision: "deny" };

/** How a call ended, for the metrics: ran (ok, error, timeout, cancelled), held for a person (queued), or refused before it ran (bad arguments, missing capability). */
export type CallObservation =
  | { tool: string; agent: string; outcome: "ok" | "error" | "timeout" | "cancelled"; seconds: number }
  | { tool: string; agent: string; outcome: "queued" | "refused" };

interface Waiter {
  resolve(value: unknown): void;
  reject(err: unknown): void;
}

const NO_UNDO = Symbol("no undo");
/** The audit's `"onBehalfOf"` member (issue 11: who the agent acted for), or nothing when it acted for itself. */
const behalf = (p: string | undefined) => (p === undefined ? "" : `,"onBehalfOf":${JSON.stringify(p)}`);
const ZERO_DEFAULT_TIMEOUT_MS = 30_000;

export class Executor implements ToolCaller {
  readonly registry: ToolRegistry;
  readonly ledger: AuditLedger;
  readonly capabilities: Capabilities;
  readonly env: ToolEnv;
  readonly calls: CallStore;
  readonly approvalStore: ApprovalStore;
  readonly grants: GrantStore;
  readonly host: ToolHost;
  private readonly rollbacks: Rollback;
  private readonly rules: RuleSet;
  private readonly waiting = new Map<number, Waiter>();
  readonly defaultTimeoutMs: number;
  private readonly keepChars: number;
  private readonly observers = new Set<(o: CallObservation) => void>();
  /** Where staged files wait for their call's result to be durable (on the data disk). */
  readonly spool: string;
  private levelNow: AutonomyLevel;
  private readonly beginTx: (call: NewCall, audit: AuditInput, json: string) => void;
  private readonly finishTx: (seq: number, f: Parameters<CallStore["finish"]>[1], audit: AuditInput, json: string) => void;

  constructor(opts: ExecutorOptions) {
    this.registry = opts.registry;
    this.ledger = opts.ledger;
    this.capabilities = opts.capabilities;
    this.env = opts.env;
    this.levelNow = opts.level ?? "supervised";
    this.defaultTimeoutMs = opts.defaultTimeoutMs ?? ZERO_DEFAULT_TIMEOUT_MS;
    this.keepChars = opts.keepChars ?? 16 * 1024;
    const db = opts.ledger.database;
    this.spool = join(opts.env.paths.data, "cache", "staging");
    this.calls = new CallStore(db, { sync: () => this.ledger.syncNow() });
    this.approvalStore = new ApprovalStore(db);
    this.grants = new GrantStore(db);
    this.host = { ...opts.host, ledger: this.ledger, capabilities: this.capabilities, grants: this.grants, registry: this.registry } as ToolHost;
    this.rules = new RuleSet(this.approvalStore.rules().map(toRule));
    this.rollbacks = new Rollback(this);
    this.host.rollback = this.rollbacks.port();
    // The ledger append goes last in each transaction: if anything before it throws, the chain head never moved.
    this.beginTx = db.transaction((call, audit, json) => {
      this.calls.insert(call);
      this.ledger.appendJson(audit, json);
    });
    this.finishTx = db.transaction((seq, f, audit, json) => {
      this.calls.finish(seq, f);
      this.ledger.appendJson(audit, json);
    });
  }

  /** Boot: finishes what a crash left half done, before the first call (see tools/recovery.ts). */
  recover(): Promise<Recovery> {
    return recover(this);
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
    if (levelHolds(stricterLevel(this.levelNow, req.autonomy), tool, risk)) {
      // A remembered rule approves calls as risky as the tool, never one its arguments made riskier.
      const rule = raised(tool, risk) ? undefined : this.rules.match(tool.name, args);
      if (!rule) {
        const held = this.hold(tool, req, argsJson, auditJson, risk);
        await this.ledger.durable();
        return held;
      }
      via += `,"rule":"${rule.id}"`;
    }
    const seq = this.calls.nextSeq();
    const id = callId(seq);
    const call: NewCall = { seq, ts: Date.now(), tool: tool.name, agent: req.agent, correlationId: req.correlationId ?? null, args: auditJson, status: "running" };
    const audit: AuditInput = { kind: "request", callId: id, tool: tool.name, agent: req.agent, correlationId: req.correlationId };
    this.write(() => this.beginTx(call, audit, `{"args":${this.keep(auditJson)}${via}}`));
    const result = await withLogFields({ callId: id, correlationId: req.correlationId }, () => this.run(seq, tool, args, req.agent, req.correlationId, req.signal, req.onBehalfOf));
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

  /** Executes a call whose request is already audited, and audits how it ended; returns once that is on disk. */
  private async run(seq: number, tool: Tool, args: unknown, agent: string, correlationId: string | undefined, signal?: AbortSignal, onBehalfOf?: string): Promise<unknown> {
    const id = callId(seq);
    let undo: unknown = NO_UNDO;
    let answered = false;
    const staging = new Staging(id, this.spool); // cheap: nothing is created until a tool stages a file
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
        const json = JSON.stringify(record);
        if (json === undefined) return; // reported with the result
        this.write(() => this.calls.saveUndo(seq, json));
        // Ahead of the change it undoes, with the request. Staged files wait for the result instead.
        if (staging.empty) this.ledger.syncNow();
      },
    };
    // A change that keeps no undo record still has its request on disk first.
    if (!tool.readOnly && !tool.reversible) await this.ledger.durable();
    const t0 = performance.now();
    let result: unknown;
    let error: ToolError | undefined;
    try {
      let out = tool.execute(args, ctx);
      if (isPromiseLike(out)) {
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
    if (error) {
      staging.abort(); // nothing staged goes in place
      const errJson = redactJson(JSON.stringify({ code: error.code, message: error.message }));
      const f = { status: "failed" as const, result: null, errorCode: error.code, errorMessage: error.message, undo: undoJson, finishedAt: Date.now() };
      this.write(() => this.finishTx(seq, f, audit, `{"ok":false,"ms":${ms},"error":${errJson}${undoJson ? ',"undo":true' : ""}}`));
      error.callId = id;
      await this.ledger.durable();
      throw error;
    }
    const pending = staging.empty ? null : JSON.stringify(staging.plan);
    const f = { status: "done" as const, result: resultJson, errorCode: null, errorMessage: null, undo: undoJson, finishedAt: Date.now(), pending };
    this.write(() => this.finishTx(seq, f, audit, `{"ok":true,"ms":${ms},"result":${resultJson}${undoJson ? ',"undo":true' : ""}${pending ? `,"staged":${staging.plan.length}` : ""}}`));
    if (pending) await this.apply(seq, audit, staging);
    else await this.ledger.durable();
    return result;
  }

  /**
   * Puts a call's staged files in place: its result row (with the plan) and
   * the staged files reach the disk in one parallel flush, then the renames,
   * then their directories. A crash in between leaves a plan boot finishes.
   */
  private async apply(seq: number, audit: AuditInput, staging: Staging): Promise<void> {
    try {
      await Promise.all([this.ledger.durable(), staging.prepare()]);
      staging.commit();
      await staging.settle();
    } catch (err) {
      staging.abort();
      const e = new ToolExecutionError(audit.tool ?? "tool", new Error(`its files could not be made durable and were not put in place (${errorMessage(err)})`));
      e.callId = callId(seq);
      const f = { status: "failed" as const, result: null, errorCode: e.code, errorMessage: e.message, undo: null, finishedAt: Date.now(), pending: null };
      this.write(() => this.finishTx(seq, f, { ...audit, kind: "abandoned" }, JSON.stringify({ error: { code: e.code, message: e.message } })));
      await this.ledger.durable().catch(() => {});
      throw e;
    }
    // Not flushed on its own: if this is lost, boot finds the renames done.
    this.write(() => this.calls.clearPending(seq));
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

  /** Held for approval: calls row, approval and audit row in one transaction. */
  /** The approval keeps the real arguments (it runs them once approved); the calls row and the ledger, the audited ones. */
  private hold(tool: Tool, req: CallRequest, argsJson: string, auditJson: string, risk: Risk): CallOutcome {
    const seq = this.calls.nextSeq();
    const id = callId(seq);
    const now = Date.now();
    let aSeq = 0;
    this.write(() =>
      this.calls.transaction(() => {
        this.calls.insert({ seq, ts: now, tool: tool.name, agent: req.agent, correlationId: req.correlationId ?? null, args: auditJson, status: "queued" });
        aSeq = this.approvalStore.insert({ callSeq: seq, ts: now, tool: tool.name, agent: req.agent, risk, args: argsJson, onBehalfOf: req.onBehalfOf });
        this.ledger.appendJson(
          { kind: "queued", callId: id, tool: tool.name, agent: req.agent, correlationId: req.correlationId },
          `{"approval":"${approvalId(aSeq)}","risk":"${risk}","level":"${this.levelNow}","args":${this.keep(auditJson)}${behalf(req.onBehalfOf)}}`,
        );
      }),
    );
    const settled = new Promise<unknown>((resolve, reject) => this.waiting.set(aSeq, { resolve, reject }));
    settled.catch(() => {}); // nobody has to wait for it
    log.info(`tools: ${id} ${tool.name} by ${req.agent} waits for approval ${approvalId(aSeq)} (${risk} risk, ${this.levelNow})`);
    this.report({ tool: tool.name, agent: req.agent, outcome: "queued" });
    return { status: "queued", callId: id, approvalId: approvalId(aSeq), settled };
  }

  // ---- approvals ----------------------------------------------------------

  pending(): ApprovalView[] {
    const now = Date.now();
    return this.approvalStore.pending().map((r) => toApprovalView(r, now));
  }

  approval(id: string): ApprovalView {
    return toApprovalView(this.findApproval(id));
  }

  private findApproval(id: string) {
    const n = idNumber("a", id);
    const a = n === undefined ? undefined : this.approvalStore.get(n);
    if (!a) throw new ApprovalNotFoundError(id);
    return a;
  }

  /** Runs a held call now; resolves with its result (or throws how it failed, as a direct call would). */
  async approve(id: string, d: Decision): Promise<ApprovalOutcome> {
    const a = this.findApproval(id);
    if (a.status !== "pending") throw new ApprovalDecidedError(approvalId(a.seq), a.status);
    const rec = this.calls.get(a.callSeq);
    if (!rec) throw new CallNotFoundError(callId(a.callSeq));
    const tool = this.registry.require(a.tool);
    const cid = callId(a.callSeq);
    const corr = rec.correlationId ?? undefined;
    const pattern = d.remember === true ? exactPattern(JSON.parse(a.args)) : d.remember || undefined;
    if (pattern) checkPattern(tool, pattern);
    const now = Date.now();
    let rule: ApprovalRule | undefined;
    this.write(() =>
      this.calls.transaction(() => {
        if (!this.approvalStore.decide({ seq: a.seq, status: "approved", at: now, by: d.by })) throw new ApprovalDecidedError(approvalId(a.seq), "decided");
        this.calls.leaveQueue(a.callSeq, "running", now);
        if (pattern) {
          const rSeq = this.approvalStore.addRule({ ts: now, tool: a.tool, pattern: JSON.stringify(pattern), createdBy: d.by, fromApproval: a.seq });
          rule = { id: `r${rSeq}`, tool: a.tool, pattern, createdBy: d.by, ts: now };
        }
        this.ledger.appendJson(
          { kind: "approval", callId: cid, tool: a.tool, agent: a.agent, correlationId: corr },
          JSON.stringify({ approval: approvalId(a.seq), decision: "approve", by: d.by, rule: rule?.id }),
        );
      }),
    );
    if (rule) this.rules.add(rule);
    const waiter = this.waiting.get(a.seq);
    this.waiting.delete(a.seq);
    try {
      // Checked again: the agent may have lost the capability, or the tool changed, while the call waited.
      const onBehalfOf = a.onBehalfOf ?? undefined;
      const args = this.recheck(tool, a.callSeq, a.agent, corr, a.args, onBehalfOf);
      this.write(() => this.ledger.appendJson({ kind: "request", callId: cid, tool: a.tool, agent: a.agent, correlationId: corr }, `{"args":${this.keep(auditedArgs(tool, args))},"approval":"${approvalId(a.seq)}"${behalf(onBehalfOf)}}`));
      const result = await withLogFields({ callId: cid, correlationId: corr }, () => this.run(a.callSeq, tool, args, a.agent, corr, undefined, onBehalfOf));
      waiter?.resolve(result);
      return { approvalId: approvalId(a.seq), callId: cid, decision: "approve", result, ...(rule ? { ruleId: rule.id } : {}) };
    } catch (err) {
      await this.ledger.durable().catch(() => {});
      waiter?.reject(err);
      throw err;
    }
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

  deny(id: string, d: Decision): ApprovalOutcome {
    const a = this.findApproval(id);
    if (a.status !== "pending") throw new ApprovalDecidedError(approvalId(a.seq), a.status);
    const cid = callId(a.callSeq);
    const now = Date.now();
    const corr = this.calls.get(a.callSeq)?.correlationId ?? undefined;
    const err = new ToolDeniedError(a.tool, approvalId(a.seq), d.by);
    err.callId = cid;
    this.write(() =>
      this.calls.transaction(() => {
        if (!this.approvalStore.decide({ seq: a.seq, status: "denied", at: now, by: d.by, reason: d.reason })) throw new ApprovalDecidedError(approvalId(a.seq), "decided");
        this.calls.leaveQueue(a.callSeq, "denied", now, d.reason ? `${err.message}: ${d.reason}` : err.message);
        this.ledger.appendJson(
          { kind: "approval", callId: cid, tool: a.tool, agent: a.agent, correlationId: corr },
          JSON.stringify({ approval: approvalId(a.seq), decision: "deny", by: d.by, reason: d.reason }),
        );
      }),
    );
    this.ledger.syncNow(); // a person's decision: on disk before it is confirmed
    const waiter = this.waiting.get(a.seq);
    this.waiting.delete(a.seq);
    waiter?.reject(err);
    return { approvalId: approvalId(a.seq), callId: cid, decision: "deny" };
  }

  rulesList(): ApprovalRule[] {
    return this.rules.list();
  }

  addRule(tool: string, pattern: ArgPattern, by: string): ApprovalRule {
    checkPattern(this.registry.require(tool), pattern);
    const now = Date.now();
    let rule!: ApprovalRule;
    this.write(() =>
      this.calls.transaction(() => {
        const seq = this.approvalStore.addRule({ ts: now, tool, pattern: JSON.stringify(pattern), createdBy: by });
        rule = { id: `r${seq}`, tool, pattern, createdBy: by, ts: now };
        this.ledger.append({ kind: "rule", tool, data: { rule: rule.id, change: "add", pattern, by } });
      }),
    );
    this.ledger.syncNow();
    this.rules.add(rule);
    return rule;
  }

  removeRule(id: string, by: string): boolean {
    const n = idNumber("r", id);
    if (n === undefined) return false;
    let removed = false;
    this.write(() =>
      this.calls.transaction(() => {
        removed = this.approvalStore.removeRule(n);
        if (removed) this.ledger.append({ kind: "rule", data: { rule: id, change: "remove", by } });
      }),
    );
    if (removed) this.ledger.syncNow();
    if (removed) this.rules.remove(`r${n}`);
    return removed;
  }

  // ---- autonomy level -----------------------------------------------------

  get level(): AutonomyLevel {
    return this.levelNow;
  }

  setLevel(level: AutonomyLevel, by: string): void {
    if (level === this.levelNow) return;
    this.write(() => this.ledger.append({ kind: "autonomy", data: { from: this.levelNow, to: level, by } }));
    this.ledger.syncNow();
    log.info(`tools: autonomy ${this.levelNow} → ${level} (by ${by})`);
    this.levelNow = level;
  }

  // ---- calls and rollback -------------------------------------------------

  getCall(id: string): CallView {
    const n = idNumber("c", id);
    const r = n === undefined ? undefined : this.calls.get(n);
    if (!r) throw new CallNotFoundError(id);
    return toCallView(r, Boolean(this.registry.get(r.tool)?.reversible), this.approvalStore.byCall(r.seq)?.seq);
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

  // ---- redaction ----------------------------------------------------------

  /**
   * Redacts audit row `seq`'s payload after the fact (see AuditLedger.redact)
   * and the copy of it the calls table keeps (a call's arguments or result),
   * durably; returns the `redact` row. A held call's request is refused: its
   * arguments are what an approval would run.
   */
  async redact(seq: number, by: string, reason: string): Promise<AuditRow> {
    const row = this.ledger.get(seq);
    const n = row?.callId ? idNumber("c", row.callId) : undefined;
    const call = n === undefined ? undefined : this.calls.get(n);
    const column = row?.kind === "request" || row?.kind === "queued" ? "args" : row?.kind === "result" ? "result" : null;
    if (call && column === "args" && call.status === "queued") throw new LedgerError("queued_call", `audit row ${seq}: ${row!.callId} waits for approval with these arguments; deny it first`);
    const out = this.write(() =>
      this.calls.transaction(() => {
        const r = this.ledger.redact(seq, by, reason);
        if (call && column) this.calls.redact(call.seq, column, JSON.stringify((this.ledger.get(seq) as AuditRow).data));
        return r;
      }),
    );
    await this.ledger.durable();
    return out;
  }

  // ---- plumbing -----------------------------------------------------------

  /** Large values stay in the calls table only as a marker; the caller still gets them whole. */
  keep(json: string): string {
    return json.length <= this.keepChars ? json : `{"$truncated":true,"chars":${json.length}}`;
  }

  /** Runs a write; a failed transaction may have held an append, so the ledger re-reads its head. */
  write<T>(fn: () => T): T {
    try {
      return fn();
    } catch (err) {
      this.ledger.resyncHead();
      throw err;
    }
  }

  /** Rejects the callers still waiting on held calls (the calls stay queued in the database). */
  close(): void {
    for (const w of this.waiting.values()) w.reject(new ToolError("closing", "tools: the executor is closing"));
    this.waiting.clear();
    this.write(() => this.calls.releaseIds()); // a clean stop: the next boot goes on from the last id used
  }
}
