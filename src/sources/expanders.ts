/**
 * Expanders: a chunk that is a container (an archive, a compressed file, an image layer) becomes the
 * chunks of its members, which the driver scans like any other chunk, and expands again up to a depth.
 *
 * To add one (zip, tar, gz, …): write src/sources/<name>.ts exporting an Expander, and add one entry to
 * EXPANDERS below with a cheap `claims` test (a file extension, or magic bytes when the bytes are at hand)
 * and a lazy `load`, so scans without such containers never load its library. A member's origin names the
 * whole way in, `!`-separated: `release.zip!bundle/config.tar.gz!deploy/.env`. An expander enforces its own
 * budgets (decompressed bytes per container and per scan, ratio, entry count) and reports each one it hits
 * through `context.warn`; it never holds more than one member's bytes at a time if it can help it.
 */
import type { Origin } from '../engine/finding.js';
import { detectFormat, hasArchiveExtension } from './archive/detect.js';
import type { Chunk, SourceContext } from './types.js';

export interface ExpandContext extends SourceContext {
  /** How many containers this chunk is already inside (0 for a chunk straight from a source). */
  depth: number;
  /** How deep the driver opens containers (--archive-depth), so an expander can say what it left shut. */
  maxDepth?: number;
}

export interface Expander {
  readonly name: string;
  /** Member chunks; a FileChunk may be opened here directly (random access for zip), a BytesChunk read from memory. */
  expand(chunk: Chunk, context: ExpandContext): AsyncIterable<Chunk>;
}

export interface ExpanderEntry {
  readonly name: string;
  /** Synchronous and cheap: `head` is the first bytes when the chunk is in memory, undefined for a file not yet read. */
  claims(origin: Origin, head: Uint8Array | undefined): boolean;
  load(): Promise<Expander>;
}

/** Archives by magic bytes when the bytes are at hand, else by name (a file in a tree, read only if it is one). */
const claimsArchive = (origin: Origin, head: Uint8Array | undefined) => (head === undefined ? hasArchiveExtension(origin.path) : detectFormat(head) !== undefined);

/** Registered expanders, tried in order; the first that claims a chunk expands it. */
export const EXPANDERS: readonly ExpanderEntry[] = [
  { name: 'archive', claims: claimsArchive, load: () => import('./archives.js').then((module) => module.archiveExpander) },
];

/** --no-archives: the same claims, but archives are counted instead of opened. */
export const SHUT_EXPANDERS: readonly ExpanderEntry[] = [
  { name: 'archive', claims: claimsArchive, load: () => import('./archives.js').then((module) => module.shutArchiveExpander) },
];

/** The origin of a member `name` inside the container at `outer`. */
export function memberOrigin(outer: Origin, name: string): Origin {
  return { ...outer, path: `${outer.path}!${name}` };
}
