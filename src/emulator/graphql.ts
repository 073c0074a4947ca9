/**
 * Just enough GraphQL for a fake API: a parser for executable documents (operations, variables
 * with defaults, aliases, arguments of every literal kind, fragments, inline fragments,
 * @skip/@include) and an executor that calls one resolver per root field and projects the plain
 * result onto the selection set. There is no schema: field kinds come from the resolver table.
 */

export class GraphQLSyntaxError extends Error {
  override readonly name = 'GraphQLSyntaxError';
  constructor(
    message: string,
    readonly line: number,
    readonly column: number,
  ) {
    super(`Syntax Error: ${message}`);
  }
}

export type ValueNode =
  | { kind: 'variable'; name: string }
  | { kind: 'int' | 'float'; value: number }
  | { kind: 'string'; value: string }
  | { kind: 'boolean'; value: boolean }
  | { kind: 'null' }
  | { kind: 'enum'; value: string }
  | { kind: 'list'; values: ValueNode[] }
  | { kind: 'object'; fields: Record<string, ValueNode> };

export interface Directive {
  name: string;
  args: Record<string, ValueNode>;
}

export type Selection =
  | { kind: 'field'; alias?: string; name: string; args: Record<string, ValueNode>; directives: Directive[]; selections?: Selection[]; line: number; column: number }
  | { kind: 'spread'; name: string; directives: Directive[] }
  | { kind: 'inline'; typeCondition?: string; directives: Directive[]; selections: Selection[] };

export interface VariableDefinition {
  name: string;
  type: string;
  defaultValue?: ValueNode;
}

export interface Operation {
  type: 'query' | 'mutation' | 'subscription';
  name?: string;
  variables: VariableDefinition[];
  selections: Selection[];
}

export interface DocumentNode {
  operations: Operation[];
  fragments: Record<string, Selection[]>;
}

interface Token {
  kind: 'punct' | 'name' | 'int' | 'float' | 'string' | 'eof';
  value: string;
  line: number;
  column: number;
}

function tokenize(source: string): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  let line = 1;
  let lineStart = 0;
  const at = (): Pick<Token, 'line' | 'column'> => ({ line, column: i - lineStart + 1 });
  while (i < source.length) {
    const ch = source[i] as string;
    if (ch === '\n') {
      i++;
      line++;
      lineStart = i;
      continue;
    }
    if (ch === ' ' || ch === '\t' || ch === '\r' || ch === ',' || ch === '\ufeff') {
      i++;
      continue;
    }
    if (ch === '#') {
      while (i < source.length && source[i] !== '\n') i++;
      continue;
    }
    const position = at();
    if (source.startsWith('...', i)) {
      tokens.push({ kind: 'punct', value: '...', ...position });
      i += 3;
      continue;
    }
    if ('!$&()[]{}:=@|'.includes(ch)) {
      tokens.push({ kind: 'punct', value: ch, ...position });
      i++;
      continue;
    }
    if (/[A-Za-z_]/.test(ch)) {
      const start = i;
      while (i < source.length && /[A-Za-z0-9_]/.test(source[i] as string)) i++;
      tokens.push({ kind: 'name', value: source.slice(start, i), ...position });
      continue;
    }
    if (ch === '-' || /[0-9]/.test(ch)) {
      const match = /^-?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)?/.exec(source.slice(i));
      if (!match) throw new GraphQLSyntaxError(`Invalid number, unexpected character "${ch}".`, position.line, position.column);
      tokens.push({ kind: match[2] || match[3] ? 'float' : 'int', value: match[0], ...position });
      i += match[0].length;
      continue;
    }
    if (source.startsWith('"""', i)) {
      const end = source.indexOf('"""', i + 3);
      if (end < 0) throw new GraphQLSyntaxError('Unterminated string.', position.line, position.column);
      const raw = source.slice(i + 3, end).replace(/\\"""/g, '"""');
      tokens.push({ kind: 'string', value: blockString(raw), ...position });
      for (const c of source.slice(i, end + 3)) if (c === '\n') line++;
      i = end + 3;
      continue;
    }
    if (ch === '"') {
      let value = '';
      i++;
      for (;;) {
        const c = source[i];
        if (c === undefined || c === '\n') throw new GraphQLSyntaxError('Unterminated string.', position.line, position.column);
        if (c === '"') break;
        if (c === '\\') {
          const next = source[i + 1];
          const simple: Record<string, string> = { '"': '"', '\\': '\\', '/': '/', b: '\b', f: '\f', n: '\n', r: '\r', t: '\t' };
          if (next === 'u') {
            value += String.fromCharCode(parseInt(source.slice(i + 2, i + 6), 16));
            i += 6;
            continue;
          }
          if (next === undefined || simple[next] === undefined) throw new GraphQLSyntaxError(`Invalid character escape sequence: \\${next ?? ''}.`, line, i - lineStart + 1);
          value += simple[next];
          i += 2;
          continue;
        }
        value += c;
        i++;
      }
      i++;
      tokens.push({ kind: 'string', value, ...position });
      continue;
    }
    throw new GraphQLSyntaxError(`Unexpected character: "${ch}".`, position.line, position.column);
  }
  tokens.push({ kind: 'eof', value: '<EOF>', ...at() });
  return tokens;
}

