/** Conversions between the runtime's debugger shapes and DAP's. Pure functions. */
import { DebugProtocol } from '@vscode/debugprotocol';
import type { BreakpointResult, FrameInfo, SourceBreakpoint, VariableInfo } from './agentProtocol';

export function toSourceBreakpoints(args: DebugProtocol.SetBreakpointsArguments): SourceBreakpoint[] {
  const requested: DebugProtocol.SourceBreakpoint[] = args.breakpoints ?? (args.lines ?? []).map((line) => ({ line }));
  return requested.map((bp) => ({
    line: bp.line,
    ...(bp.condition ? { condition: bp.condition } : {}),
    ...(bp.hitCondition ? { hitCondition: bp.hitCondition } : {}),
    ...(bp.logMessage ? { logMessage: bp.logMessage } : {}),
  }));
}

export function toDapBreakpoint(bp: BreakpointResult, path: string): DebugProtocol.Breakpoint {
  return { id: bp.id, verified: bp.verified, line: bp.line, source: { path }, ...(bp.message ? { message: bp.message } : {}) };
}

export function toDapFrame(frame: FrameInfo): DebugProtocol.StackFrame {
  if (frame.hint === 'label') {
    return { id: frame.id, name: frame.name, line: 0, column: 0, presentationHint: 'label' };
  }
  return {
    id: frame.id,
    name: frame.name,
    source: frame.file ? { path: frame.file, name: basename(frame.file) } : undefined,
    line: frame.line,
    column: frame.column || 1,
    ...(frame.hint === 'subtle' ? { presentationHint: 'subtle' as const } : {}),
  };
}

export function toDapVariable(v: VariableInfo): DebugProtocol.Variable {
  return {
    name: v.name,
    value: v.value,
    type: v.type,
    variablesReference: v.ref,
    ...(v.named !== undefined ? { namedVariables: v.named } : {}),
    ...(v.indexed !== undefined ? { indexedVariables: v.indexed } : {}),
    ...(v.evaluateName ? { evaluateName: v.evaluateName } : {}),
  };
}

function basename(file: string): string {
  return file.slice(Math.max(file.lastIndexOf('/'), file.lastIndexOf('\\')) + 1);
}
