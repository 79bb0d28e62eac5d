/*
 * What the builder can tell staff before asking the server: the limits of
 * docs/segments.md (non-empty groups, 8 levels, 100 nodes, values present, a channel
 * for money, loyalty and RFM fields). Each problem names its node by the API's path.
 */

import type { BuilderGroup, BuilderNode } from "./builder-rows";
import { fieldSpec } from "./condition-fields";

export interface BuilderProblem {
  nodeId: string;
  path: string;
  message: string;
}

const MAX_DEPTH = 8;
const MAX_NODES = 100;

function stepPath(parent: string, combinator: string, index: number, negatedParent: boolean): string {
  const base = negatedParent ? (parent ? `${parent}.not` : "not") : parent;
  const step = `${combinator}[${index}]`;
  return base ? `${base}.${step}` : step;
}

export function validateBuilder(root: BuilderGroup, options: { hasChannel: boolean }): BuilderProblem[] {
  const problems: BuilderProblem[] = [];
  let nodes = 0;
  let deepest = 0;

  const visit = (node: BuilderNode, path: string, level: number) => {
    const ownLevels = node.negated ? 2 : 1;
    nodes += ownLevels;
    deepest = Math.max(deepest, level + ownLevels - 1);
    if (node.kind === "group") {
      if (node.children.length === 0) {
        problems.push({ nodeId: node.id, path, message: "This group is empty: add a condition or remove it." });
      }
      node.children.forEach((child, index) =>
        visit(child, stepPath(path, node.combinator, index, node.negated), level + ownLevels),
      );
      return;
    }
    const spec = fieldSpec(node.field);
    if (!spec) {
      problems.push({ nodeId: node.id, path, message: `Unknown field ${node.field}.` });
      return;
    }
    if (node.value === undefined) {
      problems.push({ nodeId: node.id, path, message: `${spec.label}: enter a value.` });
    }
    if (node.days !== undefined && !spec.window) {
      problems.push({ nodeId: node.id, path, message: `${spec.label} takes no "in the last N days".` });
    }
    if (spec.channelRequired && !options.hasChannel) {
      problems.push({ nodeId: node.id, path, message: `${spec.label} needs the segment's channel.` });
    }
  };

  visit(root, "", 1);
  if (deepest > MAX_DEPTH) {
    problems.push({ nodeId: root.id, path: "", message: `At most ${MAX_DEPTH} levels of groups (this has ${deepest}).` });
  }
  if (nodes > MAX_NODES) {
    problems.push({ nodeId: root.id, path: "", message: `At most ${MAX_NODES} conditions and groups (this has ${nodes}).` });
  }
  return problems;
}