function blockString(raw: string): string {
  const lines = raw.split(/\r\n|\n|\r/);
  const indents = lines.slice(1).filter((l) => l.trim() !== '').map((l) => (/^[ \t]*/.exec(l) as RegExpExecArray)[0].length);
  const common = indents.length ? Math.min(...indents) : 0;
  const out = lines.map((l, index) => (index === 0 ? l : l.slice(common)));
  while (out.length && (out[0] as string).trim() === '') out.shift();
  while (out.length && (out[out.length - 1] as string).trim() === '') out.pop();
  return out.join('\n');
}

class Parser {
  private pos = 0;
  constructor(private readonly tokens: Token[]) {}

  document(): DocumentNode {
    const doc: DocumentNode = { operations: [], fragments: {} };
    while (this.peek().kind !== 'eof') {
      const token = this.peek();
      if (token.kind === 'punct' && token.value === '{') {
        doc.operations.push({ type: 'query', variables: [], selections: this.selectionSet() });
      } else if (token.kind === 'name' && (token.value === 'query' || token.value === 'mutation' || token.value === 'subscription')) {
        this.pos++;
        const name = this.peek().kind === 'name' ? this.next().value : undefined;
        const variables = this.isPunct('(') ? this.variableDefinitions() : [];
        this.directives();
        doc.operations.push({ type: token.value, name, variables, selections: this.selectionSet() });
      } else if (token.kind === 'name' && token.value === 'fragment') {
        this.pos++;
        const name = this.name();
        this.expectKeyword('on');
        this.name();
        this.directives();
        doc.fragments[name] = this.selectionSet();
      } else {
        this.unexpected();
      }
    }
    if (doc.operations.length === 0) throw new GraphQLSyntaxError('Document contains no operations.', 1, 1);
    return doc;
  }

  private variableDefinitions(): VariableDefinition[] {
    this.expect('(');
    const definitions: VariableDefinition[] = [];
    while (!this.isPunct(')')) {
      this.expect('$');
      const name = this.name();
      this.expect(':');
      const type = this.type();
      const defaultValue = this.isPunct('=') ? (this.pos++, this.value(true)) : undefined;
      this.directives();
      definitions.push({ name, type, defaultValue });
    }
    this.expect(')');
    return definitions;
  }

  private type(): string {
    let type: string;
    if (this.isPunct('[')) {
      this.pos++;
      type = `[${this.type()}]`;
      this.expect(']');
    } else {
      type = this.name();
    }
    if (this.isPunct('!')) {
      this.pos++;
      type += '!';
    }
    return type;
  }

  private selectionSet(): Selection[] {
    this.expect('{');
    const selections: Selection[] = [];
    while (!this.isPunct('}')) selections.push(this.selection());
    this.expect('}');
    if (selections.length === 0) this.unexpected();
    return selections;
  }

  private selection(): Selection {
    if (this.isPunct('...')) {
      this.pos++;
      if (this.peek().kind === 'name' && this.peek().value !== 'on') {
        const name = this.name();
        return { kind: 'spread', name, directives: this.directives() };
      }
      let typeCondition: string | undefined;
      if (this.peek().kind === 'name' && this.peek().value === 'on') {
        this.pos++;
        typeCondition = this.name();
      }
      return { kind: 'inline', typeCondition, directives: this.directives(), selections: this.selectionSet() };
    }
    const first = this.peek();
    let name = this.name();
    let alias: string | undefined;
    if (this.isPunct(':')) {
      this.pos++;
      alias = name;
      name = this.name();
    }
    const args = this.isPunct('(') ? this.arguments(false) : {};
    const directives = this.directives();
    const selections = this.isPunct('{') ? this.selectionSet() : undefined;
    return { kind: 'field', alias, name, args, directives, selections, line: first.line, column: first.column };
  }

