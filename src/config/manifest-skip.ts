/**
 * Lines of a List item, or of a document of a multi-document file, that need not be parsed at all: block fields readFields (snapshot-file.ts)
 * drops whatever they hold, and which are most of a `kubectl get -o yaml` pod's bytes
 * (managedFields, containers and their statuses, conditions). Parsing YAML is the slow part of
 * reading a large file; what is skipped is never read. test/unit/config/manifest-stream.test.ts
 * checks that readFields keeps none of them.
 */

/** metadata fields no kind keeps. */
export const SKIPPED_METADATA = ['managedFields'];
/** Pod spec and status fields readFields drops. */
export const SKIPPED_POD_FIELDS: Record<string, readonly string[]> = {
  spec: ['containers', 'initContainers', 'ephemeralContainers', 'volumes'],
  status: ['conditions', 'containerStatuses', 'initContainerStatuses', 'ephemeralContainerStatuses'],
};

const FIELD = /^( *)(- )?([A-Za-z]+):[ \t]*$|^( *)(- )?([A-Za-z]+): *(\S+)[ \t]*$/;

export class ItemSkipper {
  /** Column of the item's top-level keys (`- apiVersion:` has them two after the dash). */
  private base = -1;
  private kind: string | undefined;
  private parent: string | undefined;
  private skipping = -1;

  /** A new item begins with this line (`- …` at the sequence's indent). */
  start(line: string, sequenceIndent: number): void {
    this.startAt(/^ *- [A-Za-z]/.test(line) ? sequenceIndent + 2 : -1);
    this.keep(line);
  }

  /** A new document begins: its top-level keys are at column 0. */
  startDocument(): void {
    this.startAt(0);
  }

  private startAt(base: number): void {
    this.base = base;
    this.kind = undefined;
    this.parent = undefined;
    this.skipping = -1;
  }

  /** Whether the line goes to the parser. */
  keep(line: string): boolean {
    if (this.base < 0) return true;
    const indent = spacesBefore(line);
    if (this.skipping >= 0) {
      const inside =
        indent > this.skipping ||
        line.trim() === '' ||
        (indent === this.skipping && line[indent] === '-' && line[indent + 1] === ' ');
      if (inside) return false;
      this.skipping = -1;
    }
    const field = FIELD.exec(line);
    if (!field) return true;
    const key = field[3] ?? field[6]!;
    const column = (field[1] ?? field[4]!).length + ((field[2] ?? field[5]) ? 2 : 0);
    if (column === this.base) {
      // A top-level field with its value on the line (`spec: |`, `kind: Pod`) has no fields below it.
      this.parent = field[3] ?? undefined;
      if (key === 'kind') this.kind = field[7];
    } else if (column === this.base + 2 && field[3] !== undefined && !field[2] && this.skipped(key)) {
      this.skipping = column;
      return false;
    }
    return true;
  }

  private skipped(key: string): boolean {
    if (this.parent === 'metadata') return SKIPPED_METADATA.includes(key);
    return (
      this.kind === 'Pod' && this.parent !== undefined && (SKIPPED_POD_FIELDS[this.parent]?.includes(key) ?? false)
    );
  }
}

/** How many spaces the line starts with (a large file has millions of lines: no regex, no copy). */
export function spacesBefore(line: string): number {
  let at = 0;
  while (line.charCodeAt(at) === 32) at++;
  return at;
}
