/**
 * snapshot's List as the cluster is read: the pods asked about as their pages arrive, then the
 * rest once the read is done (which objects the List keeps depends on all of them). The pods'
 * text is made while the API server makes the next page, where it used to follow the whole read:
 * `snapshot -A` of the benchmark cluster wrote 1.2 s of YAML after its last page.
 */
import type { ReadGap } from '../model/gaps.ts';
import type { KubeObject } from '../model/objects.ts';
import { podKey, snapshotStream } from '../config/snapshot-file.ts';
import { DATAPATH_REGISTRY } from '../engine/registry/mechanisms.ts';
import { ListText } from '../render/list-text.ts';
import { type DataFormat, PIECE_LENGTH } from '../render/serialize.ts';
import { ClusterError } from '../errors.ts';
import { Pacer } from './pace.ts';

export class SnapshotWriter {
  private readonly text: ListText;
  private readonly write: (text: string) => void;
  private readonly written = new Set<string>();
  private queue: (readonly KubeObject[])[] = [];
  private scheduled = false;
  private failure: unknown;
  private pages = 0;
  /** Texts not yet written, and their length. */
  private pieces: string[] = [];
  private length = 0;

  constructor(format: DataFormat, write: (text: string) => void) {
    this.text = new ListText(format);
    this.write = write;
  }

  /**
   * A page of the pods asked about, as the read gives them: cut already to the List's fields
   * (list.ts applies readFields, the cut the List makes). Its text is made on the next turn of
   * the event loop, once the read has asked for the page after it. A list that starts over (410
   * Gone) would give pods this List already holds from another moment: that read fails instead,
   * with the List left without its end, which `-f` refuses.
   */
  pods(page: number, pods: readonly KubeObject[]): void {
    if (page === 1 && this.pages > 0)
      throw new ClusterError(
        'the list of pods expired while snapshot was writing it (410 Gone) and would start over: run snapshot again, with a larger --chunk-size',
      );
    this.pages++;
    this.queue.push(pods);
    if (this.scheduled) return;
    this.scheduled = true;
    setImmediate(() => this.drain());
  }

  /** The rest of the List, once every object is read. */
  async finish(objects: readonly KubeObject[], gaps: readonly ReadGap[], allPods: boolean): Promise<void> {
    this.drain();
    if (this.failure !== undefined) throw this.failure;
    const { envelope, items } = snapshotStream(objects, gaps, DATAPATH_REGISTRY, allPods, this.written);
    const pacer = new Pacer();
    for (const item of items) {
      this.add(item);
      if (pacer.due()) await pacer.turn();
    }
    this.pieces.push(this.text.end(envelope));
    this.flush();
  }

  /** Runs outside any await: what fails is kept for finish() to throw, never left uncaught. */
  private drain(): void {
    this.scheduled = false;
    const pages = this.queue;
    this.queue = [];
    try {
      for (const pods of pages)
        for (const pod of pods) {
          this.written.add(podKey(pod));
          this.add(pod as unknown as Record<string, unknown>);
        }
    } catch (error) {
      this.failure ??= error;
    }
  }

  private add(item: Record<string, unknown>): void {
    const text = this.text.item(item);
    this.pieces.push(text);
    this.length += text.length;
    if (this.length >= PIECE_LENGTH) this.flush();
  }

  /** The pieces as one string, made by join: a flat one, where `+=` keeps a tree of them alive until written. */
  private flush(): void {
    this.write(this.pieces.join(''));
    this.pieces = [];
    this.length = 0;
  }
}
