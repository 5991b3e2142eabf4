"""Corpus: a loop stopped with a pending task; the task is destroyed pending."""
import asyncio
import gc

# No automatic collection: which object of the task/coroutine cycle is finalized first
# (asyncio's message shows the coroutine "done" or "running at") depends otherwise on
# how many objects were allocated before, and a runtime's own imports shift that.
gc.disable()


async def forever():
    await asyncio.Event().wait()


loop = asyncio.new_event_loop()
task = loop.create_task(forever(), name="orphan")
loop.run_until_complete(asyncio.sleep(0.01))
loop.close()
del task
gc.collect()
print("closed with a pending task")
