/**
 * A/B updates as aios-init sees them: which slot runs and whether this boot
 * is its trial, what each slot holds, installing an image into the inactive
 * slot, marking a trial good, rolling back, and the history. initramfs/init
 * does the rest (it spends tries and falls back): see state.ts.
 *
 * The boot sequence of an update:
 *   install   image checked (signature, sha256) and written to the inactive
 *             slot; boot state active=new, tries=1, good=running
 *   reboot    /init spends the try (tries=0) and boots the new slot: a trial
 *   ready     with every required phase ok and a passing health check, the
 *             trial marks itself good (good=new): it is the system from now on
 *   failure   a required phase fails, aios-init crashes or hangs, or the
 *             watchdog fires: the machine reboots, /init finds the try spent
 *             and boots the previous slot, which reports the failure (boot())
 */
import { rmSync } from "node:fs";
import { join } from "node:path";
import { errorMessage, log, mkdirDurable } from "../sys";
import { UpdateError } from "./errors";
import { findSlotDevices, type SlotDevice } from "./disk";
import { installImage, type Installed } from "./install";
import { appendHistory, readHistory, readSlots, transition, writeSlots, type HistoryEntry, type SlotInfo, type Slots } from "./slots";
import { other, readState, writeState, type BootState, type Slot } from "./state";

export interface UpdateOptions {
  /** `<data>/boot`: boot state, slots.json, history.jsonl, and the staging file of an upload. */
  dir: string;
  /** The slot /init booted (AIOS_SLOT); null when the system did not boot from a slot (dev mode). */
  running: Slot | null;
  /** /init spent the slot's try for this boot (AIOS_TRIAL): it is marked good once ready and healthy, or fails. */
  trial?: boolean;
  /** What runs: the image's version (os-release IMAGE_VERSION) and the program's commit. */
  image: { version: string; commit: string | null };
  /** The ed25519 public key (PEM) images must be signed with; null: this build takes no updates. */
  publicKey: string | null;
  /** What /init had to say about this boot (AIOS_BOOT_NOTE), e.g. why it skipped a slot. */
  note?: string;
  devices?: () => Partial<Record<Slot, SlotDevice>>;
  now?: () => Date;
}

export interface UpdateStatus {
  slot: Slot | null;
  version: string;
  commit: string | null;
  /** This boot is a trial of a new image, not yet marked good. */
  trial: boolean;
  /** The slot the next boot runs. */
  next: Slot | null;
  /** An installed image waiting for its trial boot. */
  pending: { slot: Slot; version: string | null } | null;
  slots: Slots;
  history: HistoryEntry[];
}

export const STAGING = "incoming.img";
const CRASH_REASON = "it did not reach ready with a passing health check: aios-init failed, hung, the watchdog fired or the machine lost power";

export class UpdateManager {
  readonly dir: string;
  readonly running: Slot | null;
  private trialRun = false;
  private busy = false;
  private readonly now: () => Date;

  constructor(private readonly opts: UpdateOptions) {
    this.dir = opts.dir;
    this.running = opts.running;
    this.trialRun = !!(opts.trial && opts.running);
    this.now = opts.now ?? (() => new Date());
  }

  get trial(): boolean {
    return this.trialRun;
  }

