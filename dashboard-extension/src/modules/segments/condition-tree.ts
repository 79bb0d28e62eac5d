/*
 * A segment definition as the API stores it (docs/segments.md):
 *   {"all": [node, …]} | {"any": [node, …]} | {"not": node}
 *   | {"field": …, "op": …, "value": …, "days"?: N}
 * Parsing here only checks the shape the builder needs; the server validates the
 * meaning (fields, operators, values) and reports errors with their path.
 */

export type ConditionValue = number | string | boolean | (string | number)[];

export interface ConditionNode {
  field: string;
  op: string;
  value?: ConditionValue;
  days?: number;
}

export type DefinitionNode =
  | { all: DefinitionNode[] }
  | { any: DefinitionNode[] }
  | { not: DefinitionNode }
  | ConditionNode;

export class DefinitionShapeError extends Error {
  constructor(
    readonly path: string,
    message: string,
  ) {
    super(path ? `${path}: ${message}` : message);
    this.name = "DefinitionShapeError";
  }
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

function isConditionValue(value: unknown): value is ConditionValue {
  if (typeof value === "number" || typeof value === "string" || typeof value === "boolean") {
    return true;
  }
  return Array.isArray(value) && value.every((item) => typeof item === "string" || typeof item === "number");
}

function childPath(path: string, key: string, index?: number): string {
  const step = index === undefined ? key : `${key}[${index}]`;
  return path ? `${path}.${step}` : step;
}

/** Checks the shape of a parsed definition; paths are the API's (`all[1].any[0]`). */
export function asDefinitionNode(value: unknown, path = ""): DefinitionNode {
  if (!isObject(value)) {
    throw new DefinitionShapeError(path, "a node must be an object");
  }
  const keys = Object.keys(value);
  if (keys.length === 1 && (keys[0] === "all" || keys[0] === "any")) {
    const key = keys[0];
    const children = value[key];
    if (!Array.isArray(children) || children.length === 0) {
      throw new DefinitionShapeError(path, `"${key}" needs a non-empty list`);
    }
    const nodes = children.map((child, index) => asDefinitionNode(child, childPath(path, key, index)));
    return key === "all" ? { all: nodes } : { any: nodes };
  }
  if (keys.length === 1 && keys[0] === "not") {
    return { not: asDefinitionNode(value.not, childPath(path, "not")) };
  }
  if (typeof value.field === "string" && typeof value.op === "string") {
    const extra = keys.filter((key) => !["field", "op", "value", "days"].includes(key));
    if (extra.length > 0) {
      throw new DefinitionShapeError(path, `unknown keys ${extra.join(", ")}`);
    }
    const node: ConditionNode = { field: value.field, op: value.op };
    if ("value" in value) {
      if (!isConditionValue(value.value)) {
        throw new DefinitionShapeError(path, "value must be a number, text, true/false or a list");
      }
      node.value = value.value;
    }
    if ("days" in value) {
      if (typeof value.days !== "number") {
        throw new DefinitionShapeError(path, "days must be a number");
      }
      node.days = value.days;
    }
    return node;
  }
  throw new DefinitionShapeError(path, "a node is one group (all, any, not) or a condition (field, op, value)");
}

/** The API's `definition` is a JSONString: a string holding JSON. */
export function parseDefinition(json: string): DefinitionNode {
  let parsed: unknown;
  try {
    parsed = JSON.parse(json);
  } catch {
    throw new DefinitionShapeError("", "the definition is not valid JSON");
  }
  return asDefinitionNode(parsed);
}

export function serializeDefinition(node: DefinitionNode): string {
  return JSON.stringify(node);
}

export function isCondition(node: DefinitionNode): node is ConditionNode {
  return "field" in node;
}
