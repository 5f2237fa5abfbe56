/**
 * Extension points are registries by name (STYLE.md #12): workloads, nemeses, databases. The CLI
 * lists `names()` in `--help` and in the error for an unknown name.
 */
export class Registry<T extends { readonly name: string }> {
  private readonly items = new Map<string, T>();

  register(item: T): void {
    this.items.set(item.name, item);
  }

  get(name: string): T | undefined {
    return this.items.get(name);
  }

  names(): string[] {
    return [...this.items.keys()].sort();
  }
}