  /**
   * At boot, once the data disk is mounted: report a fallback /init made,
   * note a write that a power cut interrupted, and learn whether this boot is
   * a trial. Returns one line for the boot step.
   */
  boot(): string {
    mkdirDurable(this.dir, 0o755);
    rmSync(join(this.dir, STAGING), { force: true }); // an upload a reboot cut short
    const lines: string[] = [];
    const state = readState(this.dir);
    const before = readSlots(this.dir);
    let slots = before;
    const running = this.running;

    if (state.fallback) {
      const failed = state.fallback;
      const info = slots[failed];
      const reason = this.opts.note ?? info.reason ?? CRASH_REASON;
      slots = this.set(slots, failed, "fail", { reason }, true);
      this.history({ event: "failed", slot: failed, version: info.version, running: running ?? undefined, reason });
      log.warn(`update: slot ${failed}${info.version ? ` (version ${info.version})` : ""} failed its trial boot: ${reason}; running slot ${running ?? state.good} again`);
      lines.push(`slot ${failed} failed its trial: back on slot ${running ?? state.good}`);
      this.saveState({ ...state, fallback: null });
    }
    if (running) {
      const mine = slots[running];
      if (this.trialRun) {
        if (mine.status === "installed") slots = this.set(slots, running, "trial");
        this.history({ event: "trial", slot: running, version: this.opts.image.version });
        lines.push(`slot ${running} (${this.opts.image.version}) on trial: good once ready with a passing health check`);
      } else if (mine.status !== "good" || mine.version !== this.opts.image.version) {
        slots = this.set(slots, running, "running", { version: this.opts.image.version, commit: this.opts.image.commit, sha256: mine.version === this.opts.image.version ? mine.sha256 : null, size: mine.version === this.opts.image.version ? mine.size : null });
      }
      const idle = other(running);
      if (slots[idle].status === "writing") {
        const reason = `writing version ${slots[idle].version ?? "?"} was cut short (a power cut or a crash): slot ${idle} holds no system`;
        slots = this.set(slots, idle, "interrupted", { reason });
        this.history({ event: "interrupted", slot: idle, version: slots[idle].version, reason });
        lines.push(`slot ${idle}: ${reason}`);
      }
      if (!lines.length) lines.push(`slot ${running} (${this.opts.image.version})`);
    } else {
      lines.push("not booted from a system slot: updates off");
    }
    if (JSON.stringify(slots) !== JSON.stringify(before)) writeSlots(this.dir, slots); // a plain boot writes nothing
    return lines.join("; ");
  }

  status(limit = 20): UpdateStatus {
    const state = readState(this.dir);
    const slots = readSlots(this.dir);
    const pending = this.running && state.active !== this.running && state.good !== state.active && state.tries > 0 ? { slot: state.active, version: slots[state.active].version } : null;
    return {
      slot: this.running,
      version: this.opts.image.version,
      commit: this.opts.image.commit,
      trial: this.trialRun,
      next: this.running ? state.active : null,
      pending,
      slots,
      history: readHistory(this.dir, limit),
    };
  }

  /** Streams an update image into the inactive slot and schedules its trial; see install.ts for the checks. */
  async install(body: AsyncIterable<Uint8Array>, origin: string): Promise<Installed & { slot: Slot; next: string }> {
    if (this.busy) throw new UpdateError("busy", "an update is being installed already; try again when it is done");
    const running = this.running;
    if (!running) throw new UpdateError("no_slots", "this system did not boot from a system slot (dev mode, or no system disk): there is nowhere to install an update");
    if (this.trialRun) throw new UpdateError("on_trial", `slot ${running} runs on trial: the other slot is the way back; install once this one is marked good (update status)`);
    const target = other(running);
    const device = (this.opts.devices ?? findSlotDevices)()[target];
    if (!device) throw new UpdateError("no_slots", `no partition aios-${target} on any disk: there is nowhere to install an update`);
    this.busy = true;
    try {
      const done = await installImage(body, {
        publicKey: this.opts.publicKey,
        device,
        staging: join(this.dir, STAGING),
        stagingDir: this.dir,
        beforeWrite: (header) => {
          writeSlots(this.dir, this.set(readSlots(this.dir), target, "write", { version: header.version, commit: header.commit, sha256: header.sha256, size: header.size }));
          log.info(`update: writing version ${header.version} into slot ${target} (${device.path})`);
        },
      });
      writeSlots(this.dir, this.set(readSlots(this.dir), target, "written"));
      this.saveState({ active: target, good: running, tries: 1, fallback: null });
      this.history({ event: "installed", slot: target, version: done.version, origin });
      log.info(`update: version ${done.version} is in slot ${target}; the next boot tries it once`);
      return { ...done, slot: target, next: `reboot to run version ${done.version} from slot ${target}: it is tried once, and slot ${running} boots again if it fails` };
    } catch (err) {
      const reason = errorMessage(err);
      const slots = readSlots(this.dir);
      if (slots[target].status === "writing") {
        // The slot was being written: whatever it held is gone, and it says so.
        writeSlots(this.dir, this.set(slots, target, "interrupted", { reason: `writing version ${slots[target].version ?? "?"} failed: ${reason}` }));
        this.history({ event: "interrupted", slot: target, version: slots[target].version, reason, origin });
        log.error(`update: writing slot ${target} failed: ${reason}`);
      } else {
        this.history({ event: "refused", slot: target, reason, origin });
        log.warn(`update: refused: ${reason}`);
      }
      throw err;
    } finally {
      this.busy = false;
    }
  }

