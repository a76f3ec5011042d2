// The base of nodes that keep per-group state in columns indexed by group slot, with no object per group.

import type { Group, SlotStore } from './group.ts';
import { RunNode } from './node.ts';
import { resizedTyped } from './slot-columns.ts';

/**
 * A node whose per-group state lives in columns indexed by the group's slot (see GroupTable). This
 * base tracks which slots hold state (`working_cardinality`), keeps those groups interned, drops
 * state on DeleteGroup and idle expiry (the group's own last-activity time, which every message
 * that reaches the state refreshes), and follows the table when it resizes or compacts. Columns
 * are sized on the first state, so a node that never keeps any costs nothing per group.
 */
export abstract class SlotNode extends RunNode implements SlotStore {
  #held = new Uint8Array(0);
  #count = 0;
  #attached = false;

  /** Release what the columns reference for this slot (its state is gone). */
  protected abstract clearSlot(slot: number): void;
  protected abstract resizeColumns(capacity: number): void;
  protected abstract moveColumns(from: number, to: number): void;

  /** The slot of `g`'s state here, or -1 when this node keeps none. Touches nothing. */
  protected slotOf(g: Group): number {
    const slot = g.slot >= 0 ? g.slot : (this.rt.groups.find(g)?.slot ?? -1);
    return slot >= 0 && this.#held[slot] === 1 ? slot : -1;
  }

  /** The slot for `g`'s state, taken now if this node kept none (see `opened`); records activity of the group. */
  protected hold(g: Group): number {
    const slot = g.slot >= 0 ? g.slot : this.rt.groups.live(g).slot;
    if (this.#held[slot] !== 1) this.#take(slot);
    this.rt.groups.touch(slot);
    return slot;
  }

  #take(slot: number): void {
    if (!this.#attached) {
      this.#attached = true;
      this.rt.groups.attach(this);
    }
    this.#held[slot] = 1;
    this.#count++;
    this.rt.groups.ref(slot);
    this.opened(slot);
  }

  /** Called when `hold` takes a slot for a group this node kept no state for. */
  protected opened(_slot: number): void {}

  /** Whether `slot` holds state here (for walks over every slot up to `slots`). */
  protected holds(slot: number): boolean {
    return this.#held[slot] === 1;
  }

  protected get slots(): number {
    return this.#held.length;
  }

  protected drop(slot: number): void {
    this.#held[slot] = 0;
    this.#count--;
    this.rt.groups.unref(slot);
    this.clearSlot(slot);
  }

  override workingCardinality(): number {
    return this.#count;
  }

  override expire(cutoffMs: number): void {
    if (this.#count === 0) return;
    const groups = this.rt.groups;
    const held = this.#held;
    for (let slot = 0; slot < held.length; slot++) {
      if (held[slot] === 1 && groups.seenAt(slot) < cutoffMs) this.drop(slot);
    }
  }

  override stop(): void {
    for (let slot = 0; slot < this.#held.length; slot++) if (this.#held[slot] === 1) this.drop(slot);
  }

  protected override onDelete(g: Group, _parent: number): void {
    const slot = this.slotOf(g);
    if (slot >= 0) this.drop(slot);
    this.emitDelete(g);
  }

  resize(capacity: number): void {
    this.#held = resizedTyped(this.#held, capacity);
    this.resizeColumns(capacity);
  }

  move(from: number, to: number): void {
    this.#held[to] = this.#held[from];
    this.#held[from] = 0;
    this.moveColumns(from, to);
  }
}
