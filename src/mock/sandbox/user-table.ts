// A world's users (world.ts), as a Map that notes which users a call set, deleted or got: the
// rules change a user they got in place, so a store (src/mock/stores/) writes those at the commit.
import type { StoredUser } from "./world.js";

/** A user table that notes the users the rules set, delete, or get (to change in place). */
export class UserTable extends Map<string, StoredUser> {
  /** Set once constructed: Map's constructor runs before the subclass's fields exist. */
  noted: (externalUserId: string, made: boolean) => void = () => undefined;
  override get(externalUserId: string): StoredUser | undefined {
    const user = super.get(externalUserId);
    if (user) this.noted(externalUserId, false);
    return user;
  }
  override set(externalUserId: string, user: StoredUser): this {
    super.set(externalUserId, user);
    this.noted(externalUserId, true);
    return this;
  }
  override delete(externalUserId: string): boolean {
    const had = super.delete(externalUserId);
    if (had) this.noted(externalUserId, true);
    return had;
  }
  /** A user as read from a store: no change to note. */
  load(user: StoredUser) {
    super.set(user.externalUserId, user);
  }
  /** A user read without noting it (the store's own reads). */
  peek(externalUserId: string): StoredUser | undefined {
    return super.get(externalUserId);
  }
}
