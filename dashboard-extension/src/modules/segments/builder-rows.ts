/*
 * The visual builder's model: groups (AND / OR, each can be negated) holding rows
 * (field / operator / value, each can be negated) and further groups.
 *
 *   definitionToBuilder(tree) → builder   and   builderToDefinition(builder) → tree
 *
 * round-trip exactly for every tree the API accepts, with one normalisation: a double
 * negation {"not": {"not": x}} is x (the language's `not` is plain negation, so the
 * members are the same). A condition at the root becomes a one-row AND group in the
 * builder and a bare condition again on the way back.
 */

import type { ConditionNode, ConditionValue, DefinitionNode } from "./condition-tree";
import { isCondition } from "./condition-tree";

export type Combinator = "all" | "any";

export interface BuilderRow {
  kind: "row";
  id: string;
  negated: boolean;
  field: string;
  op: string;
  /** Absent only while staff are still choosing (the API answers REQUIRED). */
  value?: ConditionValue;
  days?: number;
}

export interface BuilderGroup {
  kind: "group";
  id: string;
  negated: boolean;
  combinator: Combinator;
  children: BuilderNode[];
  /** The root group stood for a bare condition (serialised without a wrapper). */
  implicit?: boolean;
}

export type BuilderNode = BuilderRow | BuilderGroup;

export type IdFactory = () => string;

export function counterIds(prefix = "n"): IdFactory {
  let next = 0;
  return () => `${prefix}${++next}`;
}

function toBuilderNode(node: DefinitionNode, newId: IdFactory, negated: boolean): BuilderNode {
  if ("not" in node) {
    return toBuilderNode(node.not, newId, !negated);
  }
  if (isCondition(node)) {
    const row: BuilderRow = { kind: "row", id: newId(), negated, field: node.field, op: node.op };
    if (node.value !== undefined) {
      row.value = node.value;
    }
    if (node.days !== undefined) {
      row.days = node.days;
    }
    return row;
  }
  const combinator: Combinator = "all" in node ? "all" : "any";
  const children = "all" in node ? node.all : node.any;
  return {
    kind: "group",
    id: newId(),
    negated,
    combinator,
    children: children.map((child) => toBuilderNode(child, newId, false)),
  };
}

/** The builder's root is always a group, so staff can add rows next to a lone condition. */
export function definitionToBuilder(node: DefinitionNode, newId: IdFactory = counterIds()): BuilderGroup {
  const built = toBuilderNode(node, newId, false);
  if (built.kind === "group") {
    return built;
  }
  return { kind: "group", id: newId(), negated: false, combinator: "all", children: [built], implicit: true };
}

function rowToCondition(row: BuilderRow): ConditionNode {
  const condition: ConditionNode = { field: row.field, op: row.op };
  if (row.value !== undefined) {
    condition.value = row.value;
  }
  if (row.days !== undefined) {
    condition.days = row.days;
  }
  return condition;
}

function fromBuilderNode(node: BuilderNode): DefinitionNode {
  let plain: DefinitionNode;
  if (node.kind === "row") {
    plain = rowToCondition(node);
  } else {
    const children = node.children.map(fromBuilderNode);
    plain = node.combinator === "all" ? { all: children } : { any: children };
  }
  return node.negated ? { not: plain } : plain;
}

export function builderToDefinition(root: BuilderGroup): DefinitionNode {
  const onlyChild = root.children[0];
  if (root.implicit && !root.negated && root.children.length === 1 && onlyChild?.kind === "row") {
    return fromBuilderNode(onlyChild);
  }
  return fromBuilderNode(root);
}

export function emptyBuilder(newId: IdFactory): BuilderGroup {
  return { kind: "group", id: newId(), negated: false, combinator: "all", children: [] };
}

/* Immutable edits, by node id. */

function mapNode(node: BuilderNode, id: string, edit: (node: BuilderNode) => BuilderNode): BuilderNode {
  if (node.id === id) {
    return edit(node);
  }
  if (node.kind === "group") {
    return { ...node, children: node.children.map((child) => mapNode(child, id, edit)) };
  }
  return node;
}

export function updateNode(root: BuilderGroup, id: string, edit: (node: BuilderNode) => BuilderNode): BuilderGroup {
  const updated = mapNode(root, id, edit);
  if (updated.kind !== "group") {
    throw new Error("the root stays a group");
  }
  return { ...updated, implicit: false };
}

export function appendChild(root: BuilderGroup, groupId: string, child: BuilderNode): BuilderGroup {
  return updateNode(root, groupId, (node) =>
    node.kind === "group" ? { ...node, children: [...node.children, child] } : node,
  );
}

export function removeNode(root: BuilderGroup, id: string): BuilderGroup {
  const prune = (group: BuilderGroup): BuilderGroup => ({
    ...group,
    children: group.children
      .filter((child) => child.id !== id)
      .map((child) => (child.kind === "group" ? prune(child) : child)),
  });
  return { ...prune(root), implicit: false };
}

export function countNodes(node: BuilderNode): number {
  const own = node.negated ? 2 : 1;
  return node.kind === "group" ? own + node.children.reduce((sum, child) => sum + countNodes(child), 0) : own;
}

export function depth(node: BuilderNode): number {
  const own = node.negated ? 2 : 1;
  return node.kind === "group" ? own + Math.max(0, ...node.children.map(depth)) : own;
}

/**
 * The API's node paths (`all[1].not.any[0]`, "" for the root) → builder node ids, so a
 * server error (CustomerSegmentError.path) can be shown on its row or group.
 */
export function nodeIdsByPath(root: BuilderGroup): Map<string, string> {
  const index = new Map<string, string>();
  const join = (base: string, step: string) => (base ? `${base}.${step}` : step);
  const visit = (node: BuilderNode, path: string, isImplicitRootChild: boolean) => {
    index.set(path, node.id);
    const inner = node.negated ? join(path, "not") : path;
    index.set(inner, node.id);
    if (node.kind === "group") {
      node.children.forEach((child, position) => {
        const childPath = isImplicitRootChild ? inner : join(inner, `${node.combinator}[${position}]`);
        visit(child, childPath, false);
      });
    }
  };
  const unwrapped = Boolean(root.implicit) && !root.negated && root.children.length === 1 && root.children[0]?.kind === "row";
  visit(root, "", unwrapped);
  return index;
}