  private arguments(constant: boolean): Record<string, ValueNode> {
    this.expect('(');
    const args: Record<string, ValueNode> = {};
    while (!this.isPunct(')')) {
      const name = this.name();
      this.expect(':');
      args[name] = this.value(constant);
    }
    this.expect(')');
    return args;
  }

  private directives(): Directive[] {
    const directives: Directive[] = [];
    while (this.isPunct('@')) {
      this.pos++;
      const name = this.name();
      directives.push({ name, args: this.isPunct('(') ? this.arguments(false) : {} });
    }
    return directives;
  }

  private value(constant: boolean): ValueNode {
    const token = this.next();
    switch (token.kind) {
      case 'int':
        return { kind: 'int', value: Number(token.value) };
      case 'float':
        return { kind: 'float', value: Number(token.value) };
      case 'string':
        return { kind: 'string', value: token.value };
      case 'name':
        if (token.value === 'true' || token.value === 'false') return { kind: 'boolean', value: token.value === 'true' };
        if (token.value === 'null') return { kind: 'null' };
        return { kind: 'enum', value: token.value };
      case 'punct':
        if (token.value === '$' && !constant) return { kind: 'variable', name: this.name() };
        if (token.value === '[') {
          const values: ValueNode[] = [];
          while (!this.isPunct(']')) values.push(this.value(constant));
          this.pos++;
          return { kind: 'list', values };
        }
        if (token.value === '{') {
          const fields: Record<string, ValueNode> = {};
          while (!this.isPunct('}')) {
            const name = this.name();
            this.expect(':');
            fields[name] = this.value(constant);
          }
          this.pos++;
          return { kind: 'object', fields };
        }
    }
    this.pos--;
    return this.unexpected();
  }

  private peek(): Token {
    return this.tokens[this.pos] as Token;
  }

  private next(): Token {
    const token = this.peek();
    if (token.kind !== 'eof') this.pos++;
    return token;
  }

  private isPunct(value: string): boolean {
    const token = this.peek();
    return token.kind === 'punct' && token.value === value;
  }

  private expect(value: string): void {
    if (!this.isPunct(value)) {
      const token = this.peek();
      throw new GraphQLSyntaxError(`Expected "${value}", found ${describe(token)}.`, token.line, token.column);
    }
    this.pos++;
  }

  private expectKeyword(value: string): void {
    const token = this.peek();
    if (token.kind !== 'name' || token.value !== value) throw new GraphQLSyntaxError(`Expected "${value}", found ${describe(token)}.`, token.line, token.column);
    this.pos++;
  }

  private name(): string {
    const token = this.peek();
    if (token.kind !== 'name') throw new GraphQLSyntaxError(`Expected Name, found ${describe(token)}.`, token.line, token.column);
    this.pos++;
    return token.value;
  }

  private unexpected(): never {
    const token = this.peek();
    throw new GraphQLSyntaxError(`Unexpected ${describe(token)}.`, token.line, token.column);
  }
}

function describe(token: Token): string {
  if (token.kind === 'eof') return '<EOF>';
  if (token.kind === 'punct') return `"${token.value}"`;
  if (token.kind === 'string') return `String "${token.value}"`;
  return `${token.kind === 'name' ? 'Name' : token.kind === 'int' ? 'Int' : 'Float'} "${token.value}"`;
}

export function parseDocument(source: string): DocumentNode {
  return new Parser(tokenize(source)).document();
}

/** The operation the request names, or the only one. */
export function pickOperation(doc: DocumentNode, operationName?: string | null): Operation {
  if (operationName) {
    const named = doc.operations.find((operation) => operation.name === operationName);
    if (!named) throw new GraphQLValidationError(`Unknown operation named "${operationName}".`);
    return named;
  }
  if (doc.operations.length > 1) throw new GraphQLValidationError('Must provide operation name if query contains multiple operations.');
  return doc.operations[0] as Operation;
}

