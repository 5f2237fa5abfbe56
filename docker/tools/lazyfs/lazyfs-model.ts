/**
 * What must survive a `lose`, as a plain in-memory model of one flat directory (the rules in
 * README.md, written a second way): each file's data is durable as of its last fsync; directory
 * changes are a sequence, and making one durable makes every earlier one durable (under
 * `journal`, an fsync of the file a change named; under both, an fsync of the directory).
 */
export type Metadata = 'journal' | 'posix';

interface Inode {
  data: Buffer;
  durable: Buffer;
}

interface Change {
  /** The names right after the change. */
  names: Map<string, number>;
  /** The inode the change named (created, unlinked, renamed). */
  subject: number;
}

export class DurabilityModel {
  private readonly inodes = new Map<number, Inode>();
  private nextInode = 1;
  private names = new Map<string, number>();
  private durableNames = new Map<string, number>();
  private pending: Change[] = [];

  constructor(readonly metadata: Metadata) {}

  has(name: string): boolean {
    return this.names.has(name);
  }

  /** pwrite at `offset`, creating the file if needed; a gap before it reads as zeros. */
  write(name: string, offset: number, bytes: Buffer): void {
    let id = this.names.get(name);
    if (id === undefined) {
      id = this.nextInode++;
      this.inodes.set(id, { data: Buffer.alloc(0), durable: Buffer.alloc(0) });
      this.names.set(name, id);
      this.change(id);
    }
    const inode = this.inode(id);
    if (offset + bytes.length > inode.data.length) inode.data = resize(inode.data, offset + bytes.length);
    bytes.copy(inode.data, offset);
  }

  truncate(name: string, size: number): void {
    const inode = this.inode(this.id(name));
    inode.data = resize(inode.data, size);
  }

  fsync(name: string): void {
    const id = this.id(name);
    const inode = this.inode(id);
    inode.durable = Buffer.from(inode.data);
    if (this.metadata === 'journal') this.commitThrough(this.pending.findLastIndex((c) => c.subject === id));
  }

  /** fsync of the (only) directory: every change so far names an entry in it. */
  fsyncDir(): void {
    this.commitThrough(this.pending.length - 1);
  }

  unlink(name: string): void {
    const id = this.id(name);
    this.names.delete(name);
    this.change(id);
  }

  rename(from: string, to: string): void {
    const id = this.id(from);
    this.names.delete(from);
    this.names.set(to, id);
    this.change(id);
  }

  lose(): void {
    this.names = new Map(this.durableNames);
    this.pending = [];
    for (const inode of this.inodes.values()) inode.data = Buffer.from(inode.durable);
  }

  /** What a reader sees: each name and its content. */
  view(): Map<string, Buffer> {
    return new Map([...this.names].sort(([a], [b]) => a.localeCompare(b)).map(([name, id]) => [name, this.inode(id).data]));
  }

  private change(subject: number): void {
    this.pending.push({ names: new Map(this.names), subject });
  }

  private commitThrough(index: number): void {
    if (index < 0) return;
    this.durableNames = this.pending[index]?.names ?? this.durableNames;
    this.pending = this.pending.slice(index + 1);
  }

  private id(name: string): number {
    const id = this.names.get(name);
    if (id === undefined) throw new Error(`model: no file ${name}`);
    return id;
  }

  private inode(id: number): Inode {
    const inode = this.inodes.get(id);
    if (!inode) throw new Error(`model: no inode ${id}`);
    return inode;
  }
}

function resize(data: Buffer, size: number): Buffer {
  const out = Buffer.alloc(size);
  data.copy(out, 0, 0, Math.min(size, data.length));
  return out;
}
