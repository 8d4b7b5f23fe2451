/**
 * Caches for values the generator would otherwise rebuild for every record: identities,
 * roles, key ids. Cached objects are frozen, which also tells the serializer it may keep their
 * JSON text (see `toJson`).
 */

/**
 * A string-keyed cache that forgets everything once it holds `limit` entries, so sessions that
 * rotate through the month never pile up.
 *
 * @example
 * const identities = new Memo<UserIdentity>();
 * const id = identities.get(`${slot}|${instance}`, () => assumedRole(r, instance, key, slot));
 */
export class Memo<T> {
  private readonly map = new Map<string, T>();

  constructor(private readonly limit = 4096) {}

  /** The cached value for `key`, made (and frozen when it is an object) on first use. */
  get(key: string, make: () => T): T {
    let value = this.map.get(key);
    if (value === undefined) {
      if (this.map.size >= this.limit) this.map.clear();
      value = make();
      if (typeof value === 'object' && value !== null) Object.freeze(value);
      this.map.set(key, value);
    }
    return value;
  }
}
