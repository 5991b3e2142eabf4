// How a function binds its local names, for the type of `x` in `x.close()`: read from its body on demand.
import type { Node } from 'web-tree-sitter';
import { descendantsInSameScope, namedChildrenOf, withItems } from '../../syntax/nodes';
import { exprOf, type Expr } from './expressions';
import { bindingsOf, parameters, type Binding } from './moduleSummary';

export type LocalBinding =
  | Binding
  | { kind: 'enter'; manager: Expr; isAsync: boolean } // `with m as x`, `async with m as x`
  | { kind: 'unpack'; value: Expr; index: number } // `a, b = value`
  | { kind: 'parameter'; index: number; annotation?: Expr }
  | { kind: 'outer' }; // `global x` / `nonlocal x`: look further out

const BINDERS = new Set([
  'assignment', 'augmented_assignment', 'with_statement', 'for_statement', 'named_expression', 'import_statement',
  'import_from_statement', 'function_definition', 'class_definition', 'decorated_definition', 'global_statement',
  'nonlocal_statement', 'except_clause', 'delete_statement',
]);

/** The parameter binding of `name`, for a function whose body never mentions it. */
export function parameterBinding(fn: Node, name: string): LocalBinding | undefined {
  const params = parameters(fn);
  const index = params.findIndex(([parameter]) => parameter === name);
  return index < 0 ? undefined : { kind: 'parameter', index, annotation: params[index][1] };
}

export function localBindings(fn: Node): Map<string, LocalBinding[]> {
  const bindings = new Map<string, LocalBinding[]>();
  const bind = (name: string, binding: LocalBinding) => bindings.set(name, [...(bindings.get(name) ?? []), binding]);
  parameters(fn).forEach(([name, annotation], index) => bind(name, { kind: 'parameter', index, annotation }));
  const body = fn.childForFieldName('body');
  if (!body) return bindings;
  for (const node of descendantsInSameScope(body, BINDERS)) {
    switch (node.type) {
      case 'assignment': {
        const left = node.childForFieldName('left');
        let right = node.childForFieldName('right');
        while (right?.type === 'assignment') right = right.childForFieldName('right');
        const type = node.childForFieldName('type');
        if (left?.type === 'identifier') {
          bind(left.text, { kind: 'value', value: right ? exprOf(right) : undefined, annotation: type ? exprOf(type, true) : undefined });
        } else if ((left?.type === 'pattern_list' || left?.type === 'tuple_pattern') && right) {
          const targets = namedChildrenOf(left);
          const plain = targets.every((target) => target.type === 'identifier');
          targets.forEach((target, index) => {
            if (target.type === 'identifier') bind(target.text, plain ? { kind: 'unpack', value: exprOf(right), index } : { kind: 'unknown' });
            else for (const id of target.descendantsOfType('identifier')) if (id) bind(id.text, { kind: 'unknown' });
          });
        }
        break;
      }
      case 'with_statement':
        for (const { value, alias } of withItems(node)) {
          if (alias && /^[A-Za-z_]\w*$/.test(alias)) bind(alias, { kind: 'enter', manager: exprOf(value), isAsync: node.child(0)?.type === 'async' });
        }
        break;
      case 'global_statement':
      case 'nonlocal_statement':
        for (const id of namedChildrenOf(node)) bind(id.text, { kind: 'outer' });
        break;
      case 'function_definition':
      case 'class_definition':
      case 'decorated_definition':
      case 'import_statement':
      case 'import_from_statement':
        // A decorated def is found twice: as the decorated_definition and as the def inside it.
        if (node.parent?.type === 'decorated_definition') break;
        // Relative imports inside functions keep their dots, as the document's own imports do.
        for (const [name, binding] of bindingsOf(node, '', false)) bind(name, binding);
        break;
      default: {
        // for targets, walrus, augmented assignment, `except … as e`, del: some other value, not inferred.
        const target = node.type === 'for_statement' ? node.childForFieldName('left') : node.type === 'named_expression' ? node.childForFieldName('name') : node.type === 'except_clause' ? null : node.childForFieldName('left') ?? node.firstNamedChild;
        for (const id of target ? [target, ...target.descendantsOfType('identifier')] : []) if (id?.type === 'identifier') bind(id.text, { kind: 'unknown' });
      }
    }
  }
  return bindings;
}
