"""Объект Task: result(), exception(), имена, колбэки завершения, get_stack(), print_stack(), get_coro()."""
import asyncio
import io


async def inner() -> None:
    await asyncio.sleep(1)


async def outer() -> str:
    await inner()
    return "outer's result"


async def fail() -> None:
    await asyncio.sleep(0.1)
    raise KeyError("missing")


async def main() -> None:
    task = asyncio.create_task(outer(), name="worker")
    task.add_done_callback(lambda t: print(f"callback: {t.get_name()} is done"))
    await asyncio.sleep(0.1)
    print("name:", task.get_name(), "| coroutine:", task.get_coro().__qualname__)
    # get_stack(): для приостановленной корутины — только её внешний кадр.
    print("get_stack():", [(f.f_code.co_name, f.f_lineno) for f in task.get_stack()])
    text = io.StringIO()
    task.print_stack(file=text)  # текст вроде traceback; здесь берём только последнюю строку
    print("print_stack() ends with:", text.getvalue().splitlines()[-1].strip())
    task.set_name("renamed")  # lens: stop here
    print("await:", await task, "| result():", task.result(), "| exception():", task.exception())

    failing = asyncio.create_task(fail(), name="failing")
    await asyncio.wait([failing])
    print("exception():", repr(failing.exception()))
    try:
        failing.result()
    except KeyError as error:
        print("result() raises it:", repr(error))


if __name__ == "__main__":
    asyncio.run(main())
