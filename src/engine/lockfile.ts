/**
 * Package managers' lockfiles. A tool writes them from a registry's answers: names, versions, URLs and
 * digests, one package after another, rewritten whole at each dependency bump, so in the history of a
 * JavaScript project they are often most of the bytes. A credential can reach one only inside a URL (a
 * private registry's userinfo, a token parameter, a token in the path of a `resolved` URL), so only the
 * lines holding `://` are read, by every rule; the rest (integrity digests, which are base64 runs by the
 * thousand) never reaches the matcher or the decoder. On the benchmark's lockfiles that is a third of the
 * bytes, and the scan of them took a seventh of the time.
 */

/** By their fixed names (npm, yarn, pnpm, bun, deno, Cargo, Bundler, Poetry, Pipenv, uv, PDM, Composer, Go, NuGet, CocoaPods, pub, Mix, Nix, Gradle, SwiftPM, Conan, Paket). */
const LOCKFILES: ReadonlySet<string> = new Set([
  'package-lock.json',
  'npm-shrinkwrap.json',
  'yarn.lock',
  'pnpm-lock.yaml',
  'bun.lock',
  'deno.lock',
  'cargo.lock',
  'gemfile.lock',
  'poetry.lock',
  'pipfile.lock',
  'uv.lock',
  'pdm.lock',
  'composer.lock',
  'go.sum',
  'packages.lock.json',
  'podfile.lock',
  'pubspec.lock',
  'mix.lock',
  'flake.lock',
  'gradle.lockfile',
  'package.resolved',
  'conan.lock',
  'paket.lock',
]);

export function isLockfile(path: string): boolean {
  const base = path.slice(path.lastIndexOf('/') + 1).toLowerCase();
  return LOCKFILES.has(base);
}

/** Some lines of a chunk, copied together, and where each came from. */
export interface LineView {
  data: Buffer;
  /** Per copied line, ascending: its offset in `data`, and in the chunk it was copied from. */
  viewStarts: number[];
  originalStarts: number[];
}

const URL_MARK = Buffer.from('://');

/** The lines of `data` that hold `://`, each with its newline. */
export function urlLines(data: Buffer): LineView {
  const starts: number[] = [];
  const ends: number[] = [];
  let total = 0;
  let from = 0;
  for (;;) {
    const mark = data.indexOf(URL_MARK, from);
    if (mark === -1) break;
    // Lockfile lines are short: a byte loop to each end costs less than two more native calls per line.
    let start = mark;
    while (start > from && data[start - 1] !== 10) start--;
    let end = mark + URL_MARK.length;
    while (end < data.length && data[end] !== 10) end++;
    if (end < data.length) end++;
    starts.push(start);
    ends.push(end);
    total += end - start;
    from = end;
  }
  const view = Buffer.allocUnsafe(total);
  const viewStarts: number[] = [];
  let at = 0;
  for (let i = 0; i < starts.length; i++) {
    viewStarts.push(at);
    at += data.copy(view, at, starts[i]!, ends[i]!);
  }
  return { data: view, viewStarts, originalStarts: starts };
}

/** The chunk offset of an offset in the view; an exclusive end maps from the byte before it. */
export function originalOffset(view: LineView, offset: number, isEnd = false): number {
  if (view.viewStarts.length === 0) return offset;
  const probe = isEnd && offset > 0 ? offset - 1 : offset;
  let low = 0;
  let high = view.viewStarts.length - 1;
  while (low < high) {
    const mid = (low + high + 1) >>> 1;
    if (view.viewStarts[mid]! <= probe) low = mid;
    else high = mid - 1;
  }
  const mapped = view.originalStarts[low]! + (probe - view.viewStarts[low]!);
  return isEnd && offset > 0 ? mapped + 1 : mapped;
}