export class GraphQLValidationError extends Error {
  override readonly name = 'GraphQLValidationError';
  constructor(
    message: string,
    readonly locations?: { line: number; column: number }[],
  ) {
    super(message);
  }
}

export function valueOf(node: ValueNode, variables: Record<string, unknown>): unknown {
  switch (node.kind) {
    case 'variable':
      return variables[node.name] ?? null;
    case 'int':
    case 'float':
    case 'string':
    case 'boolean':
    case 'enum':
      return node.value;
    case 'null':
      return null;
    case 'list':
      return node.values.map((value) => valueOf(value, variables));
    case 'object':
      return Object.fromEntries(Object.entries(node.fields).map(([key, value]) => [key, valueOf(value, variables)]));
  }
}

/** Variables as given, with declared defaults filled in; missing required ones are an error. */
export function coerceVariables(operation: Operation, given: Record<string, unknown> = {}): Record<string, unknown> {
  const result: Record<string, unknown> = { ...given };
  for (const definition of operation.variables) {
    if (result[definition.name] === undefined && definition.defaultValue) result[definition.name] = valueOf(definition.defaultValue, {});
    if ((result[definition.name] === undefined || result[definition.name] === null) && definition.type.endsWith('!')) {
      throw new GraphQLValidationError(`Variable "$${definition.name}" of required type "${definition.type}" was not provided.`);
    }
  }
  return result;
}

export type FieldSelection = Extract<Selection, { kind: 'field' }>;

/** Fields of a selection set with fragments expanded and @skip/@include applied. */
export function collectFields(selections: Selection[], fragments: DocumentNode['fragments'], variables: Record<string, unknown>, seen = new Set<string>()): FieldSelection[] {
  const fields: FieldSelection[] = [];
  for (const selection of selections) {
    if (!included(selection.directives, variables)) continue;
    if (selection.kind === 'field') fields.push(selection);
    else if (selection.kind === 'inline') fields.push(...collectFields(selection.selections, fragments, variables, seen));
    else {
      const fragment = fragments[selection.name];
      if (!fragment) throw new GraphQLValidationError(`Unknown fragment "${selection.name}".`);
      if (seen.has(selection.name)) continue;
      fields.push(...collectFields(fragment, fragments, variables, new Set([...seen, selection.name])));
    }
  }
  return fields;
}

function included(directives: Directive[], variables: Record<string, unknown>): boolean {
  for (const directive of directives) {
    const condition = directive.args['if'] ? valueOf(directive.args['if'], variables) : undefined;
    if (directive.name === 'skip' && condition === true) return false;
    if (directive.name === 'include' && condition === false) return false;
  }
  return true;
}

export function argumentsOf(field: FieldSelection, variables: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(field.args).map(([key, value]) => [key, valueOf(value, variables)]));
}

/**
 * Shapes plain data the way a GraphQL server would: only the selected fields, under their
 * aliases. A field without a selection is returned whole (scalars and JSON scalars such as `meta`).
 */
export function project(value: unknown, selections: Selection[] | undefined, fragments: DocumentNode['fragments'], variables: Record<string, unknown>): unknown {
  if (value === undefined || value === null) return null;
  if (!selections) return value;
  if (Array.isArray(value)) return value.map((item) => project(item, selections, fragments, variables));
  if (typeof value !== 'object') return value;
  const source = value as Record<string, unknown>;
  const out: Record<string, unknown> = {};
  for (const field of collectFields(selections, fragments, variables)) {
    const key = field.alias ?? field.name;
    if (field.name === '__typename') out[key] = source['__typename'] ?? 'Object';
    else out[key] = project(source[field.name], field.selections, fragments, variables);
  }
  return out;
}

/** Operation name plus root field names, for fault matching and the request log; [] if unparsable. */
export function operationsOf(query: unknown, operationName?: unknown): string[] {
  if (typeof query !== 'string') return [];
  try {
    const doc = parseDocument(query);
    const operation = pickOperation(doc, typeof operationName === 'string' ? operationName : undefined);
    const names = collectFields(operation.selections, doc.fragments, {}).map((field) => field.name);
    return [...new Set([...(operation.name ? [operation.name] : []), ...names])];
  } catch {
    return [];
  }
}
