/** A/B system updates: the image format, the boot state /init reads, slots, installing, rollback. */
export { UpdateError, UPDATE_ERRORS, type UpdateErrorCode } from "./errors";
export { checkSignature, encodeHead, HeaderSchema, MAGIC, parseHead, sha256Hex, type Header, type ParsedHead } from "./image";
export { DEFAULT_STATE, formatState, isSlot, other, parseState, readState, SLOTS, writeState, type BootState, type Slot } from "./state";
export { readHistory, readSlots, SLOT_TRANSITIONS, transition, type HistoryEntry, type SlotInfo, type Slots, type SlotStatus } from "./slots";
export { findSlotDevices, PARTNAMES, type SlotDevice } from "./disk";
export { installImage, type Installed } from "./install";
export { UpdateManager, type SystemUpdates, type UpdateOptions, type UpdateStatus } from "./manager";
