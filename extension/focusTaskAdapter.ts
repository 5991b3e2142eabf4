/**
 * "Show in Call Stack" for a task: VS Code's API cannot select a thread in the Call Stack, but a
 * debug adapter can, with a `stopped` event for that thread whose `preserveFocusHint` is false.
 * This thin DAP middleware around the inline adapter answers the extension's own
 * `asyncioLens/focusTask` request while the program is paused: it makes sure the task's thread
 * (TASK_THREAD_BASE + id) is in the next `threads` answer even beyond the adapter's cap, and
 * sends that `stopped` event, so VS Code selects the task's thread, shows its frames (which the
 * adapter gets from `debug/taskStack`) and opens the top one. Everything else passes through.
 */
import * as vscode from 'vscode';
import type { DebugProtocol } from '@vscode/debugprotocol';
import { AsyncioLensSession } from '../debug-adapter/session';
import { taskThreadId } from '../debug-adapter/taskThreads';

export const FOCUS_TASK_REQUEST = 'asyncioLens/focusTask';

export interface FocusTaskArgs {
  id: number;
  /** Thread name to list the task under if the adapter did not list it. */
  name: string;
}

export class FocusTaskAdapter implements vscode.DebugAdapter {
  private readonly emitter = new vscode.EventEmitter<vscode.DebugProtocolMessage>();
  private readonly subscription: vscode.Disposable;
  private focused: FocusTaskArgs | undefined;
  private paused = false;
  private seq = 1_000_000_000;
  readonly onDidSendMessage = this.emitter.event;

  constructor(private readonly inner: vscode.DebugAdapter) {
    this.subscription = inner.onDidSendMessage((m) => this.emitter.fire(this.outgoing(m as DebugProtocol.ProtocolMessage)));
  }

  handleMessage(message: vscode.DebugProtocolMessage): void {
    const m = message as DebugProtocol.Request;
    if (m.type === 'request' && m.command === FOCUS_TASK_REQUEST) {
      this.focusTask(m);
      return;
    }
    if (m.type === 'request' && ['continue', 'next', 'stepIn', 'stepOut'].includes(m.command)) this.focused = undefined;
    this.inner.handleMessage(message);
  }

  dispose(): void {
    this.subscription.dispose();
    this.emitter.dispose();
    this.inner.dispose();
  }

  private outgoing(m: DebugProtocol.ProtocolMessage): DebugProtocol.ProtocolMessage {
    if (m.type === 'event') {
      const e = m as DebugProtocol.Event;
      if (e.event === 'stopped') this.paused = true;
      else if (e.event === 'continued' || e.event === 'terminated') {
        this.paused = false;
        this.focused = undefined;
      }
    } else if (m.type === 'response') {
      const r = m as DebugProtocol.Response;
      if (r.command === 'threads' && r.success && this.focused) {
        const body = (r as DebugProtocol.ThreadsResponse).body;
        const id = taskThreadId(this.focused.id);
        if (body && !body.threads.some((t) => t.id === id)) body.threads.push({ id, name: this.focused.name });
      }
      if (['continue', 'next', 'stepIn', 'stepOut'].includes(r.command) && r.success) this.paused = false;
    }
    return m;
  }

  private focusTask(request: DebugProtocol.Request): void {
    const args = request.arguments as FocusTaskArgs | undefined;
    const respond = (success: boolean, message?: string) =>
      this.emitter.fire({ seq: this.seq++, type: 'response', request_seq: request.seq, command: request.command, success, message } as DebugProtocol.Response);
    if (!args || typeof args.id !== 'number') return respond(false, 'asyncioLens/focusTask needs the task "id".');
    if (!this.paused) return respond(false, 'not paused');
    this.focused = { id: args.id, name: args.name };
    respond(true);
    const stopped: DebugProtocol.StoppedEvent = {
      seq: this.seq++,
      type: 'event',
      event: 'stopped',
      body: { reason: 'pause', description: args.name, threadId: taskThreadId(args.id), allThreadsStopped: true, preserveFocusHint: false },
    };
    this.emitter.fire(stopped);
  }
}

/** Runs the adapter inside the extension host, behind the focus-task middleware. */
export class FocusableInlineAdapterFactory implements vscode.DebugAdapterDescriptorFactory {
  constructor(private readonly runtimeDir: string) {}

  createDebugAdapterDescriptor(): vscode.ProviderResult<vscode.DebugAdapterDescriptor> {
    return new vscode.DebugAdapterInlineImplementation(new FocusTaskAdapter(new AsyncioLensSession({ runtimeDir: this.runtimeDir })));
  }
}
