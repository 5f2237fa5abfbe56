import { InputError } from './errors.ts';

/**
 * The one shape of every extension point (STYLE.md #12): workloads, nemeses, databases, checkers
 * and linearizability models are registered by name. The CLI lists `names()` in `--help` and in
 * the error for an unknown name. Registering a name again replaces the entry (a user's own
 * checker may stand in for a built-in one).
 */
export class Registry<T extends { readonly name: string }> {
  private readonly items = new Map<string, T>();

  /** `kind` names what is registered, for messages: "workload", "checker"… */
  constructor(readonly kind: string) {}

  register(item: T): void {
    this.items.set(item.name, item);
  }

  get(name: string): T | undefined {
    return this.items.get(name);
  }

  names(): string[] {
    return [...this.items.keys()].sort();
  }

  all(): T[] {
    return this.names().map((n) => this.items.get(n)!);
  }

  /** The entry named `name`, or an InputError naming the choices. */
  require(name: string): T {
    const item = this.items.get(name);
    if (!item) throw new InputError(this.unknown(name));
    return item;
  }

  /** `unknown workload "x"; expected one of a, b`. */
  unknown(name: string): string {
    const names = this.names();
    return `unknown ${this.kind} ${JSON.stringify(name)}; expected one of ${names.length === 0 ? '(none in this build)' : names.join(', ')}`;
  }
}
