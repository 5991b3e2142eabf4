import { describe, expect, it } from 'vitest';
import { flagged, py } from '../testing/ruleHarness';
import { unawaitedCoroutineRule } from './unawaitedCoroutine';

describe('ALENS002 through types', () => {
  it("flags coroutine methods of asyncio's own types: streams, locks, queues, events, the loop", async () => {
    const source = py`
      import asyncio
      from asyncio import StreamWriter

      async def handle(reader: asyncio.StreamReader, writer: StreamWriter):
          writer.write(b"hello")
          writer.drain()
          reader.readline()

      async def client(host):
          reader, writer = await asyncio.open_connection(host, 80)
          writer.close()
          writer.wait_closed()

      class Worker:
          lock: asyncio.Lock

          def __init__(self, queue: "asyncio.Queue[int]", done: asyncio.Event | None):
              self.queue = queue
              self.done = done
              self.ready = asyncio.Event()

          async def run(self, sock):
              self.lock.acquire()
              self.queue.put(1)
              self.done.wait()
              self.ready.wait()
              self.queue.put_nowait(2)
              loop = asyncio.get_running_loop()
              loop.sock_sendall(sock, b"x")
              loop.call_soon(print)
    `;
    expect(await flagged(unawaitedCoroutineRule, source)).toEqual([
      'ALENS002 writer.drain()',
      'ALENS002 reader.readline()',
      'ALENS002 writer.wait_closed()',
      'ALENS002 self.lock.acquire()',
      'ALENS002 self.queue.put(1)',
      'ALENS002 self.done.wait()',
      'ALENS002 self.ready.wait()',
      'ALENS002 loop.sock_sendall(sock, b"x")',
    ]);
  });

  const library = {
    'wslib/__init__': 'from .client import Session\nfrom .ws import WebSocket\n',
    'wslib.ws': py`
      class WebSocket:
          async def send_str(self, data: str) -> None: ...
          async def pong(self) -> None: ...
          def closed(self) -> bool: ...
    `,
    'wslib.client': py`
      from typing import Any, Coroutine, Generic, TypeVar
      from .ws import WebSocket
      _Ret = TypeVar("_Ret")

      class _RequestContext(Coroutine[Any, Any, _Ret], Generic[_Ret]):
          async def __aenter__(self) -> _Ret: ...

      class _WSContext(_RequestContext[WebSocket]): ...

      class Session:
          async def __aenter__(self) -> "Session":
              return self
          def ws_connect(self, url: str) -> "_WSContext": ...
    `,
    resolvers: py`
      class ThreadedResolver:
          async def close(self) -> None: ...
      class AsyncResolver:
          async def close(self) -> None: ...
      class SyncResolver:
          def close(self) -> None: ...
      DefaultResolver = AsyncResolver if fast else ThreadedResolver
      AnyResolver = AsyncResolver if fast else SyncResolver
    `,
  };

  it('follows imported classes: return annotations, async with, generic bases, attributes set in __init__, closures', async () => {
    const source = py`
      import wslib
      from resolvers import DefaultResolver

      async def chat(url):
          async with wslib.Session() as session:
              async with session.ws_connect(url) as ws:
                  def on_line(line):
                      ws.send_str(line)
                  ws.pong()
                  ws.closed()

      class Fake:
          def __init__(self):
              self._resolver = DefaultResolver()

          async def close(self) -> None:
              self._resolver.close()
    `;
    expect(await flagged(unawaitedCoroutineRule, source, library)).toEqual([
      'ALENS002 ws.send_str(line)',
      'ALENS002 ws.pong()',
      'ALENS002 self._resolver.close()',
    ]);
  });

  it('stays quiet where the type is not known for sure', async () => {
    const source = py`
      import asyncio
      import wslib
      from resolvers import AnyResolver
      from elsewhere import Thing

      class Sub(wslib.WebSocket):
          def pong(self):
              return None

      def wrap(fn):
          return fn

      class Local:
          @wrap
          async def close(self): ...

      async def main(ws, lock: "threading.Lock", conn: Thing):
          ws.send_str("unknown receiver")
          lock.acquire()
          conn.close()
          AnyResolver().close()
          Sub().pong()
          Local().close()
          writer = await asyncio.open_connection("h", 1)
          writer.drain()
          queue = asyncio.Queue()
          queue = make_queue()
          queue.put(1)
    `;
    expect(await flagged(unawaitedCoroutineRule, source, library)).toEqual([]);
  });
});
