/**
 * One write at a time per key, for providers whose writes read a whole
 * record set and write it back (Route 53, Huawei Cloud, PowerDNS): two
 * concurrent appends to the same (name, type) would each write back the set
 * they read, and one value would be lost; two deletes would each put the
 * other's value back. The ACME solver does exactly that for a certificate
 * with the apex and its wildcard (two TXT values at one `_acme-challenge`).
 *
 * Contract: `run(key, task)` starts `task` once every task queued before it
 * under the same key has settled (fulfilled or rejected), and settles as
 * the task does. Tasks under different keys do not wait for each other.
 * Only this process's writes are ordered; another process can still race.
 */
export class SerialWrites {
  readonly #tails = new Map<string, Promise<void>>();

  run<T>(key: string, task: () => Promise<T>): Promise<T> {
    const before = this.#tails.get(key) ?? Promise.resolve();
    const result = before.then(task);
    const tail = result.then(
      () => undefined,
      () => undefined,
    );
    this.#tails.set(key, tail);
    // Forget the key once its last task is done, so keys do not pile up.
    void tail.then(() => {
      if (this.#tails.get(key) === tail) this.#tails.delete(key);
    });
    return result;
  }

  /** Keys with a task queued or running (for tests). */
  get pendingKeys(): number {
    return this.#tails.size;
  }
}
