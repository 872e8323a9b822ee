/**
 * A List written an item at a time, its items first and the rest of it after them: `snapshot`
 * writes the pods it reads as their pages arrive, before it knows what the read could not read
 * (the List's annotation). The text is what serialize() gives for the whole List with `items` as
 * its first key, so a List of 50,000 pods is never one object, one string or one YAML document.
 * A List cut off before its end (a read that failed half way) has no `kind`, and `-f` refuses it.
 */
import { blockYamlItem } from './block-yaml.ts';
import { type DataFormat, jsonAroundItems, jsonItem, serialize } from './serialize.ts';

export class ListText {
  private readonly format: DataFormat;
  private first = true;

  constructor(format: DataFormat) {
    this.format = format;
  }

  /** One more item, with what opens the items before the first. */
  item(value: Record<string, unknown>): string {
    const opening = this.first;
    this.first = false;
    if (this.format === 'yaml') return `${opening ? 'items:\n' : ''}${yamlItem(value)}`;
    // `{` and the items' key: what jsonAroundItems gives before them when they come first.
    return `${opening ? '{\n  "items": [\n' : ',\n'}${jsonItem(value)}`;
  }

  /** What closes the items, then the rest of the List (`envelope`: every key but `items`). */
  end(envelope: Record<string, unknown>): string {
    if (this.format === 'yaml') {
      const whole = serialize({ items: [], ...envelope }, 'yaml');
      return this.first ? whole : whole.slice('items: []\n'.length);
    }
    const [head, tail] = jsonAroundItems({ items: [], ...envelope });
    return this.first ? `${head}[]${tail}` : `\n  ]${tail}`;
  }
}

function yamlItem(item: Record<string, unknown>): string {
  const block = blockYamlItem(item, '  ');
  if (block !== undefined) return block;
  // A string with line breaks (a ConfigMap's data, say): yaml's block scalar, which a person can
  // read; its empty lines stay empty, as the whole document has them.
  return serialize([item], 'yaml').replace(/^(?=.)/gm, '  ');
}
