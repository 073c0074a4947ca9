/**
 * GraphQL for the fake Railway API on graphql-js, the reference implementation: parsing,
 * validation against the schema in railway-schema.ts (unknown fields, arguments, input fields and
 * enum values are refused as a real GraphQL server refuses them), variable coercion, execution and
 * introspection. This module only adds what the router needs before a request is executed.
 */
import {
  buildSchema,
  extendSchema,
  Kind,
  parse,
  type DocumentNode,
  type GraphQLSchema,
  type OperationDefinitionNode,
  type SelectionSetNode,
} from 'graphql';
import { RAILWAY_SDL } from './railway-schema.js';

export type OperationType = 'query' | 'mutation' | 'subscription';

function tryParse(query: unknown): DocumentNode | undefined {
  if (typeof query !== 'string') return undefined;
  try {
    return parse(query);
  } catch {
    return undefined;
  }
}

/** The operation the request names, or the only one; undefined when there is no such single operation. */
export function pickOperation(
  document: DocumentNode,
  operationName?: string | null,
): OperationDefinitionNode | undefined {
  const operations = document.definitions.filter(
    (definition): definition is OperationDefinitionNode => definition.kind === Kind.OPERATION_DEFINITION,
  );
  if (operationName) return operations.find((operation) => operation.name?.value === operationName);
  return operations.length === 1 ? operations[0] : undefined;
}

/** Root field names of a selection set, fragments expanded (directives are not evaluated). */
function rootFields(selectionSet: SelectionSetNode, document: DocumentNode, seen = new Set<string>()): string[] {
  const names: string[] = [];
  for (const selection of selectionSet.selections) {
    if (selection.kind === Kind.FIELD) names.push(selection.name.value);
    else if (selection.kind === Kind.INLINE_FRAGMENT) names.push(...rootFields(selection.selectionSet, document, seen));
    else if (!seen.has(selection.name.value)) {
      seen.add(selection.name.value);
      const fragment = document.definitions.find(
        (definition) => definition.kind === Kind.FRAGMENT_DEFINITION && definition.name.value === selection.name.value,
      );
      if (fragment?.kind === Kind.FRAGMENT_DEFINITION) names.push(...rootFields(fragment.selectionSet, document, seen));
    }
  }
  return names;
}

/** Operation name plus root field names, for fault matching and the request log; [] if unparsable. */
export function operationsOf(query: unknown, operationName?: unknown): string[] {
  const document = tryParse(query);
  const operation = document && pickOperation(document, typeof operationName === 'string' ? operationName : undefined);
  if (!document || !operation) return [];
  return [
    ...new Set([...(operation.name ? [operation.name.value] : []), ...rootFields(operation.selectionSet, document)]),
  ];
}

/** The type of the operation a request would run, if it names one that parses. */
export function operationTypeOf(query: unknown, operationName?: unknown): OperationType | undefined {
  const document = tryParse(query);
  return document
    ? pickOperation(document, typeof operationName === 'string' ? operationName : undefined)?.operation
    : undefined;
}

/** Whether every root field of the operation is introspection (`__schema`, `__type`, `__typename`). */
export function isIntrospectionOnly(query: unknown, operationName?: unknown): boolean {
  const fields = operationsOf(query, operationName).filter(
    (name) => !(typeof operationName === 'string' && name === operationName),
  );
  return fields.length > 0 && fields.every((name) => name.startsWith('__'));
}

const schemas = new WeakMap<readonly unknown[], GraphQLSchema>();

/**
 * Railway's schema plus the SDL extensions contribute (`extend type Query { … }`), built once per
 * extension list. Every resolver must have its field in the schema: a resolver that no query can
 * reach is a mistake, reported here rather than found later as a "Cannot query field" error.
 */
export function railwaySchema(
  extensions: readonly { name: string; railwaySchema?: string; railwayFields?: Record<string, unknown> }[],
  builtIn: readonly string[],
): GraphQLSchema {
  const cached = schemas.get(extensions);
  if (cached) return cached;
  let schema = buildSchema(RAILWAY_SDL);
  const extra = extensions.map((extension) => extension.railwaySchema).filter((sdl): sdl is string => Boolean(sdl));
  if (extra.length) schema = extendSchema(schema, parse(extra.join('\n')));
  const rootNames = new Set([
    ...Object.keys(schema.getQueryType()?.getFields() ?? {}),
    ...Object.keys(schema.getMutationType()?.getFields() ?? {}),
  ]);
  const resolvers = [
    ...builtIn.map((name) => ['railway', name] as const),
    ...extensions.flatMap((extension) =>
      Object.keys(extension.railwayFields ?? {}).map((name) => [extension.name, name] as const),
    ),
  ];
  for (const [owner, name] of resolvers) {
    if (!rootNames.has(name))
      throw new Error(
        `emulator: the Railway field "${name}" of ${owner} is not in the schema; add Railway's signature to railway-schema.ts or the extension's railwaySchema`,
      );
  }
  schemas.set(extensions, schema);
  return schema;
}