  /**
   * The next boot runs the other slot: an installed image waiting for its
   * trial is cancelled, or the previous good system comes back.
   */
  rollback(origin: string): { slot: Slot; version: string | null; detail: string } {
    const running = this.running;
    if (!running) throw new UpdateError("no_slots", "this system did not boot from a system slot: there is nothing to roll back to");
    const state = readState(this.dir);
    const slots = readSlots(this.dir);
    const idle = other(running);
    if (state.active === idle && state.good !== idle) {
      this.saveState({ active: running, good: running, tries: 0, fallback: null });
      this.history({ event: "cancelled", slot: idle, version: slots[idle].version, running, origin });
      return { slot: running, version: this.opts.image.version, detail: `the trial of version ${slots[idle].version ?? "?"} in slot ${idle} is cancelled; slot ${running} boots next` };
    }
    if (this.trialRun) {
      this.saveState({ active: state.good, good: state.good, tries: 0, fallback: null });
      this.history({ event: "rollback", slot: state.good, version: slots[state.good].version, running: state.good, origin, reason: `asked during the trial of slot ${running}` });
      return { slot: state.good, version: slots[state.good].version, detail: `slot ${state.good} (version ${slots[state.good].version ?? "?"}) boots next; the trial of slot ${running} ends` };
    }
    if (slots[idle].status !== "good") {
      throw new UpdateError("no_rollback", `slot ${idle} holds no good system (${slots[idle].status}${slots[idle].reason ? `: ${slots[idle].reason}` : ""}): nothing to roll back to`);
    }
    this.saveState({ active: idle, good: idle, tries: 0, fallback: null });
    this.history({ event: "rollback", slot: idle, version: slots[idle].version, running: idle, origin });
    return { slot: idle, version: slots[idle].version, detail: `slot ${idle} (version ${slots[idle].version ?? "?"}) boots next; reboot to run it` };
  }

  /** The trial passed: this slot is the good one from now on. */
  markGood(detail: string): void {
    if (!this.trialRun || !this.running) return;
    const running = this.running;
    const state = readState(this.dir);
    this.saveState({ ...state, active: running, good: running, tries: 0 });
    const slots = readSlots(this.dir);
    writeSlots(this.dir, slots[running].status === "trying" ? this.set(slots, running, "healthy") : this.set(slots, running, "running"));
    this.history({ event: "good", slot: running, version: this.opts.image.version, reason: detail });
    this.trialRun = false;
    log.info(`update: slot ${running} (version ${this.opts.image.version}) passed its trial: it is the system from now on`);
  }

  /**
   * The trial failed: keep the reason for the slot that boots next (the
   * previous one reports it) and leave the state as /init left it, tries
   * spent, so the reboot that follows falls back.
   */
  failTrial(reason: string): void {
    if (!this.trialRun || !this.running) return;
    const slots = readSlots(this.dir);
    writeSlots(this.dir, { ...slots, [this.running]: { ...slots[this.running], reason } });
    log.error(`update: slot ${this.running} (version ${this.opts.image.version}) failed its trial: ${reason}; rebooting into slot ${readState(this.dir).good}`);
  }

  private set(slots: Slots, slot: Slot, event: Parameters<typeof transition>[1], patch: Partial<SlotInfo> = {}, lenient = false): Slots {
    try {
      return { ...slots, [slot]: transition(slots[slot], event, patch, this.now()) };
    } catch (err) {
      if (!lenient) throw err;
      return { ...slots, [slot]: { ...slots[slot], ...patch, status: "failed", since: this.now().toISOString() } };
    }
  }

  private saveState(s: BootState): void {
    writeState(this.dir, s);
  }

  private history(entry: Omit<HistoryEntry, "at">): void {
    try {
      appendHistory(this.dir, entry, this.now());
    } catch (err) {
      log.warn(`update: history: ${errorMessage(err)}`);
    }
  }
}

/** What the API's update routes and the REPL's `update` use of the manager. */
export type SystemUpdates = Pick<UpdateManager, "status" | "install" | "rollback">;
