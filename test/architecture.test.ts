// The layering of src/ (docs/ARCHITECTURE.md), checked over the real import graph: every static import,
// re-export and dynamic import() of every module. The layer rules count type-only imports too; the cycle
// rule counts what runs (a type-only import is erased from the build: data shapes such as Rule are shared
// by the layers that produce and consume them).
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, posix, relative } from 'node:path';
import { describe, expect, it } from 'vitest';
import { REPO_ROOT } from './helpers.js';

const SRC = join(REPO_ROOT, 'src');

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) =>
    entry.isDirectory() ? sourceFiles(join(dir, entry.name)) : entry.name.endsWith('.ts') ? [join(dir, entry.name)] : [],
  );
}

/** `engine`, `sources`, …; a file directly in src/ is the shared base (errors, version, units), index.ts the entry. */
function folderOf(file: string): string {
  const parts = relative(SRC, file).split(/[\\/]/);
  if (parts.length === 1) return parts[0] === 'index.ts' ? '(entry)' : '(base)';
  return parts[0]!;
}

const IMPORT = /(?:^|\n)\s*(import|export)(\s+type)?\s[^;]*?from\s+'([^']+)'|import\(\s*'([^']+)'\s*\)/g;

/** Module → modules it imports (src-relative POSIX paths); `runtimeOnly` leaves out `import type` / `export type`. */
function importGraph(runtimeOnly = false): Map<string, string[]> {
  const graph = new Map<string, string[]>();
  for (const file of sourceFiles(SRC)) {
    const text = readFileSync(file, 'utf8');
    const targets: string[] = [];
    for (const match of text.matchAll(IMPORT)) {
      const specifier = match[3] ?? match[4]!;
      if (!specifier.startsWith('.')) continue;
      if (runtimeOnly && match[2] !== undefined) continue;
      targets.push(posix.normalize(relative(SRC, join(dirname(file), specifier.replace(/\.js$/, '.ts'))).split(/[\\/]/).join('/')));
    }
    graph.set(relative(SRC, file).split(/[\\/]/).join('/'), targets);
  }
  return graph;
}

function folderEdges(graph: Map<string, string[]>): Map<string, Set<string>> {
  const edges = new Map<string, Set<string>>();
  for (const [from, targets] of graph) {
    const source = folderOf(join(SRC, from));
    for (const to of targets) {
      const target = folderOf(join(SRC, to));
      if (target === source) continue;
      if (!edges.has(source)) edges.set(source, new Set());
      edges.get(source)!.add(target);
    }
  }
  return edges;
}

/** Every cycle's folders, found by depth-first search (empty when the folder graph is a DAG). */
function cycles(edges: Map<string, Set<string>>): string[][] {
  const found: string[][] = [];
  const state = new Map<string, 'open' | 'done'>();
  const stack: string[] = [];
  const visit = (node: string) => {
    state.set(node, 'open');
    stack.push(node);
    for (const next of edges.get(node) ?? []) {
      if (state.get(next) === 'open') found.push([...stack.slice(stack.indexOf(next)), next]);
      else if (state.get(next) === undefined) visit(next);
    }
    stack.pop();
    state.set(node, 'done');
  };
  for (const node of edges.keys()) if (state.get(node) === undefined) visit(node);
  return found;
}

describe('the import graph of src/', () => {
  const graph = importGraph();
  const edges = folderEdges(graph);

  it('reads every module and finds imports in it (the check itself works)', () => {
    expect(graph.size).toBeGreaterThan(60);
    expect(graph.get('cli/scan-command.ts')).toContain('pipeline/index.ts');
    expect(edges.get('scan')).toContain('sources');
    expect(cycles(new Map([['a', new Set(['b'])], ['b', new Set(['a'])]]))).toEqual([['a', 'b', 'a']]);
  });

  it('has no cycles between folders', () => {
    expect(cycles(folderEdges(importGraph(true)))).toEqual([]);
  });

  it('has no cycles between modules (cli/git-scan.ts and cli/scan-command.ts imported each other)', () => {
    const modules = new Map([...importGraph(true)].map(([from, targets]) => [from, new Set(targets)]));
    expect(cycles(modules)).toEqual([]);
  });

  it('keeps src/engine and src/matcher free of the layers above them', () => {
    for (const low of ['engine', 'matcher']) {
      const reached = [...(edges.get(low) ?? [])].filter((folder) => ['cli', 'scan', 'sources', 'report', 'pipeline'].includes(folder));
      expect(reached, low).toEqual([]);
    }
  });

  it('lets the CLI reach sources only through the pipeline', () => {
    const direct = [...graph].filter(([from]) => from.startsWith('cli/')).flatMap(([from, targets]) => targets.filter((to) => to.startsWith('sources/')).map((to) => `${from} -> ${to}`));
    expect(direct).toEqual([]);
  });
});
