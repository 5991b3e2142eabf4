import { describe, expect, it } from 'vitest';
import { check, fixed, flagged, py } from '../testing/ruleHarness';
import { blockingCallRule } from './blockingCall';

describe('ALENS003–007 blocking calls in async def', () => {
  it('flags each kind of blocking call with its own code', async () => {
    const source = py`
      import os, subprocess, time
      import requests
      import urllib.request
      from httpx import get as http_get

      async def handler(url):
          time.sleep(1)
          requests.get(url)
          http_get(url)
          urllib.request.urlopen(url)
          subprocess.run(["ls"], check=True)
          os.system("ls")
          os.waitpid(0, 0)
          with open("f") as fh:
              pass
          input("name? ")
    `;
    expect(await flagged(blockingCallRule, source)).toEqual([
      'ALENS003 time.sleep(1)',
      'ALENS004 requests.get(url)',
      'ALENS004 http_get(url)',
      'ALENS004 urllib.request.urlopen(url)',
      'ALENS005 subprocess.run(["ls"], check=True)',
      'ALENS005 os.system("ls")',
      'ALENS005 os.waitpid(0, 0)',
      'ALENS006 open("f")',
      'ALENS007 input("name? ")',
    ]);
  });

  it('does not flag sync code, threads, executors, or shadowed names', async () => {
    const source = py`
      import asyncio, time
      from mylib import sleep

      def sync():
          time.sleep(1)
          open("f")

      async def main(loop, open):
          await asyncio.to_thread(time.sleep, 1)
          await loop.run_in_executor(None, lambda: time.sleep(1))
          def in_thread():
              time.sleep(1)
          sleep(1)
          open("f")
          await asyncio.sleep(1)
    `;
    expect(await flagged(blockingCallRule, source)).toEqual([]);
  });

  it('replaces time.sleep with await asyncio.sleep, adding the import when needed', async () => {
    expect(await fixed(blockingCallRule, 'import time\n\nasync def f():\n    time.sleep(0.5)\n')).toBe(
      'import asyncio\nimport time\n\nasync def f():\n    await asyncio.sleep(0.5)\n',
    );
    expect(await fixed(blockingCallRule, 'import asyncio as aio\nfrom time import sleep\nasync def f():\n    sleep(1)\n')).toBe(
      'import asyncio as aio\nfrom time import sleep\nasync def f():\n    await aio.sleep(1)\n',
    );
  });

  it('moves a blocking call to a worker thread, parenthesised where needed', async () => {
    expect(await fixed(blockingCallRule, 'import asyncio, requests\nasync def f(u):\n    body = requests.get(u, timeout=5).text\n')).toBe(
      'import asyncio, requests\nasync def f(u):\n    body = (await asyncio.to_thread(requests.get, u, timeout=5)).text\n',
    );
    expect(await fixed(blockingCallRule, 'import asyncio\nasync def f():\n    name = input()\n')).toBe(
      'import asyncio\nasync def f():\n    name = await asyncio.to_thread(input)\n',
    );
  });

  it('offers no fix where moving the call is not safe', async () => {
    const [openCall] = await check(blockingCallRule, 'async def f():\n    with open("x") as fh: ...\n');
    expect(openCall.fixes).toEqual([]);
    const [inGenerator] = await check(blockingCallRule, 'import time\nasync def f(xs):\n    sum(time.sleep(x) or 1 for x in xs)\n');
    expect(inGenerator.fixes).toEqual([]);
  });
});
