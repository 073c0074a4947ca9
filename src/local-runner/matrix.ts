import { evaluate, type ExpressionContext, toStr, type Value } from './expressions.js';

export type MatrixCombination = Record<string, Value>;

/**
 * The combinations of a job's `strategy.matrix`, each key a list or a `${{ }}` expression giving
 * one (`fromJSON(needs.plan.outputs.shards)`). include/exclude are not run locally: they throw
 * rather than run a different set of jobs than GitHub would. No matrix: one empty combination.
 */
export function expandMatrix(matrix: unknown, context: ExpressionContext): MatrixCombination[] {
  if (matrix === undefined || matrix === null) return [{}];
  const spec = typeof matrix === 'string' ? wholeExpression(matrix, context, 'strategy.matrix') : matrix;
  if (typeof spec !== 'object' || spec === null || Array.isArray(spec))
    throw new Error('strategy.matrix must be a mapping of lists');
  let combinations: MatrixCombination[] = [{}];
  for (const [key, raw] of Object.entries(spec as Record<string, unknown>)) {
    if (key === 'include' || key === 'exclude')
      throw new Error(`strategy.matrix.${key} is not supported by the local runner`);
    const values = typeof raw === 'string' ? wholeExpression(raw, context, `strategy.matrix.${key}`) : raw;
    if (!Array.isArray(values) || values.length === 0)
      throw new Error(`strategy.matrix.${key} must be a non-empty list, got ${JSON.stringify(values)}`);
    combinations = combinations.flatMap((combination) =>
      (values as Value[]).map((value) => ({ ...combination, [key]: value })),
    );
  }
  return combinations;
}

/** GitHub's name for one combination's job: `load (1)`, `test (linux, 20)`. */
export function matrixLabel(jobId: string, combination: MatrixCombination): string {
  const values = Object.values(combination);
  return values.length === 0 ? jobId : `${jobId} (${values.map(toStr).join(', ')})`;
}

function wholeExpression(text: string, context: ExpressionContext, where: string): Value {
  const match = /^\s*\$\{\{(.*)\}\}\s*$/s.exec(text);
  if (!match) throw new Error(`${where} must be a list or a single \${{ }} expression, got '${text}'`);
  return evaluate(match[1], context);
}
